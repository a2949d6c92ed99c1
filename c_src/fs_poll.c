/* fs_poll.c: uv_fs_poll_t.  A started FSPoll is pending (PIN_ACTIVE) until
 * stop() or close(); each change, and each change of the error libuv gets
 * from stat(), reaches on_change(fs_poll, status, previous, current)
 * (uv.fs.Stat values) through D_FS_POLL.  start() on a handle that polls,
 * or whose previous poll is still winding down after stop(), raises EBUSY
 * (libuv would ignore it, or abort). */
#include "uvmod.h"

static void fs_poll_cb(uv_fs_poll_t *h, int status, const uv_stat_t *prev,
                       const uv_stat_t *curr)
{
    bridge_t *b = h->data;
    uvcore_t *core = b->core;
    gil_ensure(core);
    CORE_DRAIN(core);
    HPy w = bridge_wrapper(core, b);
    if (HPy_IsNull(w))
        return;
    HPyContext *ctx = core->ctx;
    HPy items[4];
    items[0] = w;
    items[1] = HPyLong_FromInt32_t(ctx, status);
    items[2] = fs_stat_new(ctx, prev);
    items[3] = HPy_IsNull(items[2]) ? HPy_NULL : fs_stat_new(ctx, curr);
    HPy args = HPy_NULL;
    if (!HPy_IsNull(items[1]) && !HPy_IsNull(items[3]))
        args = HPyTuple_FromArray(ctx, items, 4);
    for (int i = 0; i < 4; i++)
        HPy_Close(ctx, items[i]);
    if (HPy_IsNull(args)) {
        core->fatal = 1;
        uv_stop(core->loop);
        return;
    }
    core_dispatch_tuple(core, D_FS_POLL, args);
    HPy_Close(ctx, args);
}

HPyDef_SLOT(FSPoll_new, HPy_tp_new)
static HPy FSPoll_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                           HPy_ssize_t nargs, HPy kw)
{
    HPy loop;
    bridge_t *b;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "O", &loop))
        return HPy_NULL;
    HPy h = handle_new(ctx, type, loop, K_FSPOLL, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    int rc = uv_fs_poll_init(b->core->loop, &b->u.fs_poll);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    return h;
}

HPyDef_METH(FSPoll_start, "start", HPyFunc_VARARGS,
            .doc = "start(wrapper, path: bytes, interval_ms)")
static HPy FSPoll_start_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int64_t interval;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "start(wrapper, path, interval)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    const char *path = fs_path_arg(ctx, args[1]);
    if (path == NULL)
        return HPy_NULL;
    if (arg_int64(ctx, args[2], "an interval in milliseconds must be an int", &interval) < 0) {
        if (HPyErr_ExceptionMatches(ctx, ctx->h_OverflowError)) {
            HPyErr_Clear(ctx);
            uv_raise(ctx, UV_EINVAL);
        }
        return HPy_NULL;
    }
    if (interval < 0 || interval > UINT32_MAX)
        return uv_raise(ctx, UV_EINVAL);
    /* libuv 1.44 aborts (fs-poll.c timer_cb assertion) when a handle is
     * started again while the stat() of its previous start is still in
     * flight: a restart must wait until that poll has wound down, which
     * libuv tells by clearing poll_ctx */
    if (uv_is_active(&b->u.handle) || b->u.fs_poll.poll_ctx != NULL)
        return uv_raise(ctx, UV_EBUSY);
    int rc = uv_fs_poll_start(&b->u.fs_poll, fs_poll_cb, path, (unsigned int)interval);
    if (rc < 0)
        return uv_raise(ctx, rc);
    handle_pin(ctx, self, b, args[0], PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(FSPoll_stop, "stop", HPyFunc_NOARGS, .doc = "stop()")
static HPy FSPoll_stop_impl(HPyContext *ctx, HPy self)
{
    int err;
    bridge_t *b = handle_stoppable(ctx, self, &err);
    if (b == NULL)
        return err ? HPy_NULL : HPy_Dup(ctx, ctx->h_None);
    uv_fs_poll_stop(&b->u.fs_poll);
    handle_unpin(ctx, self, b, PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(FSPoll_is_winding_down, "is_winding_down", HPyFunc_NOARGS,
            .doc = "is_winding_down() -> bool: stopped, the previous poll not finished yet")
static HPy FSPoll_is_winding_down_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    int busy = (b->flags & BF_OPEN) && !uv_is_active(&b->u.handle)
               && b->u.fs_poll.poll_ctx != NULL;
    return HPyBool_FromBool(ctx, busy);
}

HPyDef_METH(FSPoll_getpath, "getpath", HPyFunc_NOARGS,
            .doc = "getpath() -> bytes or None: the path polled (uv_fs_poll_getpath)")
static HPy FSPoll_getpath_impl(HPyContext *ctx, HPy self)
{
    char buf[4096];
    size_t size = sizeof(buf);
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (!uv_is_active(&b->u.handle))
        return HPy_Dup(ctx, ctx->h_None);
    int rc = uv_fs_poll_getpath(&b->u.fs_poll, buf, &size);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPyBytes_FromStringAndSize(ctx, buf, (HPy_ssize_t)size);
}

static HPyDef *FSPoll_defines[] = {
    HANDLE_COMMON_DEFINES,
    &FSPoll_new, &FSPoll_start, &FSPoll_stop, &FSPoll_getpath,
    &FSPoll_is_winding_down,
    NULL
};

HPyType_Spec FSPoll_spec = {
    .name = "uv._uv.FSPoll",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = FSPoll_defines,
    .doc = "native uv_fs_poll_t (use uv.FSPoll)",
};
