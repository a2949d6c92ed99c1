/* udpload: closed-loop UDP echo load generator.
 *
 * Opens C UDP sockets connected to HOST:PORT; each keeps N datagrams of
 * SIZE bytes in flight: every reply that comes back is answered with the
 * next datagram.  A socket that hears nothing for 200 ms while it waits
 * (datagrams can be dropped) sends its N datagrams again.  It first waits
 * (up to 10 s) until the server answers at all, then warms up, then counts
 * replies for SECONDS and prints one line of figures (and a line
 * "measuring" when it starts counting).  Reads and sends are
 * batched (recvmmsg / sendmmsg) so that the load generator costs little.
 *
 *   udpload [-c sockets] [-n outstanding] [-s size] [-t seconds] [-w warmup]
 *           [-h host] [-p port]
 *
 * Output (one line, key=value): conns outstanding size seconds requests
 * rps resends.  Exit status: 0 ok, 1 error (the message says which).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

typedef struct {
    int fd;
    int inflight;
    double last;           /* time of the last reply (or of the last send burst) */
} sock_t;

static char *out, *in;
static size_t size;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "udpload: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* send n datagrams on s; returns how many went */
static int send_n(sock_t *s, int n)
{
    struct mmsghdr msgs[BATCH];
    struct iovec iov = {.iov_base = out, .iov_len = size};
    int sent = 0;
    while (sent < n) {
        int k = n - sent < BATCH ? n - sent : BATCH;
        memset(msgs, 0, sizeof(msgs[0]) * (size_t)k);
        for (int i = 0; i < k; i++) {
            msgs[i].msg_hdr.msg_iov = &iov;
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int r = sendmmsg(s->fd, msgs, (unsigned)k, 0);
        if (r < 0) {
            if (errno == EAGAIN || errno == ENOBUFS || errno == ECONNREFUSED)
                break;
            die("sendmmsg");
        }
        sent += r;
        if (r < k)
            break;
    }
    s->inflight += sent;
    return sent;
}

int main(int argc, char **argv)
{
    int nsocks = 4, outstanding = 8, port = 25000, opt;
    double seconds = 5.0, warmup = 1.0;
    const char *host = "127.0.0.1";
    size = 1024;
    while ((opt = getopt(argc, argv, "c:n:s:t:w:h:p:")) != -1) {
        switch (opt) {
        case 'c': nsocks = atoi(optarg); break;
        case 'n': outstanding = atoi(optarg); break;
        case 's': size = (size_t)atol(optarg); break;
        case 't': seconds = atof(optarg); break;
        case 'w': warmup = atof(optarg); break;
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        default:
            fprintf(stderr, "usage: udpload [-c sockets] [-n outstanding] [-s size] "
                            "[-t seconds] [-w warmup] [-h host] [-p port]\n");
            return 2;
        }
    }
    if (nsocks < 1 || outstanding < 1 || size < 1 || size > 65507) {
        fprintf(stderr, "udpload: bad sockets, outstanding or size\n");
        return 2;
    }
    out = malloc(size);
    in = malloc(BATCH * 65536);
    for (size_t i = 0; i < size; i++)
        out[i] = (char)('a' + i % 26);

    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "udpload: bad host %s\n", host);
        return 2;
    }
    int ep = epoll_create1(0);
    if (ep < 0)
        die("epoll_create1");
    sock_t *socks = calloc((size_t)nsocks, sizeof(sock_t));
    for (int i = 0; i < nsocks; i++) {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (fd < 0)
            die("socket");
        int buf = 4 << 20;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof buf);
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0)
            die("connect");
        socks[i].fd = fd;
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
            die("epoll_ctl");
    }

    /* wait for the server: one datagram every 100 ms on socket 0 */
    struct epoll_event events[256];
    double give_up = now() + 10;
    for (;;) {
        send_n(&socks[0], 1);
        int n = epoll_wait(ep, events, 256, 100);
        if (n > 0 && recv(socks[0].fd, in, 65536, 0) >= 0)
            break;
        if (now() > give_up) {
            fprintf(stderr, "udpload: no answer from %s:%d\n", host, port);
            return 1;
        }
    }
    /* drain the probes that may still come back */
    usleep(100000);
    while (recv(socks[0].fd, in, 65536, 0) >= 0)
        ;
    socks[0].inflight = 0;

    double start = now();
    for (int i = 0; i < nsocks; i++) {
        send_n(&socks[i], outstanding);
        socks[i].last = start;
    }
    double measure_from = start + warmup, end = measure_from + seconds;
    unsigned long long requests = 0, resends = 0;
    int measuring = 0;
    struct mmsghdr msgs[BATCH];
    struct iovec iovs[BATCH];
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) {
            measuring = 1;
            requests = 0;
            resends = 0;
            measure_from = t;
            printf("measuring\n");        /* udp_compare.sh reads the CPU now */
            fflush(stdout);
        }
        if (t >= end)
            break;
        int n = epoll_wait(ep, events, 256, 50);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait");
        }
        t = now();
        for (int k = 0; k < n; k++) {
            sock_t *s = &socks[events[k].data.u32];
            for (;;) {
                for (int i = 0; i < BATCH; i++) {
                    iovs[i].iov_base = in + (size_t)i * 65536;
                    iovs[i].iov_len = 65536;
                    memset(&msgs[i].msg_hdr, 0, sizeof(msgs[i].msg_hdr));
                    msgs[i].msg_hdr.msg_iov = &iovs[i];
                    msgs[i].msg_hdr.msg_iovlen = 1;
                }
                int r = recvmmsg(s->fd, msgs, BATCH, 0, NULL);
                if (r < 0) {
                    if (errno == EAGAIN || errno == ECONNREFUSED)
                        break;
                    die("recvmmsg");
                }
                for (int i = 0; i < r; i++)
                    if (msgs[i].msg_len != size) {
                        fprintf(stderr, "udpload: a reply of %u bytes, not %zu\n",
                                msgs[i].msg_len, size);
                        return 1;
                    }
                if (measuring)
                    requests += (unsigned long long)r;
                s->inflight -= r;
                if (s->inflight < 0)
                    s->inflight = 0;    /* late replies to datagrams sent again */
                s->last = t;
                send_n(s, outstanding - s->inflight);
                if (r < BATCH)
                    break;
            }
        }
        /* sockets that heard nothing for 200 ms: their datagrams were lost */
        for (int i = 0; i < nsocks; i++) {
            if (t - socks[i].last > 0.2) {
                socks[i].inflight = 0;
                resends += (unsigned long long)send_n(&socks[i], outstanding);
                socks[i].last = t;
            }
        }
    }
    double elapsed = now() - measure_from;
    printf("conns=%d outstanding=%d size=%zu seconds=%.2f requests=%llu rps=%.0f resends=%llu\n",
           nsocks, outstanding, size, elapsed, requests, requests / elapsed, resends);
    for (int i = 0; i < nsocks; i++)
        close(socks[i].fd);
    return 0;
}
