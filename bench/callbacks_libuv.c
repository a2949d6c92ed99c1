/* callbacks_libuv: the chained-callback rate of libuv itself, in C, the
 * reference for bench/callbacks.py (what a binding could reach with no
 * interpreter at all).
 *
 *   callbacks_libuv KIND [N]     KIND: idle | timer; N: 1000000
 *
 * idle: an idle handle whose callback only counts down (one callback per
 * loop iteration, each iteration polls with a zero timeout); timer: a timer
 * re-started with timeout 0 from its own callback.  Prints the line of
 * callbacks.py (kind=c-KIND n=... seconds=... rate=...), best of 3.
 *
 * Build: cc -O2 -o callbacks_libuv callbacks_libuv.c $(pkg-config --cflags --libs libuv)
 * (bench/run.sh also builds it on the libuv sources bundled into _uv).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

static long left;

static void on_idle(uv_idle_t *h)
{
    if (--left == 0)
        uv_idle_stop(h);
}

static void on_timeout(uv_timer_t *h)
{
    if (--left)
        uv_timer_start(h, on_timeout, 0, 0);
}

static double chain(uv_loop_t *loop, int timer, long n)
{
    uv_idle_t idle;
    uv_timer_t t;
    left = n;
    if (timer) {
        uv_timer_init(loop, &t);
        uv_timer_start(&t, on_timeout, 0, 0);
    } else {
        uv_idle_init(loop, &idle);
        uv_idle_start(&idle, on_idle);
    }
    uint64_t t0 = uv_hrtime();
    uv_run(loop, UV_RUN_DEFAULT);
    double s = (uv_hrtime() - t0) / 1e9;
    uv_close(timer ? (uv_handle_t *)&t : (uv_handle_t *)&idle, NULL);
    uv_run(loop, UV_RUN_DEFAULT);
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "idle") && strcmp(argv[1], "timer"))) {
        fprintf(stderr, "usage: callbacks_libuv idle|timer [N]\n");
        return 2;
    }
    int timer = strcmp(argv[1], "timer") == 0;
    long n = argc > 2 ? atol(argv[2]) : 1000000;
    uv_loop_t loop;
    uv_loop_init(&loop);
    double best = 0;
    for (int i = 0; i < 3; i++) {
        double s = chain(&loop, timer, n);
        if (i == 0 || s < best)
            best = s;
    }
    uv_loop_close(&loop);
    printf("kind=c-%s-libuv-%s n=%ld seconds=%.3f rate=%.0f\n", argv[1],
           uv_version_string(), n, best, n / best);
    return 0;
}
