/* tlsload: closed-loop TLS echo load generator (C, OpenSSL).
 *
 * The TLS counterpart of ../shared/bench/echoload.c, with the same options
 * and the same output line, so that ../shared/bench/compare.sh runs it
 * (ECHOLOAD=path/to/tlsload).  Opens C TLS connections to HOST:PORT (the
 * handshakes are done before the clock starts); each connection sends a
 * message of SIZE bytes, waits until the whole message has come back
 * decrypted, and sends the next one.  Runs for SECONDS after WARMUP
 * seconds and prints one line of figures.
 *
 *   tlsload [-c conns] [-s size] [-t seconds] [-h host] [-p port] [-w warmup]
 *
 * The server's certificate is not verified (the benchmark measures the
 * server's cost per request, not the trust setup).  TLSLOAD_VERSION=1.2
 * in the environment limits the connections to TLS 1.2 (default: the
 * highest both sides have, TLS 1.3).
 *
 * Output (one line, key=value): conns size seconds requests rps mbps tls
 * Exit status: 0 ok, 1 connection/protocol error (message says which).
 *
 * Build: cc -O2 -o tlsload tlsload.c -lssl -lcrypto   (libssl-dev)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

typedef struct {
    int fd;
    SSL *ssl;
    size_t sent;
    size_t received;
} conn_t;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "tlsload: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void die_ssl(const char *what)
{
    fprintf(stderr, "tlsload: %s: ", what);
    ERR_print_errors_fp(stderr);
    fputc('\n', stderr);
    exit(1);
}

/* SSL_write the rest of the message; 0 when it waits, -1 on an error */
static int pump_write(conn_t *c, const char *out, size_t size)
{
    while (c->sent < size) {
        int n = SSL_write(c->ssl, out + c->sent, (int)(size - c->sent));
        if (n > 0) {
            c->sent += (size_t)n;
            continue;
        }
        int e = SSL_get_error(c->ssl, n);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ)
            return 0;
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    int nconns = 10, port = 25000, opt;
    size_t size = 1024;
    double seconds = 5.0, warmup = 1.0;
    const char *host = "127.0.0.1";
    while ((opt = getopt(argc, argv, "c:s:t:h:p:w:")) != -1) {
        switch (opt) {
        case 'c': nconns = atoi(optarg); break;
        case 's': size = (size_t)atol(optarg); break;
        case 't': seconds = atof(optarg); break;
        case 'h': host = optarg; break;
        case 'p': port = atoi(optarg); break;
        case 'w': warmup = atof(optarg); break;
        default:
            fprintf(stderr, "usage: tlsload [-c conns] [-s size] [-t seconds] [-h host] [-p port] [-w warmup]\n");
            return 2;
        }
    }
    if (nconns < 1 || size < 1) {
        fprintf(stderr, "tlsload: conns and size must be positive\n");
        return 2;
    }
    char *out = malloc(size), *in = malloc(size + 16384);
    for (size_t i = 0; i < size; i++)
        out[i] = (char)('a' + i % 26);

    SSL_CTX *sctx = SSL_CTX_new(TLS_client_method());
    if (sctx == NULL)
        die_ssl("SSL_CTX_new");
    SSL_CTX_set_verify(sctx, SSL_VERIFY_NONE, NULL);
    const char *v = getenv("TLSLOAD_VERSION");
    if (v && strcmp(v, "1.2") == 0)
        SSL_CTX_set_max_proto_version(sctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(sctx, SSL_MODE_ENABLE_PARTIAL_WRITE);

    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)port);
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "tlsload: bad host %s\n", host);
        return 2;
    }
    int ep = epoll_create1(0);
    if (ep < 0)
        die("epoll_create1");
    conn_t *conns = calloc((size_t)nconns, sizeof(conn_t));
    for (int i = 0; i < nconns; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
        if (fd < 0)
            die("socket");
        if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
            die("connect");
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        SSL *ssl = SSL_new(sctx);
        SSL_set_fd(ssl, fd);
        SSL_set_tlsext_host_name(ssl, "localhost");
        if (SSL_connect(ssl) != 1)           /* blocking handshake */
            die_ssl("SSL_connect");
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        conns[i].fd = fd;
        conns[i].ssl = ssl;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &conns[i]};
        if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) < 0)
            die("epoll_ctl");
    }
    const char *tls = SSL_get_version(conns[0].ssl);
    for (int i = 0; i < nconns; i++)
        if (pump_write(&conns[i], out, size) < 0)
            die_ssl("SSL_write");

    struct epoll_event events[256];
    double start = now(), measure_from = start + warmup, end = measure_from + seconds;
    long requests = 0;
    int measuring = 0;
    for (;;) {
        double t = now();
        if (!measuring && t >= measure_from) {
            measuring = 1;
            requests = 0;
        }
        if (t >= end)
            break;
        int n = epoll_wait(ep, events, 256, 100);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            die("epoll_wait");
        }
        for (int k = 0; k < n; k++) {
            conn_t *c = events[k].data.ptr;
            for (;;) {
                int r = SSL_read(c->ssl, in, (int)(size + 16384));
                if (r > 0) {
                    c->received += (size_t)r;
                    if (c->received > size) {
                        fprintf(stderr, "tlsload: more bytes came back than were sent\n");
                        return 1;
                    }
                    if (c->received == size) {
                        requests++;
                        c->received = 0;
                        c->sent = 0;
                        if (pump_write(c, out, size) < 0)
                            die_ssl("SSL_write");
                    }
                    continue;
                }
                int e = SSL_get_error(c->ssl, r);
                if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
                    break;
                if (e == SSL_ERROR_ZERO_RETURN) {
                    fprintf(stderr, "tlsload: the server closed the connection\n");
                    return 1;
                }
                die_ssl("SSL_read");
            }
            if (c->sent < size && pump_write(c, out, size) < 0)
                die_ssl("SSL_write");
        }
    }
    double elapsed = now() - measure_from;
    printf("conns=%d size=%zu seconds=%.2f requests=%ld rps=%.0f mbps=%.1f tls=%s\n",
           nconns, size, elapsed, requests, requests / elapsed,
           requests * (double)size * 8 / elapsed / 1e6, tls);
    for (int i = 0; i < nconns; i++) {
        SSL_free(conns[i].ssl);
        close(conns[i].fd);
    }
    SSL_CTX_free(sctx);
    return 0;
}
