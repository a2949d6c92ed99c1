/* udp_echo_libuv: a UDP echo server in plain C on libuv, the reference for
 * what a binding's UDP echo could reach with no interpreter at all.
 *
 *   udp_echo_libuv [port]     (default 25000; binds 127.0.0.1)
 *
 * It does what uv's UDP does for a datagram, without Python: receive in
 * batches with recvmmsg where libuv has it (one 64 KiB slot per datagram in
 * one static buffer), send each datagram back with uv_udp_try_send, and
 * only when the socket does not take it at once copy it and queue it with
 * uv_udp_send.
 *
 * Build: cc -O2 -o udp_echo_libuv udp_echo_libuv.c $(pkg-config --cflags --libs libuv)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <uv.h>

#define SLOTS 20
static char slab[SLOTS * 65536];

typedef struct {
    uv_udp_send_t req;
    uv_buf_t buf;
} send_req_t;

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    (void)handle;
    (void)suggested;
    buf->base = slab;
    buf->len = sizeof(slab);
}

static void on_sent(uv_udp_send_t *req, int status)
{
    send_req_t *sr = (send_req_t *)req;
    (void)status;
    free(sr->buf.base);
    free(sr);
}

static void on_recv(uv_udp_t *udp, ssize_t nread, const uv_buf_t *buf,
                    const struct sockaddr *addr, unsigned flags)
{
    (void)flags;
    if (nread < 0 || addr == NULL)
        return;                 /* an error, nothing read, or the buffer back */
    uv_buf_t b;
    b.base = buf->base;
    b.len = (size_t)nread;
    int r = uv_udp_try_send(udp, &b, 1, addr);
    if (r != UV_EAGAIN)
        return;
    send_req_t *sr = malloc(sizeof *sr);
    sr->buf.base = malloc((size_t)nread ? (size_t)nread : 1);
    sr->buf.len = (size_t)nread;
    memcpy(sr->buf.base, buf->base, (size_t)nread);
    if (uv_udp_send(&sr->req, udp, &sr->buf, 1, addr, on_sent) < 0) {
        free(sr->buf.base);
        free(sr);
    }
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 25000;
    uv_loop_t *loop = uv_default_loop();
    uv_udp_t server;
    struct sockaddr_in addr;
    unsigned int flags = AF_INET;
#if UV_VERSION_HEX >= 0x012800
    if (uv_version() >= 0x012800)
        flags |= UV_UDP_RECVMMSG;
#endif
    int err = uv_udp_init_ex(loop, &server, flags);
    if (!err)
        err = uv_ip4_addr("127.0.0.1", port, &addr);
    if (!err)
        err = uv_udp_bind(&server, (const struct sockaddr *)&addr, 0);
    if (!err)
        err = uv_udp_recv_start(&server, on_alloc, on_recv);
    if (err) {
        fprintf(stderr, "udp_echo_libuv: %s\n", uv_strerror(err));
        return 1;
    }
    return uv_run(loop, UV_RUN_DEFAULT);
}
