/* poll.c: uv_poll_t, readiness of a file descriptor the user owns.
 *
 * A started Poll is pending (PIN_ACTIVE) until it is stopped, closed, or
 * libuv stops it (an error status: libuv reports POLLERR as EBADF).
 *
 * An fd closed under a started Poll must not crash the process.  libuv
 * registers a watcher with epoll at the start of the next poll phase and
 * aborts when epoll_ctl fails there (EBADF for a closed fd, EPERM for a
 * regular file that got the closed fd's number, ENOENT for a new file
 * under a registered number); and a registered fd that is closed silently
 * leaves the epoll set, so the Poll would never hear of it again.  So the
 * loop's internal prepare handle, which runs right before the poll phase,
 * calls poll_check_fds() while the loop has Poll handles: each started
 * Poll whose fd is no longer open, or whose pending registration epoll
 * would refuse, is stopped there (no Python runs in the prepare phase), and
 * its error is delivered to on_event(poll, status, 0) from the check phase
 * of the same iteration (poll_deliver_errors), which then does not block. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/epoll.h>
#endif
#include "uvmod.h"

#define POLL_EVENTS (UV_READABLE | UV_WRITABLE | UV_DISCONNECT | UV_PRIORITIZED)

/* Would libuv's next epoll_ctl for this watcher fail?  The same operation
 * is tried on the loop's epoll fd and undone: libuv registers a watcher
 * whose wanted events (pevents) differ from the registered ones (events),
 * with EPOLL_CTL_ADD when none are registered (retrying EEXIST with MOD),
 * with EPOLL_CTL_MOD otherwise, and data.fd set to the fd. */
static int registration_error(uvcore_t *core, uv_poll_t *p)
{
#ifdef __linux__
    uv__io_t *w = &p->io_watcher;
    struct epoll_event e;
    int epfd = uv_backend_fd(core->loop);
    if (w->pevents == w->events || epfd < 0)
        return 0;
    memset(&e, 0, sizeof(e));
    e.events = w->pevents;
    e.data.fd = w->fd;
    if (w->events == 0) {
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, w->fd, &e) == 0) {
            epoll_ctl(epfd, EPOLL_CTL_DEL, w->fd, &e);
            return 0;
        }
        if (errno != EEXIST)
            return uv_translate_sys_error(errno);
    }
    if (epoll_ctl(epfd, EPOLL_CTL_MOD, w->fd, &e) < 0)
        return uv_translate_sys_error(errno);
#endif
    return 0;
}

void poll_check_fds(uvcore_t *core)
{
    for (bridge_t *b = core->blist.next; b != &core->blist; b = b->next) {
        if (b->kind != K_POLL || (b->flags & BF_CLOSING) || b->kstate
            || !uv_is_active(&b->u.handle))
            continue;
        int err = fd_open(b->u.poll.io_watcher.fd);
        if (err == 0)
            err = registration_error(core, &b->u.poll);
        if (err == 0)
            continue;
        uv_poll_stop(&b->u.poll);
        b->kstate = err;
        core->poll_errors++;
    }
    if (core->poll_errors)
        core_dont_block(core);
}

static void poll_dispatch(uvcore_t *core, bridge_t *b, int status, int events)
{
    HPyContext *ctx = core->ctx;
    HPy w = bridge_wrapper(core, b);
    if (HPy_IsNull(w))
        return;
    HPy st = HPyLong_FromInt32_t(ctx, status);
    HPy ev = HPyLong_FromInt32_t(ctx, events);
    core_dispatch(core, D_POLL, w, st, ev, 3);
    HPy_Close(ctx, ev);
    HPy_Close(ctx, st);
    /* stopped (by libuv, by poll_check_fds or by the callback) and not
     * started again: no longer pending; w keeps b alive until here */
    if ((b->flags & (BF_OPEN | BF_CLOSING)) == BF_OPEN && !uv_is_active(&b->u.handle)
        && core->ctx)
        bridge_unpin(core->ctx, core->h_loop, b, PIN_ACTIVE);
    HPy_Close(ctx, w);
}

void poll_deliver_errors(uvcore_t *core)
{
    /* a callback may close or start any handle: look again from the start
     * after each one (each delivered error is cleared first) */
    while (core->poll_errors && core->ctx && !core->fatal) {
        bridge_t *b;
        for (b = core->blist.next; b != &core->blist; b = b->next)
            if (b->kind == K_POLL && b->kstate)
                break;
        if (b == &core->blist) {
            core->poll_errors = 0;      /* cannot happen: keep counting honest */
            return;
        }
        int status = b->kstate;
        b->kstate = 0;
        core->poll_errors--;
        poll_dispatch(core, b, status, 0);
    }
}

static void poll_cb(uv_poll_t *h, int status, int events)
{
    bridge_t *b = h->data;
    uvcore_t *core = b->core;
    gil_ensure(core);
    poll_dispatch(core, b, status, events);
}

HPyDef_SLOT(Poll_new, HPy_tp_new)
static HPy Poll_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                         HPy_ssize_t nargs, HPy kw)
{
    HPy loop, hfd;
    bridge_t *b;
    int fd;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &loop, &hfd))
        return HPy_NULL;
    if (arg_fd(ctx, hfd, &fd) < 0)
        return HPy_NULL;
    HPy h = handle_new(ctx, type, loop, K_POLL, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    int rc = uv_poll_init(b->core->loop, &b->u.poll, fd);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    b->core->polls++;
    return h;
}

HPyDef_METH(Poll_start, "start", HPyFunc_VARARGS,
            .doc = "start(wrapper, events): uv_poll_start (events 0 stops)")
static HPy Poll_start_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int64_t events;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "start(wrapper, events)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, args[1], "events must be an int", &events) < 0)
        return HPy_NULL;
    if (events & ~(int64_t)POLL_EVENTS)
        return uv_raise(ctx, UV_EINVAL);    /* libuv asserts on other bits */
    int rc = fd_open(b->u.poll.io_watcher.fd);
    if (rc < 0)
        return uv_raise(ctx, rc);
    rc = uv_poll_start(&b->u.poll, (int)events, poll_cb);
    if (rc == 0)
        rc = registration_error(b->core, &b->u.poll);
    if (rc < 0) {
        uv_poll_stop(&b->u.poll);
        handle_unpin(ctx, self, b, PIN_ACTIVE);
        return uv_raise(ctx, rc);
    }
    if (b->kstate) {                /* an error not delivered yet: superseded */
        b->kstate = 0;
        b->core->poll_errors--;
    }
    if (uv_is_active(&b->u.handle))
        handle_pin(ctx, self, b, args[0], PIN_ACTIVE);
    else
        handle_unpin(ctx, self, b, PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Poll_stop, "stop", HPyFunc_NOARGS, .doc = "stop()")
static HPy Poll_stop_impl(HPyContext *ctx, HPy self)
{
    int err;
    bridge_t *b = handle_stoppable(ctx, self, &err);
    if (b == NULL)
        return err ? HPy_NULL : HPy_Dup(ctx, ctx->h_None);
    uv_poll_stop(&b->u.poll);
    if (b->kstate) {                /* stopped: nothing more is delivered */
        b->kstate = 0;
        b->core->poll_errors--;
    }
    handle_unpin(ctx, self, b, PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *Poll_defines[] = {
    HANDLE_COMMON_DEFINES,
    &Poll_new, &Poll_start, &Poll_stop,
    NULL
};

HPyType_Spec Poll_spec = {
    .name = "uv._uv.Poll",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Poll_defines,
    .doc = "native uv_poll_t (use uv.Poll)",
};
