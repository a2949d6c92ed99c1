/* stream.c: uv_stream_t (TCP, pipes, TTYs): reading, writing, shutdown,
 * listening and accepting, and the write and shutdown requests.
 *
 * Reads go into one buffer owned by the loop and reach on_read as bytes.
 * Writes (DESIGN.md section 7): as much as the socket takes is written at
 * once with uv_try_write; only the rest is copied into memory the request
 * owns and queued with uv_write.  A write that went out whole completes
 * from the loop's next idle phase without touching libuv again. */
#include "uvmod.h"

int stream_kind(unsigned kind)
{
    return kind == K_TCP || kind == K_PIPE || kind == K_TTY;
}

/* ---- reading ---- */

/* The loop has one read buffer: a read is copied out of it into a bytes
 * object before any Python runs, so every stream and UDP handle of the loop
 * can share it.  It grows to the largest size a read asked for. */
char *core_read_buffer(uvcore_t *core, size_t want)
{
    if (core->rbuf_cap < want) {
        free(core->rbuf);
        core->rbuf = malloc(want);
        core->rbuf_cap = core->rbuf ? want : 0;
    }
    return core->rbuf;
}

static void alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    bridge_t *b = h->data;
    uvcore_t *core = b->core;
    size_t want = b->rsize ? b->rsize : core->rbuf_size;
    buf->base = core_read_buffer(core, want);
    buf->len = buf->base ? want : 0;   /* 0: libuv reports ENOBUFS */
}

static void read_cb(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
    bridge_t *b = s->data;
    uvcore_t *core = b->core;
    HPyContext *ctx;
    HPy w, data, st;
    if (nread == 0)
        return;                       /* EAGAIN: nothing read */
    gil_ensure(core);
    CORE_DRAIN(core);
    w = bridge_wrapper(core, b);
    if (HPy_IsNull(w))
        return;
    ctx = core->ctx;
    if (nread > 0) {
        /* data: on_read(stream, SUCCESS, data) through read_data, which
         * needs no status */
        data = HPyBytes_FromStringAndSize(ctx, buf->base, nread);
        if (HPy_IsNull(data)) {
            core->fatal = 1;
            uv_stop(core->loop);
        } else {
            core_dispatch(core, D_READ_DATA, w, data, HPy_NULL, 2);
            HPy_Close(ctx, data);
        }
        HPy_Close(ctx, w);
        return;
    } else {
        /* EOF or an error ends reading: the stream stops being pending for
         * it before the callback, which may start reading again */
        uv_read_stop(s);
        bridge_unpin(ctx, core->h_loop, b, PIN_READING);
        data = HPyBytes_FromStringAndSize(ctx, "", 0);
        st = HPyLong_FromInt32_t(ctx, (int32_t)nread);
    }
    if (HPy_IsNull(data) || HPy_IsNull(st)) {
        core->fatal = 1;
        uv_stop(core->loop);
    } else {
        core_dispatch(core, D_READ, w, st, data, 3);
    }
    HPy_Close(ctx, st);
    HPy_Close(ctx, data);
    HPy_Close(ctx, w);
}

HPyDef_METH(Stream_read_start, "read_start", HPyFunc_O, .doc = "read_start(wrapper)")
static HPy Stream_read_start_impl(HPyContext *ctx, HPy self, HPy wrapper)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    int rc = uv_read_start(&b->u.stream, alloc_cb, read_cb);
    if (rc < 0 && rc != UV_EALREADY)
        return uv_raise(ctx, rc);
    handle_pin(ctx, self, b, wrapper, PIN_READING);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Stream_read_stop, "read_stop", HPyFunc_NOARGS, .doc = "read_stop()")
static HPy Stream_read_stop_impl(HPyContext *ctx, HPy self)
{
    int err;
    bridge_t *b = handle_stoppable(ctx, self, &err);
    if (b == NULL)
        return err ? HPy_NULL : HPy_Dup(ctx, ctx->h_None);
    uv_read_stop(&b->u.stream);
    handle_unpin(ctx, self, b, PIN_READING);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Stream_get_read_buffer_size, "get_read_buffer_size", HPyFunc_NOARGS,
            .doc = "get_read_buffer_size() -> the most one read returns")
static HPy Stream_get_read_buffer_size_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    if (!(b->flags & BF_OPEN))          /* the core may be gone */
        return uv_raise(ctx, ERR_CLOSED_HANDLE);
    return HPyLong_FromSize_t(ctx, b->rsize ? b->rsize : b->core->rbuf_size);
}

HPyDef_METH(Stream_set_read_buffer_size, "set_read_buffer_size", HPyFunc_O,
            .doc = "set_read_buffer_size(n): reads of this stream return at most n bytes "
                   "(1 to 2**30; 0: the loop's buffer_size)")
static HPy Stream_set_read_buffer_size_impl(HPyContext *ctx, HPy self, HPy v)
{
    int64_t n;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, v, "read_buffer_size must be an int", &n) < 0)
        return HPy_NULL;
    if (n < 0 || (uint64_t)n > READ_BUFFER_MAX)
        return uv_raise(ctx, UV_EINVAL);
    b->rsize = (size_t)n;
    return HPy_Dup(ctx, ctx->h_None);
}

/* ---- listening ---- */

static void connection_cb(uv_stream_t *s, int status)
{
    bridge_t *b = s->data;
    uvcore_t *core = b->core;
    gil_ensure(core);
    CORE_DRAIN(core);
    HPy w = bridge_wrapper(core, b);
    if (HPy_IsNull(w))
        return;
    HPy st = HPyLong_FromInt32_t(core->ctx, status);
    core_dispatch(core, D_CONNECTION, w, st, HPy_NULL, 2);
    HPy_Close(core->ctx, st);
    HPy_Close(core->ctx, w);
}

HPyDef_METH(Stream_listen, "listen", HPyFunc_VARARGS, .doc = "listen(wrapper, backlog)")
static HPy Stream_listen_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int64_t backlog;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "listen(wrapper, backlog)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, args[1], "backlog must be an int", &backlog) < 0)
        return HPy_NULL;
    if (backlog < 0 || backlog > INT32_MAX)
        return uv_raise(ctx, UV_EINVAL);
    int rc = uv_listen(&b->u.stream, (int)backlog, connection_cb);
    if (rc < 0)
        return uv_raise(ctx, rc);
    handle_pin(ctx, self, b, args[0], PIN_READING);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Stream_accept, "accept", HPyFunc_O, .doc = "accept(client_native)")
static HPy Stream_accept_impl(HPyContext *ctx, HPy self, HPy client)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    /* a UDP handle is accepted only from an IPC pipe (a handle it received) */
    unsigned kinds = KINDS_STREAM;
    if (b->kind == K_PIPE && b->u.pipe.ipc)
        kinds |= KIND_BIT(K_UDP);
    bridge_t *c = handle_arg(ctx, client, kinds,
                             "accept needs a native stream (TCP, Pipe or TTY), or UDP "
                             "from an IPC pipe");
    if (c == NULL)
        return HPy_NULL;
    if (c->core != b->core) {
        HPyErr_SetString(ctx, ctx->h_ValueError,
                         "accept needs a stream on the same loop");
        return HPy_NULL;
    }
    int rc = uv_accept(&b->u.stream, &c->u.stream);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

/* ---- state ---- */

HPyDef_METH(Stream_is_readable, "is_readable", HPyFunc_NOARGS, .doc = "uv_is_readable")
static HPy Stream_is_readable_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    int ok = (b->flags & (BF_OPEN | BF_CLOSING)) == BF_OPEN && uv_is_readable(&b->u.stream);
    return HPyBool_FromBool(ctx, ok);
}

HPyDef_METH(Stream_is_writable, "is_writable", HPyFunc_NOARGS, .doc = "uv_is_writable")
static HPy Stream_is_writable_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    int ok = (b->flags & (BF_OPEN | BF_CLOSING)) == BF_OPEN && uv_is_writable(&b->u.stream);
    return HPyBool_FromBool(ctx, ok);
}

HPyDef_METH(Stream_write_queue_size, "write_queue_size", HPyFunc_NOARGS,
            .doc = "bytes queued for writing")
static HPy Stream_write_queue_size_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    size_t n = (b->flags & BF_OPEN) ? b->u.stream.write_queue_size : 0;
    return HPyLong_FromSize_t(ctx, n);
}

/* ---- data to uv_buf_t ---- */

/* bufset_t (uvmod.h): the buffers of a write or a UDP send */

void bufset_release(HPyContext *ctx, bufset_t *bs)
{
    for (size_t i = 0; i < bs->n; i++)
        HPy_Close(ctx, bs->items[i]);
    if (bs->bufs != bs->sbufs) {
        free(bs->bufs);
        free(bs->items);
    }
    bs->n = 0;
}

/* data: bytes, or a list/tuple of bytes (uv/stream.py converts the rest) */
int bufset_init(HPyContext *ctx, bufset_t *bs, HPy data)
{
    bs->bufs = bs->sbufs;
    bs->items = bs->sitems;
    bs->n = 0;
    bs->total = 0;
    if (HPyBytes_Check(ctx, data)) {
        bs->items[0] = HPy_Dup(ctx, data);
        bs->bufs[0] = buf_make((char *)HPyBytes_AS_STRING(ctx, data),
                               (size_t)HPyBytes_GET_SIZE(ctx, data));
        bs->n = 1;
        bs->total = bs->bufs[0].len;
        return 0;
    }
    if (!HPyList_Check(ctx, data) && !HPyTuple_Check(ctx, data)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "data must be bytes or a list of bytes");
        return -1;
    }
    HPy_ssize_t n = HPy_Length(ctx, data);
    if (n < 0)
        return -1;
    if (n > NBUFS_STATIC) {
        bs->bufs = malloc(sizeof(uv_buf_t) * n);
        bs->items = malloc(sizeof(HPy) * n);
        if (bs->bufs == NULL || bs->items == NULL) {
            free(bs->bufs);
            free(bs->items);
            bs->bufs = bs->sbufs;
            bs->items = bs->sitems;
            HPyErr_NoMemory(ctx);
            return -1;
        }
    }
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, data, i);
        if (HPy_IsNull(item)) {
            bufset_release(ctx, bs);
            return -1;
        }
        bs->items[bs->n++] = item;
        if (!HPyBytes_Check(ctx, item)) {
            bufset_release(ctx, bs);
            HPyErr_SetString(ctx, ctx->h_TypeError, "data items must be bytes");
            return -1;
        }
        bs->bufs[i] = buf_make((char *)HPyBytes_AS_STRING(ctx, item),
                               (size_t)HPyBytes_GET_SIZE(ctx, item));
        bs->total += bs->bufs[i].len;
    }
    return 0;
}

/* copy what follows the first `skip` bytes into one malloc'd block */
char *bufset_copy_from(bufset_t *bs, size_t skip, size_t *len)
{
    size_t rest = bs->total - skip, off = 0;
    char *mem = malloc(rest ? rest : 1);
    if (mem == NULL)
        return NULL;
    for (size_t i = 0; i < bs->n; i++) {
        size_t l = bs->bufs[i].len;
        if (skip >= l) {
            skip -= l;
            continue;
        }
        memcpy(mem + off, bs->bufs[i].base + skip, l - skip);
        off += l - skip;
        skip = 0;
    }
    *len = rest;
    return mem;
}

/* uv_try_write; a terminal libuv writes to with blocking writes (tty.c)
 * may block: the interpreter lock is released around it (the buffers are
 * held by the caller's handles, libuv touches no loop state there) */
static int stream_try_write(HPyContext *ctx, bridge_t *b, uv_buf_t *bufs, unsigned int n)
{
    if (b->kind != K_TTY || b->kstate != TTY_BLOCKING_WRITES)
        return uv_try_write(&b->u.stream, bufs, n);
    HPyThreadState ts = HPy_LeavePythonExecution(ctx);
    int rc = uv_try_write(&b->u.stream, bufs, n);
    HPy_ReenterPythonExecution(ctx, ts);
    return rc;
}

HPyDef_METH(Stream_try_write, "try_write", HPyFunc_O,
            .doc = "try_write(data) -> bytes written now (0 if none could be)")
static HPy Stream_try_write_impl(HPyContext *ctx, HPy self, HPy data)
{
    bufset_t bs;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || bufset_init(ctx, &bs, data) < 0)
        return HPy_NULL;
    int n = bs.total ? stream_try_write(ctx, b, bs.bufs, (unsigned int)bs.n) : 0;
    bufset_release(ctx, &bs);
    if (n == UV_EAGAIN)
        n = 0;
    if (n < 0)
        return uv_raise(ctx, n);
    return HPyLong_FromInt32_t(ctx, n);
}

/* ---- write and shutdown requests ----
 * A write has no native object: uv.WriteRequest is a Python object (HPy
 * objects with a destructor cost over a microsecond each to create on PyPy).
 * Writes of a stream complete in the order they started, so a request knows
 * it is finished when the stream's count of completed writes reaches its
 * number.  A request with on_write is pinned in the reqb until then; the
 * stream keeps its writes in flight in a ring indexed by their numbers, so
 * that on_write can be set on any of them in constant time. */

void stream_write_done(reqb_t *r)
{
    bridge_t *b = r->stream;
    b->wq[b->wq_head] = NULL;
    b->wq_head = (b->wq_head + 1) % b->wq_cap;
    b->wdone++;
    r->stream = NULL;
}

void stream_free_queue(bridge_t *b)
{
    free(b->wq);
    b->wq = NULL;
    b->wq_cap = 0;
}

/* room for one more write in the ring; -1 when out of memory */
int bridge_queue_reserve(bridge_t *b)
{
    size_t n = (size_t)(b->wseq - b->wdone);
    if (n < b->wq_cap)
        return 0;
    size_t cap = b->wq_cap ? b->wq_cap * 2 : 8;
    reqb_t **q = malloc(cap * sizeof(reqb_t *));
    if (q == NULL)
        return -1;
    for (size_t i = 0; i < n; i++)
        q[i] = b->wq[(b->wq_head + i) % b->wq_cap];
    free(b->wq);
    b->wq = q;
    b->wq_cap = cap;
    b->wq_head = 0;
    return 0;
}

static void write_cb(uv_write_t *req, int status)
{
    reqb_libuv_done(req->data, status);
}

/* the write in flight whose number is seq, or NULL */
static reqb_t *stream_write_of(bridge_t *b, uint64_t seq)
{
    if (seq <= b->wdone || seq > b->wseq)
        return NULL;
    return b->wq[(b->wq_head + (size_t)(seq - b->wdone - 1)) % b->wq_cap];
}

HPyDef_METH(Stream_write, "write", HPyFunc_VARARGS,
            .doc = "write(data, send_stream_native_or_None, request_or_None) -> seq\n"
                   "A request given is called back (write_done) once written.")
static HPy Stream_write_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    bufset_t bs;
    bridge_t *send = NULL;
    int written = 0, rc;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "write(data, send_stream, request)");
        return HPy_NULL;
    }
    HPy req = HPy_Is(ctx, args[2], ctx->h_None) ? HPy_NULL : args[2];
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (!HPy_Is(ctx, args[1], ctx->h_None)) {
        send = handle_arg(ctx, args[1],
                          KIND_BIT(K_TCP) | KIND_BIT(K_PIPE) | KIND_BIT(K_UDP),
                          "send_stream must be a native TCP, Pipe or UDP handle");
        if (send == NULL)
            return HPy_NULL;
    }
    if (bufset_init(ctx, &bs, args[0]) < 0)
        return HPy_NULL;
    if (send != NULL && bs.total == 0) {
        /* the kernel drops a handle sent with no data on a stream socket */
        bufset_release(ctx, &bs);
        HPyErr_SetString(ctx, ctx->h_ValueError, "sending a handle needs at least one byte of data");
        return HPy_NULL;
    }
    reqb_t *r = bridge_queue_reserve(b) < 0 ? NULL : reqb_alloc(b->core, UV_WRITE);
    if (r == NULL) {
        bufset_release(ctx, &bs);
        return HPyErr_NoMemory(ctx);
    }
    if (send == NULL && bs.total > 0) {
        written = stream_try_write(ctx, b, bs.bufs, (unsigned int)bs.n);
        if (written < 0)
            written = 0;          /* EAGAIN, or an error uv_write reports */
    }
    if (send != NULL || (size_t)written < bs.total) {
        size_t len = 0;
        r->mem = bufset_copy_from(&bs, (size_t)written, &len);
        if (r->mem == NULL) {
            bufset_release(ctx, &bs);
            free(r);
            return HPyErr_NoMemory(ctx);
        }
        uv_buf_t buf = buf_make(r->mem, len);
        if (b->kind == K_TTY && b->kstate == TTY_BLOCKING_WRITES) {
            /* libuv writes all of it before uv_write2 returns */
            HPyThreadState ts = HPy_LeavePythonExecution(ctx);
            rc = uv_write2(&r->u.write, &b->u.stream, &buf, 1,
                           send ? &send->u.stream : NULL, write_cb);
            HPy_ReenterPythonExecution(ctx, ts);
        } else {
            rc = uv_write2(&r->u.write, &b->u.stream, &buf, 1,
                           send ? &send->u.stream : NULL, write_cb);
        }
        if (rc < 0) {
            bufset_release(ctx, &bs);
            free(r->mem);
            free(r);
            return uv_raise(ctx, rc);
        }
    } else {
        reqb_complete_later(r, 0);   /* all of it went out at once */
    }
    bufset_release(ctx, &bs);
    return bridge_queue_push(ctx, self, b, r, req, send ? args[1] : HPy_NULL);
}

/* r (room reserved with bridge_queue_reserve) is the bridge's next write or
 * send: its number, as an int */
HPy bridge_queue_push(HPyContext *ctx, HPy self, bridge_t *b, reqb_t *r, HPy req,
                      HPy keep)
{
    r->stream = b;
    r->seq = ++b->wseq;
    b->wq[(b->wq_head + (size_t)(r->seq - b->wdone - 1)) % b->wq_cap] = r;
    if (HPy_IsNull(req) && HPy_IsNull(keep)) {
        reqb_start(ctx, HPy_NULL, r, HPy_NULL);
    } else {
        HPy loop = handle_loop(ctx, self);
        reqb_start(ctx, loop, r, req);
        /* libuv reads the sent handle when the write goes out, which may be
         * later: its native object (and so its bridge) lives until then */
        if (!HPy_IsNull(keep))
            HPyField_Store(ctx, loop, &r->keep, keep);
        HPy_Close(ctx, loop);
    }
    return HPyLong_FromUInt64_t(ctx, r->seq);
}

HPyDef_METH(Stream_writes_done, "writes_done", HPyFunc_NOARGS,
            .doc = "writes_done() -> how many writes of the stream have completed")
static HPy Stream_writes_done_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromUInt64_t(ctx, HandleObject_AsStruct(ctx, self)->b->wdone);
}

HPyDef_METH(Stream_pin_write, "pin_write", HPyFunc_VARARGS,
            .doc = "pin_write(seq, request): call the request back when write seq completes")
static HPy Stream_pin_write_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "pin_write(seq, request)");
        return HPy_NULL;
    }
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    uint64_t seq = HPyLong_AsUInt64_t(ctx, args[0]);
    if (seq == (uint64_t)-1 && HPyErr_Occurred(ctx))
        return HPy_NULL;
    if (seq <= b->wdone)
        return HPy_Dup(ctx, ctx->h_None);          /* done already */
    if (core_check_thread(ctx, b->core) < 0)
        return HPy_NULL;
    reqb_t *r = stream_write_of(b, seq);
    if (r != NULL && !(r->flags & RF_PINNED)) {
        HPy loop = handle_loop(ctx, self);
        HPyField_Store(ctx, loop, &r->self, args[1]);
        HPy_Close(ctx, loop);
        r->flags |= RF_PINNED;
    }
    return HPy_Dup(ctx, ctx->h_None);
}

static void shutdown_cb(uv_shutdown_t *req, int status)
{
    reqb_libuv_done(req->data, status);
}

HPyDef_SLOT(ShutdownRequest_new, HPy_tp_new)
static HPy ShutdownRequest_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                                    HPy_ssize_t nargs, HPy kw)
{
    return request_type_new(ctx, type, args, nargs, UV_SHUTDOWN);
}

HPyDef_METH(ShutdownRequest_start, "start", HPyFunc_VARARGS,
            .doc = "start(wrapper, stream_native)")
static HPy ShutdownRequest_start_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "start(wrapper, stream)");
        return HPy_NULL;
    }
    reqb_t *r = request_unstarted(ctx, self);
    if (r == NULL)
        return HPy_NULL;
    bridge_t *b = handle_arg(ctx, args[1], KINDS_STREAM,
                             "shutdown needs a native stream (TCP, Pipe or TTY)");
    if (b == NULL)
        return HPy_NULL;
    int rc = uv_shutdown(&r->u.shutdown, &b->u.stream, shutdown_cb);
    return request_started(ctx, self, r, args[0], rc);
}

static HPyDef *ShutdownRequest_defines[] = {
    REQUEST_COMMON_DEFINES, &ShutdownRequest_new, &ShutdownRequest_start, NULL
};

HPyType_Spec ShutdownRequest_spec = {
    .name = "uv._uv.ShutdownRequest",
    .basicsize = sizeof(RequestObject),
    .builtin_shape = RequestObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = ShutdownRequest_defines,
    .doc = "native uv_shutdown_t (use uv.ShutdownRequest)",
};
