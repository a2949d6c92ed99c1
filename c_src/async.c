/* async.c: uv_async_t.  send() is the one handle operation any thread may
 * call.  A sent Async is pending (PIN_SENT) until its callback runs; several
 * sends may coalesce into one callback.
 *
 * An Async is active (it keeps the loop running) even when it is not
 * pending, as long as it exists: someone may send to it.  The loop counts
 * its open Asyncs (core->asyncs) and, when nothing but Asyncs that are not
 * pending keeps it alive, asks for a collection before it blocks, so that
 * one nobody holds is closed on every interpreter (loop.c). */
#include "uvmod.h"

static void async_cb(uv_async_t *h)
{
    bridge_t *b = h->data;
    uvcore_t *core = b->core;
    gil_ensure(core);
    HPy args = bridge_args(core, b);
    if (HPy_IsNull(args))
        return;
    bridge_unpin(core->ctx, core->h_loop, b, PIN_SENT);
    core_dispatch_tuple(core, D_WAKEUP, args);
    HPy_Close(core->ctx, args);
}

HPyDef_SLOT(Async_new, HPy_tp_new)
static HPy Async_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                          HPy_ssize_t nargs, HPy kw)
{
    HPy loop;
    bridge_t *b;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "O", &loop))
        return HPy_NULL;
    HPy h = handle_new(ctx, type, loop, K_ASYNC, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    int rc = uv_async_init(b->core->loop, &b->u.async, async_cb);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    b->core->asyncs++;
    core_note_unpinned(b->core);
    return h;
}

HPyDef_METH(Async_send, "send", HPyFunc_O,
            .doc = "send(wrapper): wake the loop; thread-safe")
static HPy Async_send_impl(HPyContext *ctx, HPy self, HPy wrapper)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    /* any thread: we hold the interpreter lock, and the loop thread touches
     * pins and fields only while holding it too */
    if ((b->flags & (BF_OPEN | BF_CLOSING)) != BF_OPEN)
        return uv_raise(ctx, ERR_CLOSED_HANDLE);
    handle_pin(ctx, self, b, wrapper, PIN_SENT);
    int rc = uv_async_send(&b->u.async);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *Async_defines[] = {
    HANDLE_COMMON_DEFINES, &Async_new, &Async_send, NULL
};

HPyType_Spec Async_spec = {
    .name = "uv._uv.Async",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Async_defines,
    .doc = "native uv_async_t (use uv.Async)",
};
