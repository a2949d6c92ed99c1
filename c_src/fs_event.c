/* fs_event.c: uv_fs_event_t.  A started FSEvent is pending (PIN_ACTIVE)
 * until stop() or close(); each change reaches
 * on_event(fs_event, status, filename, events) through D_FS_EVENT. */
#include "uvmod.h"

static void fs_event_cb(uv_fs_event_t *h, const char *filename, int events, int status)
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
    items[2] = filename ? HPyBytes_FromStringAndSize(ctx, filename, (HPy_ssize_t)strlen(filename))
                        : HPy_Dup(ctx, ctx->h_None);
    items[3] = HPyLong_FromInt32_t(ctx, events);
    HPy args = HPy_NULL;
    if (!HPy_IsNull(items[1]) && !HPy_IsNull(items[2]) && !HPy_IsNull(items[3]))
        args = HPyTuple_FromArray(ctx, items, 4);
    for (int i = 0; i < 4; i++)
        HPy_Close(ctx, items[i]);
    if (HPy_IsNull(args)) {
        core->fatal = 1;
        uv_stop(core->loop);
        return;
    }
    core_dispatch_tuple(core, D_FS_EVENT, args);
    HPy_Close(ctx, args);
}

HPyDef_SLOT(FSEvent_new, HPy_tp_new)
static HPy FSEvent_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                            HPy_ssize_t nargs, HPy kw)
{
    HPy loop;
    bridge_t *b;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "O", &loop))
        return HPy_NULL;
    HPy h = handle_new(ctx, type, loop, K_FSEVENT, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    int rc = uv_fs_event_init(b->core->loop, &b->u.fs_event);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    return h;
}

HPyDef_METH(FSEvent_start, "start", HPyFunc_VARARGS,
            .doc = "start(wrapper, path: bytes, flags)")
static HPy FSEvent_start_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int64_t flags;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "start(wrapper, path, flags)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    const char *path = fs_path_arg(ctx, args[1]);
    if (path == NULL)
        return HPy_NULL;
    if (arg_int_range(ctx, args[2], "flags must be an int", 0, INT32_MAX, &flags) < 0)
        return HPy_NULL;
    if (uv_is_active(&b->u.handle)) {
        /* libuv ignores a second start: restart on the new path instead */
        uv_fs_event_stop(&b->u.fs_event);
    }
    int rc = uv_fs_event_start(&b->u.fs_event, fs_event_cb, path, (unsigned int)flags);
    if (rc < 0) {
        handle_unpin(ctx, self, b, PIN_ACTIVE);
        return uv_raise(ctx, rc);
    }
    handle_pin(ctx, self, b, args[0], PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(FSEvent_stop, "stop", HPyFunc_NOARGS, .doc = "stop()")
static HPy FSEvent_stop_impl(HPyContext *ctx, HPy self)
{
    int err;
    bridge_t *b = handle_stoppable(ctx, self, &err);
    if (b == NULL)
        return err ? HPy_NULL : HPy_Dup(ctx, ctx->h_None);
    uv_fs_event_stop(&b->u.fs_event);
    handle_unpin(ctx, self, b, PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(FSEvent_getpath, "getpath", HPyFunc_NOARGS,
            .doc = "getpath() -> bytes or None: the path watched (uv_fs_event_getpath)")
static HPy FSEvent_getpath_impl(HPyContext *ctx, HPy self)
{
    char buf[4096];
    size_t size = sizeof(buf);
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (!uv_is_active(&b->u.handle))
        return HPy_Dup(ctx, ctx->h_None);
    int rc = uv_fs_event_getpath(&b->u.fs_event, buf, &size);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPyBytes_FromStringAndSize(ctx, buf, (HPy_ssize_t)size);
}

static HPyDef *FSEvent_defines[] = {
    HANDLE_COMMON_DEFINES,
    &FSEvent_new, &FSEvent_start, &FSEvent_stop, &FSEvent_getpath,
    NULL
};

HPyType_Spec FSEvent_spec = {
    .name = "uv._uv.FSEvent",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = FSEvent_defines,
    .doc = "native uv_fs_event_t (use uv.FSEvent)",
};
