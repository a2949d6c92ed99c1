/* handle.c: the bridge common to every handle kind.
 *
 * Lifetime (DESIGN.md section 4): a bridge is freed when its uv handle is
 * closed (BF_OPEN clear) and its native object is gone (BF_OBJ_ALIVE clear).
 * While a pin bit is set, b->self holds the Python wrapper with the native
 * loop as owner, so the loop keeps the wrapper alive and traverses it.
 * When the native object dies while its uv handle is open, it is closed
 * without calling Python: directly when no thread runs the loop (we hold the
 * interpreter lock, so nobody is inside libuv for this loop), otherwise
 * through the core's close queue, which the loop thread empties. */
#include <errno.h>
#include <fcntl.h>
#include "uvmod.h"

static void bridge_free(bridge_t *b)
{
    stream_free_queue(b);
    free(b);
}

void bridge_close_cb(uv_handle_t *h)
{
    bridge_t *b = h->data;
    uvcore_t *core = b->core;
    HPyContext *ctx = core->ctx;
    HPy w = HPy_NULL;
    gil_ensure(core);
    CORE_DRAIN(core);
    ctx = core->ctx;
    core->closing--;
    if (b->pins && ctx) {
        w = HPyField_Load(ctx, core->h_loop, b->self);
        HPyField_Store(ctx, core->h_loop, &b->self, HPy_NULL);
        HPyField_Store(ctx, core->h_loop, &b->args, HPy_NULL);
    }
    b->pins = 0;
    core_note_unpinned(core);
    b->prev->next = b->next;
    b->next->prev = b->prev;
    b->prev = b->next = NULL;
    b->flags &= ~BF_OPEN;
    if (!(b->flags & BF_OBJ_ALIVE))
        bridge_free(b);      /* a pinned bridge always has a live object */
    if (!HPy_IsNull(w)) {
        /* b may be freed once w is closed: do not touch it after this */
        core_dispatch(core, D_CLOSED, w, HPy_NULL, HPy_NULL, 1);
        HPy_Close(ctx, w);
    }
}

void bridge_close(uvcore_t *core, bridge_t *b)
{
    bridge_close_with(core, b, 0);
}

void bridge_closing(uvcore_t *core, bridge_t *b)
{
    switch (b->kind) {
    case K_IDLE:
        if (uv_is_active(&b->u.handle))
            core->idle_active--;
        break;
    case K_ASYNC:
        core->asyncs--;
        break;
    case K_SIGNAL:
        signal_stopping(b);
        break;
    case K_POLL:
        core->polls--;
        if (b->kstate) {
            b->kstate = 0;
            core->poll_errors--;
        }
        break;
    case K_TTY:
        tty_closing(b);
        break;
    case K_PROCESS:
        process_closing(b);
        break;
    }
}

/* uv_close (or uv_tcp_close_reset when reset is set, which may fail) */
void bridge_close_with(uvcore_t *core, bridge_t *b, int reset)
{
    bridge_closing(core, b);
    if (reset) {
        if (uv_tcp_close_reset(&b->u.tcp, bridge_close_cb) < 0)
            uv_close(&b->u.handle, bridge_close_cb);
    } else {
        uv_close(&b->u.handle, bridge_close_cb);
    }
    b->flags |= BF_CLOSING;
    core->closing++;
}

void bridge_opened(bridge_t *b)
{
    uvcore_t *core = b->core;
    b->u.handle.data = b;
    b->flags |= BF_OPEN;
    b->prev = &core->blist;
    b->next = core->blist.next;
    core->blist.next->prev = b;
    core->blist.next = b;
}

void bridge_pin(HPyContext *ctx, HPy loop, bridge_t *b, HPy wrapper, unsigned bit)
{
    if (b->pins == 0) {
        HPyField_Store(ctx, loop, &b->self, wrapper);
        HPy args = HPyTuple_Pack(ctx, 1, wrapper);
        if (!HPy_IsNull(args)) {
            HPyField_Store(ctx, loop, &b->args, args);
            HPy_Close(ctx, args);
        } else {
            HPyErr_Clear(ctx);     /* bridge_dispatch1 packs one itself */
        }
    }
    b->pins |= bit;
}

void bridge_unpin(HPyContext *ctx, HPy loop, bridge_t *b, unsigned bit)
{
    if (b->pins == 0)
        return;
    b->pins &= ~bit;
    if (b->pins == 0) {
        HPyField_Store(ctx, loop, &b->self, HPy_NULL);
        HPyField_Store(ctx, loop, &b->args, HPy_NULL);
        core_note_unpinned(b->core);
    }
}

/* a new handle to (wrapper,) of a pinned bridge (the tuple kept while it is
 * pinned, so one-argument callbacks do not build one each time); HPy_NULL
 * when it is not pinned or no Python may run */
HPy bridge_args(uvcore_t *core, bridge_t *b)
{
    HPyContext *ctx = core->ctx;
    if (b->pins == 0 || ctx == NULL)
        return HPy_NULL;
    if (!HPyField_IsNull(b->args))
        return HPyField_Load(ctx, core->h_loop, b->args);
    HPy w = HPyField_Load(ctx, core->h_loop, b->self);
    HPy args = HPyTuple_Pack(ctx, 1, w);
    HPy_Close(ctx, w);
    if (HPy_IsNull(args)) {
        core->fatal = 1;
        uv_stop(core->loop);
    }
    return args;
}

/* call a one-argument dispatch helper with the handle of a pinned bridge */
void bridge_dispatch1(uvcore_t *core, bridge_t *b, int which)
{
    HPy args = bridge_args(core, b);
    if (HPy_IsNull(args))
        return;
    core_dispatch_tuple(core, which, args);
    HPy_Close(core->ctx, args);
}

/* pin / unpin from a method of the native handle `self`: the loop object is
 * loaded only when the self-reference really changes */
void handle_pin(HPyContext *ctx, HPy self, bridge_t *b, HPy wrapper, unsigned bit)
{
    if (b->pins) {
        b->pins |= bit;
        return;
    }
    HPy loop = handle_loop(ctx, self);
    bridge_pin(ctx, loop, b, wrapper, bit);
    HPy_Close(ctx, loop);
}

void handle_unpin(HPyContext *ctx, HPy self, bridge_t *b, unsigned bit)
{
    if ((b->pins & ~bit) || !(b->pins & bit)) {
        b->pins &= ~bit;      /* still pinned, or was not */
        return;
    }
    HPy loop = handle_loop(ctx, self);
    bridge_unpin(ctx, loop, b, bit);
    HPy_Close(ctx, loop);
}

HPy bridge_wrapper(uvcore_t *core, bridge_t *b)
{
    if (b->pins == 0 || core->ctx == NULL)
        return HPy_NULL;
    return HPyField_Load(core->ctx, core->h_loop, b->self);
}

HPy handle_loop(HPyContext *ctx, HPy h)
{
    HandleObject *o = HandleObject_AsStruct(ctx, h);
    return HPyField_Load(ctx, h, o->loop);
}

HPy handle_new(HPyContext *ctx, HPy type, HPy loop, unsigned kind, bridge_t **out)
{
    uvcore_t *core = loop_core_from(ctx, loop);
    if (core == NULL)
        return HPy_NULL;
    bridge_t *b = calloc(1, sizeof(bridge_t));
    if (b == NULL) {
        HPyErr_NoMemory(ctx);
        return HPy_NULL;
    }
    HandleObject *o;
    HPy h = HPy_New(ctx, type, &o);
    if (HPy_IsNull(h)) {
        free(b);
        return HPy_NULL;
    }
    b->core = core;
    b->kind = kind;
    b->flags = BF_OBJ_ALIVE;
    b->self = HPyField_NULL;
    b->args = HPyField_NULL;
    o->b = b;
    HPyField_Store(ctx, h, &o->loop, loop);
    *out = b;
    return h;
}

unsigned native_handle_kind(HPyContext *ctx, HPy h)
{
    unsigned kind = 0;
    HPy type = HPy_Type(ctx, h);
    for (unsigned k = 1; k < K_COUNT && kind == 0; k++) {
        HPy t = HPyGlobal_Load(ctx, g_handle_types[k]);
        if (HPy_Is(ctx, t, type))
            kind = k;
        HPy_Close(ctx, t);
    }
    HPy_Close(ctx, type);
    return kind;
}

bridge_t *handle_arg(HPyContext *ctx, HPy h, unsigned kinds, const char *what)
{
    unsigned kind = native_handle_kind(ctx, h);
    if (kind == 0 || !(kinds & KIND_BIT(kind))) {
        HPyErr_SetString(ctx, ctx->h_TypeError, what);
        return NULL;
    }
    return handle_usable(ctx, h);
}

bridge_t *handle_usable(HPyContext *ctx, HPy h)
{
    bridge_t *b = HandleObject_AsStruct(ctx, h)->b;
    if ((b->flags & (BF_OPEN | BF_CLOSING)) != BF_OPEN) {
        uv_raise(ctx, ERR_CLOSED_HANDLE);
        return NULL;
    }
    if (core_check_thread(ctx, b->core) < 0)
        return NULL;
    return b;
}

bridge_t *handle_stoppable(HPyContext *ctx, HPy h, int *err)
{
    bridge_t *b = HandleObject_AsStruct(ctx, h)->b;
    *err = 0;
    if ((b->flags & (BF_OPEN | BF_CLOSING)) != BF_OPEN)
        return NULL;
    if (core_check_thread(ctx, b->core) < 0) {
        *err = 1;
        return NULL;
    }
    return b;
}

/* ---- slots and methods common to every handle type ---- */

HPyDef_SLOT(Handle_traverse, HPy_tp_traverse)
static int Handle_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((HandleObject *)self)->loop);
    return 0;
}

HPyDef_SLOT(Handle_destroy, HPy_tp_destroy)
static void Handle_destroy_impl(void *self)
{
    HandleObject *o = self;
    bridge_t *b = o->b;
    o->b = NULL;
    if (b == NULL)
        return;
    b->flags &= ~BF_OBJ_ALIVE;
    if (!(b->flags & BF_OPEN)) {
        bridge_free(b);
        return;
    }
    if (b->flags & (BF_CLOSING | BF_QUEUED))
        return;                 /* the close callback frees it */
    uvcore_t *core = b->core;
    if (!core->running) {
        bridge_close(core, b);
        return;
    }
    uv_mutex_lock(&core->qlock);
    b->flags |= BF_QUEUED;
    b->qnext = core->queue;
    core->queue = b;
    uv_mutex_unlock(&core->qlock);
    core_wakeup(core);
}

HPyDef_METH(Handle_close, "close", HPyFunc_O,
            .doc = "close(wrapper): uv_close; the wrapper's on_closed runs from the loop")
static HPy Handle_close_impl(HPyContext *ctx, HPy self, HPy wrapper)
{
    return handle_close(ctx, self, wrapper, 0);
}

HPy handle_close(HPyContext *ctx, HPy self, HPy wrapper, int reset)
{
    int err;
    bridge_t *b = handle_stoppable(ctx, self, &err);
    if (b == NULL)
        return err ? HPy_NULL : HPy_Dup(ctx, ctx->h_None);
    handle_pin(ctx, self, b, wrapper, PIN_CLOSING);
    bridge_close_with(b->core, b, reset);
    return HPy_Dup(ctx, ctx->h_None);
}

#define FLAG_GETTER(NAME, DOC, EXPR)                                          \
    HPyDef_METH(Handle_##NAME, #NAME, HPyFunc_NOARGS, .doc = DOC)             \
    static HPy Handle_##NAME##_impl(HPyContext *ctx, HPy self)                \
    {                                                                         \
        bridge_t *b = HandleObject_AsStruct(ctx, self)->b;                    \
        return HPyBool_FromBool(ctx, (EXPR) != 0);                            \
    }

FLAG_GETTER(is_active, "is_active() -> bool",
            (b->flags & BF_OPEN) && !(b->flags & BF_CLOSING) && uv_is_active(&b->u.handle))
FLAG_GETTER(is_closing, "is_closing() -> bool: closing or closed",
            !(b->flags & BF_OPEN) || (b->flags & BF_CLOSING))
FLAG_GETTER(is_closed, "is_closed() -> bool: the close callback has run",
            !(b->flags & BF_OPEN))
FLAG_GETTER(has_ref, "has_ref() -> bool",
            (b->flags & BF_OPEN) && !(b->flags & BF_CLOSING) && uv_has_ref(&b->u.handle))
FLAG_GETTER(is_pending, "is_pending() -> bool: the loop keeps the handle alive",
            b->pins != 0)

HPyDef_METH(Handle_ref, "ref", HPyFunc_NOARGS, .doc = "uv_ref")
static HPy Handle_ref_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    uv_ref(&b->u.handle);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Handle_unref, "unref", HPyFunc_NOARGS, .doc = "uv_unref")
static HPy Handle_unref_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    uv_unref(&b->u.handle);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Handle_fileno, "fileno", HPyFunc_NOARGS, .doc = "uv_fileno")
static HPy Handle_fileno_impl(HPyContext *ctx, HPy self)
{
    uv_os_fd_t fd;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    int rc = uv_fileno(&b->u.handle, &fd);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPyLong_FromInt32_t(ctx, (int32_t)fd);
}

/* Socket buffer sizes: supported on TCP, UDP and pipes, EINVAL elsewhere.
 * Linux doubles the value set and reports the doubled value; the value read
 * back here is halved, so the value set is the value read. */
static HPy buffer_size(HPyContext *ctx, HPy self, HPy value, int send)
{
    bridge_t *b = handle_usable(ctx, self);
    int v = 0, rc;
    if (b == NULL)
        return HPy_NULL;
    if (b->kind != K_TCP && b->kind != K_UDP && b->kind != K_PIPE)
        return uv_raise(ctx, UV_EINVAL);
    if (!HPy_IsNull(value)) {
        int64_t want;
        if (arg_int64(ctx, value, "buffer size must be an int", &want) < 0)
            return HPy_NULL;
        if (want <= 0 || want > INT32_MAX / 2)
            return uv_raise(ctx, UV_EINVAL);
        v = (int)want;
    }
    rc = send ? uv_send_buffer_size(&b->u.handle, &v)
              : uv_recv_buffer_size(&b->u.handle, &v);
    if (rc < 0)
        return uv_raise(ctx, rc);
    if (!HPy_IsNull(value))
        return HPy_Dup(ctx, ctx->h_None);
#ifdef __linux__
    v /= 2;
#endif
    return HPyLong_FromInt32_t(ctx, v);
}

HPyDef_METH(Handle_get_send_buffer_size, "get_send_buffer_size", HPyFunc_NOARGS, .doc = "")
static HPy Handle_get_send_buffer_size_impl(HPyContext *ctx, HPy self)
{
    return buffer_size(ctx, self, HPy_NULL, 1);
}
HPyDef_METH(Handle_set_send_buffer_size, "set_send_buffer_size", HPyFunc_O, .doc = "")
static HPy Handle_set_send_buffer_size_impl(HPyContext *ctx, HPy self, HPy v)
{
    return buffer_size(ctx, self, v, 1);
}
HPyDef_METH(Handle_get_recv_buffer_size, "get_receive_buffer_size", HPyFunc_NOARGS, .doc = "")
static HPy Handle_get_recv_buffer_size_impl(HPyContext *ctx, HPy self)
{
    return buffer_size(ctx, self, HPy_NULL, 0);
}
HPyDef_METH(Handle_set_recv_buffer_size, "set_receive_buffer_size", HPyFunc_O, .doc = "")
static HPy Handle_set_recv_buffer_size_impl(HPyContext *ctx, HPy self, HPy v)
{
    return buffer_size(ctx, self, v, 0);
}

HPyDef_METH(Handle_set_pending, "set_pending", HPyFunc_O,
            .doc = "set_pending(wrapper): the loop keeps the wrapper alive")
static HPy Handle_set_pending_impl(HPyContext *ctx, HPy self, HPy wrapper)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    handle_pin(ctx, self, b, wrapper, PIN_USER);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Handle_clear_pending, "clear_pending", HPyFunc_NOARGS,
            .doc = "clear_pending(): undo set_pending()")
static HPy Handle_clear_pending_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    if (!(b->flags & BF_OPEN))
        return HPy_Dup(ctx, ctx->h_None);
    if (core_check_thread(ctx, b->core) < 0)
        return HPy_NULL;
    handle_unpin(ctx, self, b, PIN_USER);
    return HPy_Dup(ctx, ctx->h_None);
}

/* ---- file descriptor arguments ---- */

int fd_open(int fd)
{
    if (fcntl(fd, F_GETFD) < 0)
        return uv_translate_sys_error(errno);
    return 0;
}

int arg_fd(HPyContext *ctx, HPy h, int *fd)
{
    int64_t n;
    if (arg_int64(ctx, h, "a file descriptor must be an int", &n) < 0) {
        if (!HPyErr_ExceptionMatches(ctx, ctx->h_OverflowError))
            return -1;
        HPyErr_Clear(ctx);
        n = -1;
    }
    if (n < 0 || n > INT32_MAX)
        return uv_raise_i(ctx, UV_EBADF);
    int rc = fd_open((int)n);
    if (rc < 0)
        return uv_raise_i(ctx, rc);
    *fd = (int)n;
    return 0;
}
