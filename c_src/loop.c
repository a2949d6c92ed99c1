/* loop.c: the loop core.
 *
 * A native Loop object owns a malloc'd core (uvcore_t) holding the uv_loop_t,
 * three internal handles and the lists of open bridges and requests in
 * flight.  run() stores the context, the native loop and the Python Loop in
 * the core so that libuv callbacks can call Python; they are cleared before
 * run() returns.
 *
 * The interpreter lock is held while libuv runs timers, idle, prepare, check
 * and pending callbacks.  The internal prepare handle releases it just before
 * a poll that may block; the first callback that needs it (gil_ensure) and
 * the internal check handle take it back.  Reasons the poll will not block
 * are tracked here (DESIGN.md section 5).
 *
 * Teardown (Loop.close() and the death of the loop object) closes every open
 * handle without calling Python, runs libuv until the close callbacks have
 * run and closes the uv_loop_t. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include "uvmod.h"

static int default_loop_in_use = 0;
long g_open_loops = 0;      /* changed with the interpreter lock held */

uvcore_t *loop_core_from(HPyContext *ctx, HPy loop)
{
    HPy type = HPyGlobal_Load(ctx, g_LoopType);
    int ok = HPy_TypeCheck(ctx, loop, type);
    HPy_Close(ctx, type);
    if (!ok) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "a uv loop is required");
        return NULL;
    }
    uvcore_t *core = LoopObject_AsStruct(ctx, loop)->core;
    if (core == NULL || core->closed) {
        uv_raise(ctx, ERR_CLOSED_LOOP);
        return NULL;
    }
    if (core_check_thread(ctx, core) < 0)
        return NULL;
    return core;
}

int core_check_thread(HPyContext *ctx, uvcore_t *core)
{
    if (core->running) {
        uv_thread_t me = uv_thread_self();
        if (!uv_thread_equal(&me, &core->run_thread))
            return uv_raise_i(ctx, ERR_WRONG_THREAD);
    }
    return 0;
}

/* ---- calling Python ---- */

static void core_report(uvcore_t *core, HPy exc)
{
    HPyContext *ctx = core->ctx;
    HPy args = HPyTuple_Pack(ctx, 2, core->h_wrapper, exc);
    HPy r = HPy_IsNull(args) ? HPy_NULL
          : HPy_CallTupleDict(ctx, core->disp[D_ERROR], args, HPy_NULL);
    HPy_Close(ctx, args);
    if (HPy_IsNull(r)) {
        core->fatal = 1;
        uv_stop(core->loop);
    }
    HPy_Close(ctx, r);
}

void core_dispatch(uvcore_t *core, int which, HPy a, HPy b, HPy c, int nargs)
{
    HPyContext *ctx = core->ctx;
    if (ctx == NULL || core->fatal)
        return;
    HPy args = HPyTuple_Pack(ctx, nargs, a, b, c);
    if (HPy_IsNull(args)) {
        core->fatal = 1;
        uv_stop(core->loop);
        return;
    }
    core_dispatch_tuple(core, which, args);
    HPy_Close(ctx, args);
}

/* record mode: append which and args to the events of this select() */
static void core_record(uvcore_t *core, int which, HPy args)
{
    HPyContext *ctx = core->ctx;
    if (HPy_IsNull(core->events)) {       /* the first event of this select() */
        core->events = HPyList_New(ctx, 0);
        if (HPy_IsNull(core->events)) {
            core->fatal = 1;
            uv_stop(core->loop);
            return;
        }
    }
    HPy w = HPyLong_FromInt32_t(ctx, which);
    if (HPy_IsNull(w) || HPyList_Append(ctx, core->events, w) < 0
        || HPyList_Append(ctx, core->events, args) < 0) {
        core->fatal = 1;
        uv_stop(core->loop);
    }
    HPy_Close(ctx, w);
}

void core_dispatch_tuple(uvcore_t *core, int which, HPy args)
{
    HPyContext *ctx = core->ctx;
    if (ctx == NULL || core->fatal)
        return;
    if (core->recording) {
        core_record(core, which, args);
        return;
    }
    HPy r = HPy_CallTupleDict(ctx, core->disp[which], args, HPy_NULL);
    if (HPy_IsNull(r)) {
        /* the helper itself failed (it catches everything): give up the run
         * and let run() return with this error */
        core->fatal = 1;
        uv_stop(core->loop);
        return;
    }
    if (!HPy_Is(ctx, r, ctx->h_None))
        core_report(core, r);
    HPy_Close(ctx, r);
}

/* ---- the close queue: handles whose object died while open ---- */

void core_process_queue(uvcore_t *core)
{
    uv_mutex_lock(&core->qlock);
    bridge_t *b = core->queue;
    core->queue = NULL;
    uv_mutex_unlock(&core->qlock);
    while (b) {
        bridge_t *next = b->qnext;
        b->qnext = NULL;
        b->flags &= ~BF_QUEUED;
        if ((b->flags & BF_OPEN) && !(b->flags & BF_CLOSING))
            bridge_close(core, b);
        b = next;
    }
}

void core_wakeup(uvcore_t *core)
{
    uv_async_send(&core->wakeup);
}

static void wakeup_cb(uv_async_t *h)
{
    uvcore_t *core = h->data;
    gil_ensure(core);
    core_process_queue(core);
    uv_mutex_lock(&core->qlock);
    int later = core->later_pending;
    core->later_pending = 0;
    uv_mutex_unlock(&core->qlock);
    if (later) {
        uv_unref((uv_handle_t *)&core->wakeup);
        if (core->ctx)
            core_dispatch(core, D_LATER, core->h_wrapper, HPy_NULL, HPy_NULL, 1);
    }
}

/* ---- the interpreter lock around the poll ---- */

static int poll_may_block(uvcore_t *core)
{
    return core->mode != UV_RUN_NOWAIT && !core->loop->stop_flag
        && core->idle_active == 0 && core->closing == 0 && !core->fatal;
}

/* True when the loop is alive only because of Asyncs that are not pending
 * (nobody sent to them): no request in flight, and every other active,
 * referenced handle is closing or an internal one. */
static int only_idle_asyncs_alive(uvcore_t *core)
{
    int asyncs = 0;
    if (core->loop->active_reqs.count != 0)
        return 0;
    for (bridge_t *b = core->blist.next; b != &core->blist; b = b->next) {
        if ((b->flags & BF_CLOSING) || !uv_is_active(&b->u.handle)
            || !uv_has_ref(&b->u.handle))
            continue;
        if (b->kind != K_ASYNC || b->pins)
            return 0;
        asyncs++;
    }
    return asyncs > 0;
}

/* Before a poll that may block: if only Asyncs that are not pending keep
 * the loop alive, a collection finds out whether anybody still holds them.
 * Those nobody holds are closed (through the close queue, which wakes this
 * poll), and the loop ends as it does at once on CPython when the last
 * reference goes.  Looked at only after a bridge stopped being pending or a
 * request completed, and only on a loop that has Asyncs. */
static void core_collect_if_only_asyncs(uvcore_t *core)
{
    if (core->asyncs == 0 || !core->unpinned || core->ctx == NULL)
        return;
    core->unpinned = 0;
    if (only_idle_asyncs_alive(core)) {
        gil_ensure(core);
        core_dispatch(core, D_COLLECT, core->h_wrapper, HPy_NULL, HPy_NULL, 1);
    }
}

static void prepare_cb(uv_prepare_t *h)
{
    uvcore_t *core = h->data;
    if (core->polls)
        poll_check_fds(core);
    core_done_nonblocking(core);
    if (poll_may_block(core))
        core_collect_if_only_asyncs(core);
    if (core->ctx && !core->released && poll_may_block(core)) {
        core->tstate = HPy_LeavePythonExecution(core->ctx);
        core->released = 1;
    }
}

static void check_cb(uv_check_t *h)
{
    uvcore_t *core = h->data;
    gil_ensure(core);
    if (core->done_head)
        core_run_done(core);
    if (core->poll_errors)
        poll_deliver_errors(core);
}

/* ---- creation and teardown ---- */

static void core_free_memory(uvcore_t *core)
{
    if (core->sigfd[0] >= 0) {
        close(core->sigfd[0]);
        close(core->sigfd[1]);
    }
    uv_mutex_destroy(&core->qlock);
    free(core->rbuf);
    free(core->ubuf);
    free(core);
}

static uvcore_t *core_new(HPyContext *ctx, int is_default, size_t rbuf_size)
{
    uvcore_t *core = calloc(1, sizeof(uvcore_t));
    int rc;
    if (core == NULL) {
        HPyErr_NoMemory(ctx);
        return NULL;
    }
    if (uv_mutex_init(&core->qlock) != 0) {
        free(core);
        HPyErr_NoMemory(ctx);
        return NULL;
    }
    core->blist.next = core->blist.prev = &core->blist;
    core->rlist.next = core->rlist.prev = &core->rlist;
    core->rbuf_size = rbuf_size;
    if (is_default) {
        if (default_loop_in_use) {
            uv_mutex_destroy(&core->qlock);
            free(core);
            HPyErr_SetString(ctx, ctx->h_RuntimeError,
                             "the default loop exists already: use Loop.get_default()");
            return NULL;
        }
        core->loop = uv_default_loop();
        if (core->loop == NULL) {
            core_free_memory(core);
            HPyErr_NoMemory(ctx);
            return NULL;
        }
        core->is_default = 1;
        default_loop_in_use = 1;
    } else {
        core->loop = &core->loop_storage;
        rc = uv_loop_init(core->loop);
        if (rc < 0) {
            core_free_memory(core);
            uv_raise(ctx, rc);
            return NULL;
        }
    }
    core->loop->data = core;
    core->sigfd[0] = core->sigfd[1] = -1;
    core->acache_last = -1;
    uv_async_init(core->loop, &core->wakeup, wakeup_cb);
    uv_prepare_init(core->loop, &core->prepare);
    uv_check_init(core->loop, &core->check);
    uv_idle_init(core->loop, &core->done_idle);
    core->wakeup.data = core->prepare.data = core->check.data = core;
    core->done_idle.data = core;
    uv_prepare_start(&core->prepare, prepare_cb);
    uv_check_start(&core->check, check_cb);
    uv_unref((uv_handle_t *)&core->wakeup);
    uv_unref((uv_handle_t *)&core->prepare);
    uv_unref((uv_handle_t *)&core->check);
    g_open_loops++;
    return core;
}

/* Close everything without calling Python and close the uv loop.
 * ctx/h_loop may be NULL (object death): then the fields are not touched
 * (CPython has cleared them already, PyPy's collector no longer traces them).
 * Returns 0, or a libuv status if the uv loop could not be closed. */
static int core_teardown(uvcore_t *core, HPyContext *ctx, HPy h_loop)
{
    bridge_t *b;
    reqb_t *r;
    core->ctx = NULL;               /* no Python from callbacks */
    udp_acache_clear(core, ctx, h_loop);
    core_process_queue(core);
    for (b = core->blist.next; b != &core->blist; b = b->next) {
        if (ctx && b->pins) {
            HPyField_Store(ctx, h_loop, &b->self, HPy_NULL);
            HPyField_Store(ctx, h_loop, &b->args, HPy_NULL);
        }
        b->pins = 0;
        if (!(b->flags & BF_CLOSING))
            bridge_close(core, b);
    }
    for (r = core->rlist.next; r != &core->rlist; r = r->next) {
        if (ctx && (r->flags & RF_PINNED))
            HPyField_Store(ctx, h_loop, &r->self, HPy_NULL);
        if (ctx && !HPyField_IsNull(r->keep))
            HPyField_Store(ctx, h_loop, &r->keep, HPy_NULL);
        r->flags &= ~RF_PINNED;
        /* a lookup that has not started in the thread pool is dropped
         * rather than waited for (a slow name server would hold close());
         * file operations have effects and run to their end below */
        if (r->kind == UV_GETADDRINFO || r->kind == UV_GETNAMEINFO)
            uv_cancel(&r->u.req);
    }
    core_run_done(core);            /* writes that went out: no Python */
    if (!uv_is_closing((uv_handle_t *)&core->wakeup)) {
        uv_close((uv_handle_t *)&core->wakeup, NULL);
        uv_close((uv_handle_t *)&core->prepare, NULL);
        uv_close((uv_handle_t *)&core->check, NULL);
        uv_close((uv_handle_t *)&core->done_idle, NULL);
        if (core->sigfd[0] >= 0)
            uv_close((uv_handle_t *)&core->sigpoll, NULL);
        if (core->select_timer_open)
            uv_close((uv_handle_t *)&core->select_timer, NULL);
    }
    /* close callbacks, cancelled requests; work in libuv's thread pool is
     * waited for */
    while (uv_run(core->loop, UV_RUN_DEFAULT) != 0)
        ;
    int rc = uv_loop_close(core->loop);
    if (rc == 0) {
        core->closed = 1;
        g_open_loops--;
        if (core->sigfd[0] >= 0) {
            close(core->sigfd[0]);
            close(core->sigfd[1]);
            core->sigfd[0] = core->sigfd[1] = -1;
        }
        if (core->is_default)
            default_loop_in_use = 0;
    }
    return rc;
}

/* ---- the Loop type ---- */

HPyDef_SLOT(Loop_new, HPy_tp_new)
static HPy Loop_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                         HPy_ssize_t nargs, HPy kw)
{
    int is_default = 0;
    HPy_ssize_t bufsize = 262144;     /* as uvloop: a 100 KiB message in one read */
    static const char *kwlist[] = {"default", "buffer_size", NULL};
    HPyTracker ht;
    if (!HPyArg_ParseKeywordsDict(ctx, &ht, args, nargs, kw, "|pn", kwlist,
                              &is_default, &bufsize))
        return HPy_NULL;
    HPyTracker_Close(ctx, ht);
    if (bufsize < 1 || bufsize > (1 << 30)) {
        uv_raise(ctx, UV_EINVAL);
        return HPy_NULL;
    }
    LoopObject *o;
    HPy h = HPy_New(ctx, type, &o);
    if (HPy_IsNull(h))
        return HPy_NULL;
    o->core = core_new(ctx, is_default, (size_t)bufsize);
    if (o->core == NULL) {
        HPy_Close(ctx, h);
        return HPy_NULL;
    }
    return h;
}

HPyDef_SLOT(Loop_traverse, HPy_tp_traverse)
static int Loop_traverse_impl(void *self, HPyFunc_visitproc visit, void *arg)
{
    uvcore_t *core = ((LoopObject *)self)->core;
    if (core == NULL)
        return 0;
    for (bridge_t *b = core->blist.next; b != &core->blist; b = b->next) {
        HPy_VISIT(&b->self);
        HPy_VISIT(&b->args);
    }
    for (reqb_t *r = core->rlist.next; r != &core->rlist; r = r->next) {
        HPy_VISIT(&r->self);
        HPy_VISIT(&r->keep);
    }
    for (int i = 0; i < UDP_ACACHE; i++)
        HPy_VISIT(&core->acache[i].obj);
    return 0;
}

HPyDef_SLOT(Loop_destroy, HPy_tp_destroy)
static void Loop_destroy_impl(void *self)
{
    LoopObject *o = self;
    uvcore_t *core = o->core;
    o->core = NULL;
    if (core == NULL)
        return;
    if (!core->closed && core_teardown(core, NULL, HPy_NULL) != 0)
        return;   /* libuv still uses the memory: leak it rather than crash */
    core_free_memory(core);
}

static uvcore_t *self_core(HPyContext *ctx, HPy self, int need_open)
{
    uvcore_t *core = LoopObject_AsStruct(ctx, self)->core;
    if (need_open && core->closed) {
        uv_raise(ctx, ERR_CLOSED_LOOP);
        return NULL;
    }
    if (need_open && core_check_thread(ctx, core) < 0)
        return NULL;
    return core;
}

/* the dispatch helpers (and the classes udp.c makes addresses with) are
 * loaded for the time of one run() or select() */
static int core_load_dispatch(HPyContext *ctx, uvcore_t *core)
{
    for (int i = 0; i < D_COUNT; i++) {
        core->disp[i] = HPyGlobal_Load(ctx, g_dispatch[i]);
        if (HPy_IsNull(core->disp[i])) {
            while (--i >= 0) {
                HPy_Close(ctx, core->disp[i]);
                core->disp[i] = HPy_NULL;
            }
            return -1;
        }
    }
    return 0;
}

static void core_drop_dispatch(HPyContext *ctx, uvcore_t *core)
{
    for (int i = 0; i < D_COUNT; i++) {
        HPy_Close(ctx, core->disp[i]);
        core->disp[i] = HPy_NULL;
    }
}

HPyDef_METH(Loop_run, "run", HPyFunc_VARARGS,
            .doc = "run(wrapper, mode) -> bool: run the loop (uv_run)")
static HPy Loop_run_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int mode, r;
    HPy wrapper;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "Oi", &wrapper, &mode))
        return HPy_NULL;
    uvcore_t *core = self_core(ctx, self, 1);
    if (core == NULL)
        return HPy_NULL;
    if (core->running)
        return uv_raise(ctx, ERR_RUNNING);
    if (mode < UV_RUN_DEFAULT || mode > UV_RUN_NOWAIT)
        return uv_raise(ctx, UV_EINVAL);
    if (core_load_dispatch(ctx, core) < 0)
        return HPy_NULL;
    core->running = 1;
    core->run_thread = uv_thread_self();
    core->ctx = ctx;
    core->h_loop = self;
    core->h_wrapper = wrapper;
    core->mode = (uv_run_mode)mode;
    core->fatal = 0;
    core->signal_stop = core->user_stop = 0;
    core_process_queue(core);
    core_done_nonblocking(core);
    uv_mutex_lock(&core->qlock);
    if (core->later_pending)
        uv_ref((uv_handle_t *)&core->wakeup);
    uv_mutex_unlock(&core->qlock);

    r = uv_run(core->loop, core->mode);

    gil_ensure(core);
    core->ctx = NULL;
    core->h_loop = HPy_NULL;
    core->h_wrapper = HPy_NULL;
    core->running = 0;
    core_drop_dispatch(ctx, core);
    if (core->fatal) {
        core->fatal = 0;
        return HPy_NULL;
    }
    return HPyBool_FromBool(ctx, r != 0);
}

static void select_timer_cb(uv_timer_t *h)
{
    /* Its expiry ends the poll of select().  libuv before 1.45 runs the
     * timers of UV_RUN_ONCE before the poll too: a timer that expires
     * there would leave the poll with no timeout at all (a wait until
     * the next event, forever when none comes).  uv_stop() makes that
     * poll a non-blocking one (uv_backend_timeout() is 0 once the stop
     * flag is set); after the poll it changes nothing, a UV_RUN_ONCE run
     * ends there anyway, and uv_run() clears the flag as it returns. */
    uv_stop(h->loop);
}

HPyDef_METH(Loop_select, "select", HPyFunc_VARARGS,
            .doc = "select(wrapper, timeout_ms) -> list or None: run one libuv iteration "
                   "in record mode and return what its callbacks would have dispatched, "
                   "as [which, args, which, args, ...], or None when nothing was; "
                   "timeout_ms < 0 waits until something happens (uv.aio's selector)")
static HPy Loop_select_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int64_t timeout;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "select(wrapper, timeout_ms)");
        return HPy_NULL;
    }
    if (arg_int_range(ctx, args[1], "the timeout must be an int", -1, INT64_MAX, &timeout) < 0)
        return HPy_NULL;
    uvcore_t *core = self_core(ctx, self, 1);
    if (core == NULL)
        return HPy_NULL;
    if (core->running)
        return uv_raise(ctx, ERR_RUNNING);
    /* record mode calls no helper: the address classes udp.c makes peer
     * addresses with are loaded when it first needs one (udp_address()),
     * and the list of events is made at the first event (core_record()):
     * an iteration with nothing to report costs no allocation */
    if (timeout > 0 && !core->select_timer_open) {
        uv_timer_init(core->loop, &core->select_timer);
        core->select_timer.data = core;
        core->select_timer_open = 1;
    }
    core->running = 1;
    core->run_thread = uv_thread_self();
    core->ctx = ctx;
    core->h_loop = self;
    core->h_wrapper = args[0];
    core->mode = timeout == 0 ? UV_RUN_NOWAIT : UV_RUN_ONCE;
    core->fatal = 0;
    core->signal_stop = core->user_stop = 0;
    core->recording = 1;
    core->events = HPy_NULL;
    core_process_queue(core);
    core_done_nonblocking(core);
    /* the wait ends with the timeout, a wake-up (another thread, a
     * signal) or an event, even when no handle keeps the loop alive */
    uv_ref((uv_handle_t *)&core->wakeup);
    if (core->sigfd[0] >= 0)
        uv_ref((uv_handle_t *)&core->sigpoll);
    if (timeout > 0) {
        /* from now, not from the loop's cached time (which is as old as
         * the previous iteration: the wait would end early) */
        uv_update_time(core->loop);
        uv_timer_start(&core->select_timer, select_timer_cb, (uint64_t)timeout, 0);
    }

    uv_run(core->loop, core->mode);

    gil_ensure(core);
    if (timeout > 0)
        uv_timer_stop(&core->select_timer);
    uv_mutex_lock(&core->qlock);
    if (!core->later_pending)
        uv_unref((uv_handle_t *)&core->wakeup);
    uv_mutex_unlock(&core->qlock);
    if (core->sigfd[0] >= 0)
        uv_unref((uv_handle_t *)&core->sigpoll);
    core->recording = 0;
    HPy events = core->events;
    core->events = HPy_NULL;
    core->ctx = NULL;
    core->h_loop = HPy_NULL;
    core->h_wrapper = HPy_NULL;
    core->running = 0;
    for (int i = D_ADDRESS4; i <= D_ADDRESS6; i++) {
        if (!HPy_IsNull(core->disp[i])) {
            HPy_Close(ctx, core->disp[i]);
            core->disp[i] = HPy_NULL;
        }
    }
    if (core->fatal) {
        core->fatal = 0;
        if (!HPy_IsNull(events))
            HPy_Close(ctx, events);
        return HPy_NULL;
    }
    return HPy_IsNull(events) ? HPy_Dup(ctx, ctx->h_None) : events;
}

HPyDef_METH(Loop_poke, "poke", HPyFunc_NOARGS,
            .doc = "poke(): end the wait of select() now; any thread")
static HPy Loop_poke_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 0);
    if (core->closed)
        return uv_raise(ctx, ERR_CLOSED_LOOP);
    uv_async_send(&core->wakeup);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Loop_stop, "stop", HPyFunc_NOARGS, .doc = "stop the loop (uv_stop)")
static HPy Loop_stop_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 0);
    if (core->closed)
        return HPy_Dup(ctx, ctx->h_None);
    if (core_check_thread(ctx, core) < 0)
        return HPy_NULL;
    core->user_stop = 1;
    uv_stop(core->loop);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Loop_close, "close", HPyFunc_NOARGS,
            .doc = "close every handle without callbacks and close the loop")
static HPy Loop_close_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 0);
    if (core->closed)
        return HPy_Dup(ctx, ctx->h_None);
    if (core_check_thread(ctx, core) < 0)
        return HPy_NULL;
    if (core->running)
        return uv_raise(ctx, ERR_RUNNING);
    int rc = core_teardown(core, ctx, self);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Loop_check_closable, "check_closable", HPyFunc_NOARGS,
            .doc = "raise LoopThreadError / LoopRunningError if close() may not run now")
static HPy Loop_check_closable_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 0);
    if (!core->closed) {
        if (core_check_thread(ctx, core) < 0)
            return HPy_NULL;
        if (core->running)
            return uv_raise(ctx, ERR_RUNNING);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

static void sigpoll_cb(uv_poll_t *h, int status, int events)
{
    uvcore_t *core = h->data;
    unsigned char buf[64];
    ssize_t n;
    gil_ensure(core);
    while ((n = read(core->sigfd[0], buf, sizeof(buf))) > 0) {
        /* Python's C handler writes each signal's number: record mode
         * hands them over (asyncio's add_signal_handler needs them) */
        for (ssize_t i = 0; i < n && core->recording && core->ctx; i++) {
            HPy num = HPyLong_FromInt32_t(core->ctx, buf[i]);
            if (!HPy_IsNull(num))
                core_dispatch(core, D_SIGNAL, core->h_wrapper, num, HPy_NULL, 2);
            HPy_Close(core->ctx, num);
        }
    }
    /* Python runs its handlers only between bytecodes: end this iteration
     * (no event is lost) and let run() return to Python */
    core->signal_stop = 1;
    uv_stop(core->loop);
}

HPyDef_METH(Loop_resume_after_signal, "resume_after_signal", HPyFunc_NOARGS,
            .doc = "True if only a signal stopped the last run()")
static HPy Loop_resume_after_signal_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 0);
    int resume = core->signal_stop && !core->user_stop && !core->closed;
    core->signal_stop = 0;
    return HPyBool_FromBool(ctx, resume);
}

HPyDef_METH(Loop_signal_fd, "signal_fd", HPyFunc_NOARGS,
            .doc = "signal_fd() -> fd for signal.set_wakeup_fd: a signal wakes the loop")
static HPy Loop_signal_fd_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 1);
    if (core == NULL)
        return HPy_NULL;
    if (core->sigfd[0] < 0) {
        int fds[2], rc;
        if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0)
            return uv_raise(ctx, uv_translate_sys_error(errno));
        rc = uv_poll_init(core->loop, &core->sigpoll, fds[0]);
        if (rc == 0)
            rc = uv_poll_start(&core->sigpoll, UV_READABLE, sigpoll_cb);
        if (rc < 0) {
            close(fds[0]);
            close(fds[1]);
            return uv_raise(ctx, rc);
        }
        core->sigpoll.data = core;
        uv_unref((uv_handle_t *)&core->sigpoll);
        core->sigfd[0] = fds[0];
        core->sigfd[1] = fds[1];
    }
    return HPyLong_FromInt32_t(ctx, core->sigfd[1]);
}

HPyDef_METH(Loop_wakeup, "wakeup", HPyFunc_NOARGS,
            .doc = "wakeup(): ask the loop thread to run call_later callbacks (any thread)")
static HPy Loop_wakeup_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 0);
    if (core->closed)
        return uv_raise(ctx, ERR_CLOSED_LOOP);
    uv_mutex_lock(&core->qlock);
    core->later_pending = 1;
    uv_mutex_unlock(&core->qlock);
    /* keep the loop alive until the callbacks ran; only the thread that owns
     * the loop may touch its reference count */
    uv_thread_t me = uv_thread_self();
    if (!core->running || uv_thread_equal(&me, &core->run_thread))
        uv_ref((uv_handle_t *)&core->wakeup);
    uv_async_send(&core->wakeup);
    return HPy_Dup(ctx, ctx->h_None);
}

#define LOOP_GETTER(NAME, DOC, EXPR)                                          \
    HPyDef_METH(Loop_##NAME, #NAME, HPyFunc_NOARGS, .doc = DOC)               \
    static HPy Loop_##NAME##_impl(HPyContext *ctx, HPy self)                  \
    {                                                                         \
        uvcore_t *core = self_core(ctx, self, 1);                             \
        if (core == NULL)                                                     \
            return HPy_NULL;                                                  \
        return EXPR;                                                          \
    }

LOOP_GETTER(alive, "alive() -> bool (uv_loop_alive)",
            HPyBool_FromBool(ctx, uv_loop_alive(core->loop) != 0))
LOOP_GETTER(now, "now() -> int ms (uv_now)",
            HPyLong_FromUInt64_t(ctx, uv_now(core->loop)))
LOOP_GETTER(backend_fd, "backend_fd() -> int (uv_backend_fd)",
            HPyLong_FromInt32_t(ctx, uv_backend_fd(core->loop)))
LOOP_GETTER(backend_timeout, "backend_timeout() -> int ms (uv_backend_timeout)",
            HPyLong_FromInt32_t(ctx, uv_backend_timeout(core->loop)))

HPyDef_METH(Loop_update_time, "update_time", HPyFunc_NOARGS, .doc = "uv_update_time")
static HPy Loop_update_time_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 1);
    if (core == NULL)
        return HPy_NULL;
    uv_update_time(core->loop);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Loop_is_closed, "is_closed", HPyFunc_NOARGS, .doc = "is_closed() -> bool")
static HPy Loop_is_closed_impl(HPyContext *ctx, HPy self)
{
    return HPyBool_FromBool(ctx, self_core(ctx, self, 0)->closed != 0);
}

HPyDef_METH(Loop_is_running, "is_running", HPyFunc_NOARGS, .doc = "is_running() -> bool")
static HPy Loop_is_running_impl(HPyContext *ctx, HPy self)
{
    return HPyBool_FromBool(ctx, self_core(ctx, self, 0)->running != 0);
}

HPyDef_METH(Loop_is_default, "is_default", HPyFunc_NOARGS, .doc = "is_default() -> bool")
static HPy Loop_is_default_impl(HPyContext *ctx, HPy self)
{
    return HPyBool_FromBool(ctx, self_core(ctx, self, 0)->is_default != 0);
}

HPyDef_METH(Loop_open_handles, "open_handles", HPyFunc_NOARGS,
            .doc = "open_handles() -> int: handles not yet closed (those of the user and orphans)")
static HPy Loop_open_handles_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 0);
    long n = 0;
    if (!core->closed)
        for (bridge_t *b = core->blist.next; b != &core->blist; b = b->next)
            n++;
    return HPyLong_FromInt64_t(ctx, n);
}

HPyDef_METH(Loop_requests_in_flight, "requests_in_flight", HPyFunc_NOARGS,
            .doc = "requests_in_flight() -> int: requests started and not completed")
static HPy Loop_requests_in_flight_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 0);
    long n = 0;
    if (!core->closed)
        for (reqb_t *r = core->rlist.next; r != &core->rlist; r = r->next)
            n++;
    return HPyLong_FromInt64_t(ctx, n);
}

HPyDef_METH(Loop_cancel_requests, "cancel_requests", HPyFunc_NOARGS,
            .doc = "cancel_requests() -> int: uv_cancel every request of the "
                   "thread pool still queued (file system, lookups); their "
                   "callbacks get ECANCELED from the loop.  Returns how many")
static HPy Loop_cancel_requests_impl(HPyContext *ctx, HPy self)
{
    uvcore_t *core = self_core(ctx, self, 1);
    long n = 0;
    if (core == NULL)
        return HPy_NULL;
    /* uv_cancel only marks the work and wakes the loop: the callbacks run
     * from a later uv_run, so the list does not change under us */
    for (reqb_t *r = core->rlist.next; r != &core->rlist; r = r->next)
        if ((r->kind == UV_FS || r->kind == UV_GETADDRINFO
             || r->kind == UV_GETNAMEINFO || r->kind == UV_WORK)
            && uv_cancel(&r->u.req) == 0)
            n++;
    return HPyLong_FromInt64_t(ctx, n);
}

static HPyDef *Loop_defines[] = {
    &Loop_new, &Loop_traverse, &Loop_destroy,
    &Loop_run, &Loop_stop, &Loop_close, &Loop_check_closable, &Loop_wakeup,
    &Loop_signal_fd, &Loop_resume_after_signal, &Loop_select, &Loop_poke,
    &Loop_alive, &Loop_now, &Loop_backend_fd, &Loop_backend_timeout,
    &Loop_update_time, &Loop_is_closed, &Loop_is_running, &Loop_is_default,
    &Loop_open_handles, &Loop_requests_in_flight, &Loop_cancel_requests,
    NULL
};

HPyType_Spec Loop_spec = {
    .name = "uv._uv.Loop",
    .basicsize = sizeof(LoopObject),
    .builtin_shape = LoopObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Loop_defines,
    .doc = "The native loop: owns the uv_loop_t (use uv.Loop)",
};
