/* unixload: closed-loop echo load generator for a Unix socket server.
 *
 * Opens C connections to the socket at PATH; each connection sends a
 * message of SIZE bytes, waits until the whole message has come back, and
 * sends the next one.  Measures for SECONDS after a warm-up and prints one
 * line of figures in the format of ../../shared/bench/echoload.c (which
 * speaks TCP only), so that the same scripts read both.
 *
 *   unixload -u PATH [-c conns] [-s size] [-t seconds] [-w warmup]
 *
 * Output (one line, key=value): conns size seconds requests rps mbps
 * Exit status: 0 ok, 1 connection/protocol error (message says which).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

struct conn {
    int fd;
    size_t sent, got;
};

static double clock_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void fail(const char *what)
{
    fprintf(stderr, "unixload: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void want(int ep, struct conn *c, int idx, unsigned events)
{
    struct epoll_event ev;
    ev.events = events;
    ev.data.u32 = (unsigned)idx;
    if (epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev) < 0)
        fail("epoll_ctl");
}

/* write what is left of the message; switch to reading once it is out */
static void pump_out(int ep, struct conn *c, int idx, const char *msg, size_t size)
{
    while (c->sent < size) {
        ssize_t n = write(c->fd, msg + c->sent, size - c->sent);
        if (n < 0) {
            if (errno == EAGAIN) {
                want(ep, c, idx, EPOLLIN | EPOLLOUT);
                return;
            }
            fail("write");
        }
        c->sent += (size_t)n;
    }
    want(ep, c, idx, EPOLLIN);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int nconns = 10, opt;
    size_t size = 1024;
    double seconds = 5, warmup = 1;
    while ((opt = getopt(argc, argv, "u:c:s:t:w:")) != -1) {
        if (opt == 'u') path = optarg;
        else if (opt == 'c') nconns = atoi(optarg);
        else if (opt == 's') size = (size_t)atol(optarg);
        else if (opt == 't') seconds = atof(optarg);
        else if (opt == 'w') warmup = atof(optarg);
        else {
            fprintf(stderr, "usage: unixload -u PATH [-c conns] [-s size] [-t seconds] [-w warmup]\n");
            return 2;
        }
    }
    struct sockaddr_un sa;
    if (path == NULL || nconns < 1 || size < 1 || strlen(path) >= sizeof(sa.sun_path)) {
        fprintf(stderr, "unixload: a socket path (-u), and positive conns and size, are needed\n");
        return 2;
    }
    memset(&sa, 0, sizeof(sa));
    sa.sun_family = AF_UNIX;
    strcpy(sa.sun_path, path);
    char *msg = malloc(size), *buf = malloc(size);
    for (size_t i = 0; i < size; i++)
        msg[i] = (char)('A' + i % 23);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        fail("epoll_create1");
    struct conn *conns = calloc((size_t)nconns, sizeof(*conns));
    for (int i = 0; i < nconns; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
            fail("socket");
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
            fail("connect");
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        conns[i].fd = fd;
        struct epoll_event ev;
        ev.events = EPOLLIN;
        ev.data.u32 = (unsigned)i;
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
            fail("epoll_ctl");
        pump_out(ep, &conns[i], i, msg, size);
    }
    struct epoll_event events[256];
    unsigned long long requests = 0;
    double t0 = clock_s(), start = t0 + warmup, stop = start + seconds;
    int counting = 0;
    for (;;) {
        double t = clock_s();
        if (!counting && t >= start) {
            counting = 1;
            requests = 0;
            start = t;
        }
        if (t >= stop)
            break;
        int n = epoll_wait(ep, events, 256, 100);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fail("epoll_wait");
        }
        for (int k = 0; k < n; k++) {
            int idx = (int)events[k].data.u32;
            struct conn *c = &conns[idx];
            if (events[k].events & (EPOLLERR | EPOLLHUP)) {
                fprintf(stderr, "unixload: the server closed a connection\n");
                return 1;
            }
            if (events[k].events & EPOLLOUT)
                pump_out(ep, c, idx, msg, size);
            if (!(events[k].events & EPOLLIN))
                continue;
            for (;;) {
                ssize_t r = read(c->fd, buf, size - c->got);
                if (r == 0) {
                    fprintf(stderr, "unixload: the server closed a connection\n");
                    return 1;
                }
                if (r < 0) {
                    if (errno == EAGAIN)
                        break;
                    fail("read");
                }
                c->got += (size_t)r;
                if (c->got == size) {       /* the whole echo: the next one */
                    if (counting)
                        requests++;
                    c->got = c->sent = 0;
                    pump_out(ep, c, idx, msg, size);
                    break;
                }
            }
        }
    }
    double elapsed = clock_s() - start;
    printf("conns=%d size=%zu seconds=%.2f requests=%llu rps=%.0f mbps=%.2f\n",
           nconns, size, elapsed, requests, requests / elapsed,
           requests / elapsed * (double)size / 1e6);
    return 0;
}
