/* request.c: the request base.
 *
 * A request lives in malloc'd memory (reqb_t) that libuv points to until its
 * callback has run.  From reqb_start() until that callback it is pending: its
 * r->self field holds the Python request (owner: the native loop), so a
 * request nobody holds still completes and calls back.  Memory the request
 * owns (the unsent part of a write, ...) is r->mem, freed at completion.
 * The reqb is freed once it is complete and its native object (writes have
 * none) is gone. */
#include <stddef.h>
#include "uvmod.h"

static void reqb_free(reqb_t *r)
{
    free(r->mem);
    free(r);
}

reqb_t *reqb_alloc(uvcore_t *core, unsigned kind)
{
    size_t size = offsetof(reqb_t, u) + uv_req_size((uv_req_type)kind);
    reqb_t *r = malloc(size < sizeof(reqb_t) ? size : sizeof(reqb_t));
    if (r == NULL)
        return NULL;
    memset(r, 0, offsetof(reqb_t, u) + sizeof(uv_req_t));
    r->core = core;
    r->kind = kind;
    r->self = HPyField_NULL;
    r->keep = HPyField_NULL;
    r->u.req.data = r;
    return r;
}

HPy request_new(HPyContext *ctx, HPy type, HPy loop, unsigned kind, reqb_t **out)
{
    uvcore_t *core = loop_core_from(ctx, loop);
    if (core == NULL)
        return HPy_NULL;
    reqb_t *r = reqb_alloc(core, kind);
    if (r == NULL) {
        HPyErr_NoMemory(ctx);
        return HPy_NULL;
    }
    RequestObject *o;
    HPy h = HPy_New(ctx, type, &o);
    if (HPy_IsNull(h)) {
        free(r);
        return HPy_NULL;
    }
    r->flags = RF_OBJ_ALIVE;
    o->r = r;
    HPyField_Store(ctx, h, &o->loop, loop);
    *out = r;
    return h;
}

HPy request_loop(HPyContext *ctx, HPy req)
{
    return HPyField_Load(ctx, req, RequestObject_AsStruct(ctx, req)->loop);
}

/* the request was handed to libuv: pin it until its callback */
void reqb_start(HPyContext *ctx, HPy loop, reqb_t *r, HPy wrapper)
{
    uvcore_t *core = r->core;
    r->u.req.data = r;
    r->flags |= RF_INFLIGHT;
    if (!HPy_IsNull(wrapper)) {
        HPyField_Store(ctx, loop, &r->self, wrapper);
        r->flags |= RF_PINNED;
    }
    r->prev = &core->rlist;
    r->next = core->rlist.next;
    core->rlist.next->prev = r;
    core->rlist.next = r;
}

void reqb_complete(reqb_t *r, int status)
{
    uvcore_t *core = r->core;
    HPyContext *ctx;
    HPy w = HPy_NULL;
    /* r may be freed below: what the callback needs is read first */
    int which = r->kind == UV_WRITE ? D_WRITE_DONE
              : r->kind == UV_UDP_SEND ? D_SEND_DONE : D_REQUEST;
    gil_ensure(core);
    ctx = core->ctx;
    if (ctx && (r->flags & RF_PINNED)) {
        w = HPyField_Load(ctx, core->h_loop, r->self);
        HPyField_Store(ctx, core->h_loop, &r->self, HPy_NULL);
    }
    if (ctx && !HPyField_IsNull(r->keep))
        HPyField_Store(ctx, core->h_loop, &r->keep, HPy_NULL);
    r->prev->next = r->next;
    r->next->prev = r->prev;
    r->prev = r->next = NULL;
    if (r->owner) {
        /* completed without libuv (a pipe connect to an abstract name):
         * the owner is still allocated, since every close callback runs
         * the pending completions first */
        if (r->owner->flags & BF_CLOSING)
            status = UV_ECANCELED;
        r->owner = NULL;
    }
    r->flags = (r->flags & ~(RF_INFLIGHT | RF_PINNED)) | RF_DONE;
    r->status = status;
    free(r->mem);
    r->mem = NULL;
    if (r->stream)
        stream_write_done(r);    /* writes and sends complete in order */
    core_note_unpinned(core);
    if (!(r->flags & RF_OBJ_ALIVE))
        reqb_free(r);        /* a pinned request always has a live object */
    if (!HPy_IsNull(w)) {
        HPy st = HPyLong_FromInt32_t(ctx, status);
        core_dispatch(core, which, w, st, HPy_NULL, 2);
        HPy_Close(ctx, st);
        HPy_Close(ctx, w);
    }
}

/* the end of starting a request from Python: raise libuv's error, or pin
 * the request's wrapper until its callback */
HPy request_started(HPyContext *ctx, HPy self, reqb_t *r, HPy wrapper, int rc)
{
    if (rc < 0)
        return uv_raise(ctx, rc);
    HPy loop = request_loop(ctx, self);
    reqb_start(ctx, loop, r, wrapper);
    HPy_Close(ctx, loop);
    return HPy_Dup(ctx, ctx->h_None);
}

/* libuv's callback of a request (connect, write, shutdown) */
void reqb_libuv_done(reqb_t *r, int status)
{
    gil_ensure(r->core);
    CORE_DRAIN(r->core);
    reqb_complete(r, status);
}

/* tp_new of the request types made from Python: Type(native_loop) */
HPy request_type_new(HPyContext *ctx, HPy type, const HPy *args,
                     HPy_ssize_t nargs, unsigned kind)
{
    HPy loop;
    reqb_t *r;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "O", &loop))
        return HPy_NULL;
    return request_new(ctx, type, loop, kind, &r);
}

/* the reqb of a request object that was not handed to libuv yet */
reqb_t *request_unstarted(HPyContext *ctx, HPy self)
{
    reqb_t *r = RequestObject_AsStruct(ctx, self)->r;
    if (r->flags & (RF_INFLIGHT | RF_DONE)) {
        HPyErr_SetString(ctx, ctx->h_RuntimeError, "the request was started already");
        return NULL;
    }
    return r;
}

/* ---- completion without libuv ----
 * A write whose bytes all went out at once never reaches libuv; its
 * callback must still run later, from the loop.  Such requests wait in the
 * core's done list, which the internal check handle empties right after
 * the poll of the same iteration.  So that this poll does not block while
 * the list is not empty, the internal prepare handle (and run()) start an
 * internal idle handle, which also keeps the loop alive. */

void core_run_done(uvcore_t *core)
{
    reqb_t *r = core->done_head;
    core->done_head = core->done_tail = NULL;
    if (uv_is_active((uv_handle_t *)&core->done_idle)) {
        uv_idle_stop(&core->done_idle);
        core->idle_active--;
    }
    while (r) {
        reqb_t *next = r->dnext;
        r->dnext = NULL;
        reqb_complete(r, r->status);
        r = next;
    }
}

static void done_idle_cb(uv_idle_t *h)
{
    uvcore_t *core = h->data;
    gil_ensure(core);
    core_run_done(core);
}

void core_done_nonblocking(uvcore_t *core)
{
    if (core->done_head)
        core_dont_block(core);
}

/* the internal idle handle is active until core_run_done runs: the poll of
 * this iteration does not block */
void core_dont_block(uvcore_t *core)
{
    if (!uv_is_active((uv_handle_t *)&core->done_idle)) {
        uv_idle_start(&core->done_idle, done_idle_cb);
        core->idle_active++;
    }
}

void reqb_complete_later(reqb_t *r, int status)
{
    uvcore_t *core = r->core;
    r->status = status;
    r->dnext = NULL;
    if (core->done_tail)
        core->done_tail->dnext = r;
    else
        core->done_head = r;
    core->done_tail = r;
}

HPyDef_SLOT(Request_traverse, HPy_tp_traverse)
static int Request_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    HPy_VISIT(&((RequestObject *)self)->loop);
    return 0;
}

HPyDef_SLOT(Request_destroy, HPy_tp_destroy)
static void Request_destroy_impl(void *self)
{
    RequestObject *o = self;
    reqb_t *r = o->r;
    o->r = NULL;
    if (r == NULL)
        return;
    r->flags &= ~RF_OBJ_ALIVE;
    if (!(r->flags & RF_INFLIGHT))
        reqb_free(r);
}

HPyDef_METH(Request_cancel, "cancel", HPyFunc_NOARGS,
            .doc = "cancel(): uv_cancel; ArgumentError where libuv cannot cancel")
static HPy Request_cancel_impl(HPyContext *ctx, HPy self)
{
    reqb_t *r = RequestObject_AsStruct(ctx, self)->r;
    if (!(r->flags & RF_INFLIGHT))
        return uv_raise(ctx, UV_EINVAL);
    if (core_check_thread(ctx, r->core) < 0)
        return HPy_NULL;
    int rc = uv_cancel(&r->u.req);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Request_is_finished, "is_finished", HPyFunc_NOARGS,
            .doc = "is_finished() -> bool: the callback has run")
static HPy Request_is_finished_impl(HPyContext *ctx, HPy self)
{
    reqb_t *r = RequestObject_AsStruct(ctx, self)->r;
    return HPyBool_FromBool(ctx, (r->flags & RF_DONE) != 0);
}
