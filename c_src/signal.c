/* signal.c: uv_signal_t.  A started signal handle is pending.
 *
 * When the last libuv signal handle of the process stops watching a signal,
 * libuv sets its disposition to SIG_DFL: a process that had a handler for it
 * (Python's own, which raises KeyboardInterrupt for SIGINT) would then be
 * killed by the next one.  So the disposition found when the first uv handle
 * starts watching a signal is saved, and put back when the last one stops,
 * however it stops: stop(), close(), the handle or its loop being collected,
 * Loop.close().  This runs without Python (it may run from a destructor). */
#include <signal.h>
#include "uvmod.h"

#define NSIGNALS 65
static uv_once_t sig_once = UV_ONCE_INIT;
static uv_mutex_t sig_lock;
static int sig_watchers[NSIGNALS];             /* uv handles per signal */
static struct sigaction sig_saved[NSIGNALS];  /* disposition before them */

static void sig_init(void)
{
    if (uv_mutex_init(&sig_lock) != 0)
        abort();
}

static void sig_watch(int signum)
{
    uv_once(&sig_once, sig_init);
    uv_mutex_lock(&sig_lock);
    if (sig_watchers[signum]++ == 0)
        sigaction(signum, NULL, &sig_saved[signum]);
    uv_mutex_unlock(&sig_lock);
}

/* after libuv stopped watching signum for one handle */
static void sig_unwatch(int signum)
{
    uv_once(&sig_once, sig_init);
    uv_mutex_lock(&sig_lock);
    if (--sig_watchers[signum] == 0)
        sigaction(signum, &sig_saved[signum], NULL);
    uv_mutex_unlock(&sig_lock);
}

void signal_stopping(bridge_t *b)
{
    if (uv_is_active(&b->u.handle)) {
        int signum = b->u.signal.signum;
        uv_signal_stop(&b->u.signal);
        sig_unwatch(signum);
    }
}

static void signal_cb(uv_signal_t *h, int signum)
{
    bridge_t *b = h->data;
    uvcore_t *core = b->core;
    gil_ensure(core);
    HPy w = bridge_wrapper(core, b);
    if (HPy_IsNull(w))
        return;
    HPy n = HPyLong_FromInt32_t(core->ctx, signum);
    core_dispatch(core, D_SIGNAL, w, n, HPy_NULL, 2);
    HPy_Close(core->ctx, n);
    HPy_Close(core->ctx, w);
}

HPyDef_SLOT(Signal_new, HPy_tp_new)
static HPy Signal_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                           HPy_ssize_t nargs, HPy kw)
{
    HPy loop;
    bridge_t *b;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "O", &loop))
        return HPy_NULL;
    HPy h = handle_new(ctx, type, loop, K_SIGNAL, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    int rc = uv_signal_init(b->core->loop, &b->u.signal);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    return h;
}

HPyDef_METH(Signal_start, "start", HPyFunc_VARARGS, .doc = "start(wrapper, signum)")
static HPy Signal_start_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int64_t signum;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "start(wrapper, signum)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (arg_int64(ctx, args[1], "a signal number must be an int", &signum) < 0) {
        if (HPyErr_ExceptionMatches(ctx, ctx->h_OverflowError)) {
            HPyErr_Clear(ctx);
            return uv_raise(ctx, UV_EINVAL);
        }
        return HPy_NULL;
    }
    if (signum <= 0 || signum >= NSIGNALS)
        return uv_raise(ctx, UV_EINVAL);
    int old = uv_is_active(&b->u.handle) ? b->u.signal.signum : 0;
    if (old != signum)
        sig_watch((int)signum);
    /* for another signal, libuv stops watching the old one first, even
     * when it then fails */
    int rc = uv_signal_start(&b->u.signal, signal_cb, (int)signum);
    if (old != signum) {
        if (old)
            sig_unwatch(old);
        if (rc < 0)
            sig_unwatch((int)signum);
    }
    if (rc < 0) {
        handle_unpin(ctx, self, b, PIN_ACTIVE);
        return uv_raise(ctx, rc);
    }
    handle_pin(ctx, self, b, args[0], PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Signal_stop, "stop", HPyFunc_NOARGS, .doc = "stop()")
static HPy Signal_stop_impl(HPyContext *ctx, HPy self)
{
    int err;
    bridge_t *b = handle_stoppable(ctx, self, &err);
    if (b == NULL)
        return err ? HPy_NULL : HPy_Dup(ctx, ctx->h_None);
    signal_stopping(b);
    handle_unpin(ctx, self, b, PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Signal_get_signum, "get_signum", HPyFunc_NOARGS,
            .doc = "get_signum() -> int (0 when not started)")
static HPy Signal_get_signum_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    return HPyLong_FromInt32_t(ctx, b->u.signal.signum);
}

static HPyDef *Signal_defines[] = {
    HANDLE_COMMON_DEFINES, &Signal_new, &Signal_start, &Signal_stop,
    &Signal_get_signum, NULL
};

HPyType_Spec Signal_spec = {
    .name = "uv._uv.Signal",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Signal_defines,
    .doc = "native uv_signal_t (use uv.Signal)",
};
