/* echo_libuv_unix: the Unix-socket variant of ../../shared/bench/echo_libuv.c:
 * an echo server in plain C on libuv, listening on a Unix socket path, the
 * reference for what a binding's pipe echo server could reach with no
 * interpreter at all.  The same work per read: a buffer of libuv's
 * suggested size, one uv_write of what was read.
 *
 *   echo_libuv_unix PATH
 *
 * Build: cc -O2 -o echo_libuv_unix echo_libuv_unix.c $(pkg-config --cflags --libs libuv)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

typedef struct {
    uv_write_t req;
    uv_buf_t buf;
} write_req_t;

static void on_close(uv_handle_t *handle) { free(handle); }

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf)
{
    (void)handle;
    buf->base = malloc(suggested);
    buf->len = suggested;
}

static void on_write(uv_write_t *req, int status)
{
    write_req_t *wr = (write_req_t *)req;
    (void)status;
    free(wr->buf.base);
    free(wr);
}

static void on_read(uv_stream_t *client, ssize_t nread, const uv_buf_t *buf)
{
    if (nread > 0) {
        write_req_t *wr = malloc(sizeof *wr);
        wr->buf.base = buf->base;
        wr->buf.len = (size_t)nread;
        uv_write(&wr->req, client, &wr->buf, 1, on_write);
        return;
    }
    if (nread < 0)
        uv_close((uv_handle_t *)client, on_close);
    free(buf->base);
}

static void on_connection(uv_stream_t *server, int status)
{
    if (status < 0)
        return;
    uv_pipe_t *client = malloc(sizeof *client);
    uv_pipe_init(server->loop, client, 0);
    if (uv_accept(server, (uv_stream_t *)client) == 0)
        uv_read_start((uv_stream_t *)client, on_alloc, on_read);
    else
        uv_close((uv_handle_t *)client, on_close);
}

static uv_pipe_t server;

static void on_signal(uv_signal_t *sig, int signum)
{
    (void)signum;
    uv_close((uv_handle_t *)&server, NULL);   /* removes the socket file */
    uv_stop(sig->loop);
}

int main(int argc, char **argv)
{
    uv_signal_t sigterm;
    if (argc < 2) {
        fprintf(stderr, "usage: echo_libuv_unix PATH\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    uv_loop_t *loop = uv_default_loop();
    uv_pipe_init(loop, &server, 0);
    int err = uv_pipe_bind(&server, argv[1]);
    if (!err)
        err = uv_listen((uv_stream_t *)&server, 1024, on_connection);
    if (err) {
        fprintf(stderr, "echo_libuv_unix: %s\n", uv_strerror(err));
        return 1;
    }
    uv_signal_init(loop, &sigterm);
    uv_signal_start(&sigterm, on_signal, SIGTERM);
    uv_unref((uv_handle_t *)&sigterm);
    uv_run(loop, UV_RUN_DEFAULT);
    uv_run(loop, UV_RUN_NOWAIT);
    return 0;
}
