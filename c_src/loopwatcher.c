/* loopwatcher.c: uv_idle_t, uv_prepare_t and uv_check_t, which libuv calls
 * "loop watchers": start(wrapper) / stop(), a callback once per iteration.
 * Active idle handles keep the poll from blocking; the core counts them to
 * decide whether to release the interpreter lock around the poll. */
#include "uvmod.h"

#define LOOP_WATCHER(Name, lname, KIND, DISPATCH, COUNT)                        \
    static void lname##_cb(uv_##lname##_t *h)                                   \
    {                                                                         \
        bridge_t *b = h->data;                                                \
        uvcore_t *core = b->core;                                             \
        gil_ensure(core);                                                     \
        bridge_dispatch1(core, b, DISPATCH);                                  \
    }                                                                         \
                                                                              \
    HPyDef_SLOT(Name##_new, HPy_tp_new)                                       \
    static HPy Name##_new_impl(HPyContext *ctx, HPy type, const HPy *args,    \
                               HPy_ssize_t nargs, HPy kw)                     \
    {                                                                         \
        HPy loop;                                                             \
        bridge_t *b;                                                          \
        if (!HPyArg_Parse(ctx, NULL, args, nargs, "O", &loop))                \
            return HPy_NULL;                                                  \
        HPy h = handle_new(ctx, type, loop, KIND, &b);                        \
        if (HPy_IsNull(h))                                                    \
            return HPy_NULL;                                                  \
        int rc = uv_##lname##_init(b->core->loop, &b->u.lname);                 \
        if (rc < 0) {                                                         \
            HPy_Close(ctx, h);                                                \
            return uv_raise(ctx, rc);                                         \
        }                                                                     \
        bridge_opened(b);                                                     \
        return h;                                                             \
    }                                                                         \
                                                                              \
    HPyDef_METH(Name##_start, "start", HPyFunc_O, .doc = "start(wrapper)")    \
    static HPy Name##_start_impl(HPyContext *ctx, HPy self, HPy wrapper)      \
    {                                                                         \
        bridge_t *b = handle_usable(ctx, self);                               \
        if (b == NULL)                                                        \
            return HPy_NULL;                                                  \
        int was_active = uv_is_active(&b->u.handle);                          \
        int rc = uv_##lname##_start(&b->u.lname, lname##_cb);                    \
        if (rc < 0)                                                           \
            return uv_raise(ctx, rc);                                         \
        if (COUNT && !was_active)                                             \
            b->core->idle_active++;                                           \
        handle_pin(ctx, self, b, wrapper, PIN_ACTIVE);                        \
        return HPy_Dup(ctx, ctx->h_None);                                     \
    }                                                                         \
                                                                              \
    HPyDef_METH(Name##_stop, "stop", HPyFunc_NOARGS, .doc = "stop()")         \
    static HPy Name##_stop_impl(HPyContext *ctx, HPy self)                    \
    {                                                                         \
        int err;                                                              \
        bridge_t *b = handle_stoppable(ctx, self, &err);                      \
        if (b == NULL)                                                        \
            return err ? HPy_NULL : HPy_Dup(ctx, ctx->h_None);                \
        if (COUNT && uv_is_active(&b->u.handle))                              \
            b->core->idle_active--;                                           \
        uv_##lname##_stop(&b->u.lname);                                         \
        handle_unpin(ctx, self, b, PIN_ACTIVE);                               \
        return HPy_Dup(ctx, ctx->h_None);                                     \
    }                                                                         \
                                                                              \
    static HPyDef *Name##_defines[] = {                                       \
        HANDLE_COMMON_DEFINES, &Name##_new, &Name##_start, &Name##_stop, NULL \
    };                                                                        \
                                                                              \
    HPyType_Spec Name##_spec = {                                              \
        .name = "uv._uv." #Name,                                              \
        .basicsize = sizeof(HandleObject),                                    \
        .builtin_shape = HandleObject_SHAPE,                                  \
        .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,                   \
        .defines = Name##_defines,                                            \
        .doc = "native uv_" #lname "_t (use uv." #Name ")",                    \
    };

LOOP_WATCHER(Idle, idle, K_IDLE, D_IDLE, 1)
LOOP_WATCHER(Prepare, prepare, K_PREPARE, D_PREPARE, 0)
LOOP_WATCHER(Check, check, K_CHECK, D_CHECK, 0)
