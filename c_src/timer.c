/* timer.c: uv_timer_t.  A started timer is pending (PIN_ACTIVE); a one-shot
 * timer stops being pending when its callback returns without starting it
 * again, so it is collected if nobody holds it. */
#include "uvmod.h"

static void timer_cb(uv_timer_t *h)
{
    bridge_t *b = h->data;
    uvcore_t *core = b->core;
    gil_ensure(core);
    HPy args = bridge_args(core, b);
    if (HPy_IsNull(args))
        return;
    core_dispatch_tuple(core, D_TIMEOUT, args);
    /* a one-shot timer that its callback did not start again is no longer
     * pending (args keeps b alive until here); unpinning after the call
     * spares a callback that re-starts it one unpin and pin */
    if ((b->flags & BF_OPEN) && !uv_is_active((uv_handle_t *)h) && core->ctx)
        bridge_unpin(core->ctx, core->h_loop, b, PIN_ACTIVE);
    HPy_Close(core->ctx, args);
}

HPyDef_SLOT(Timer_new, HPy_tp_new)
static HPy Timer_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                          HPy_ssize_t nargs, HPy kw)
{
    HPy loop;
    bridge_t *b;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "O", &loop))
        return HPy_NULL;
    HPy h = handle_new(ctx, type, loop, K_TIMER, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    int rc = uv_timer_init(b->core->loop, &b->u.timer);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    return h;
}

static int ms_arg(HPyContext *ctx, HPy v, uint64_t *out)
{
    int64_t ms;
    if (arg_int64(ctx, v, "a time in milliseconds must be an int", &ms) < 0) {
        if (HPyErr_ExceptionMatches(ctx, ctx->h_OverflowError)) {
            HPyErr_Clear(ctx);
            uv_raise(ctx, UV_EINVAL);
        }
        return -1;
    }
    if (ms < 0) {
        uv_raise(ctx, UV_EINVAL);
        return -1;
    }
    *out = (uint64_t)ms;
    return 0;
}

HPyDef_METH(Timer_start, "start", HPyFunc_VARARGS,
            .doc = "start(wrapper, timeout_ms, repeat_ms)")
static HPy Timer_start_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    uint64_t timeout, repeat;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "start(wrapper, timeout, repeat)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || ms_arg(ctx, args[1], &timeout) < 0 || ms_arg(ctx, args[2], &repeat) < 0)
        return HPy_NULL;
    int rc = uv_timer_start(&b->u.timer, timer_cb, timeout, repeat);
    if (rc < 0)
        return uv_raise(ctx, rc);
    handle_pin(ctx, self, b, args[0], PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Timer_stop, "stop", HPyFunc_NOARGS, .doc = "stop()")
static HPy Timer_stop_impl(HPyContext *ctx, HPy self)
{
    int err;
    bridge_t *b = handle_stoppable(ctx, self, &err);
    if (b == NULL)
        return err ? HPy_NULL : HPy_Dup(ctx, ctx->h_None);
    uv_timer_stop(&b->u.timer);
    handle_unpin(ctx, self, b, PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Timer_again, "again", HPyFunc_O, .doc = "again(wrapper): uv_timer_again")
static HPy Timer_again_impl(HPyContext *ctx, HPy self, HPy wrapper)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    int rc = uv_timer_again(&b->u.timer);
    if (rc < 0)
        return uv_raise(ctx, rc);
    if (uv_is_active(&b->u.handle))
        handle_pin(ctx, self, b, wrapper, PIN_ACTIVE);
    else
        handle_unpin(ctx, self, b, PIN_ACTIVE);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Timer_get_repeat, "get_repeat", HPyFunc_NOARGS, .doc = "get_repeat() -> ms")
static HPy Timer_get_repeat_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    return HPyLong_FromUInt64_t(ctx, uv_timer_get_repeat(&b->u.timer));
}

HPyDef_METH(Timer_set_repeat, "set_repeat", HPyFunc_O, .doc = "set_repeat(ms)")
static HPy Timer_set_repeat_impl(HPyContext *ctx, HPy self, HPy v)
{
    uint64_t repeat;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || ms_arg(ctx, v, &repeat) < 0)
        return HPy_NULL;
    uv_timer_set_repeat(&b->u.timer, repeat);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Timer_get_due_in, "get_due_in", HPyFunc_NOARGS, .doc = "get_due_in() -> ms")
static HPy Timer_get_due_in_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    return HPyLong_FromUInt64_t(ctx, uv_timer_get_due_in(&b->u.timer));
}

static HPyDef *Timer_defines[] = {
    HANDLE_COMMON_DEFINES,
    &Timer_new, &Timer_start, &Timer_stop, &Timer_again,
    &Timer_get_repeat, &Timer_set_repeat, &Timer_get_due_in,
    NULL
};

HPyType_Spec Timer_spec = {
    .name = "uv._uv.Timer",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Timer_defines,
    .doc = "native uv_timer_t (use uv.Timer)",
};
