/* uvmod.h: the structures and helpers every file of the native layer shares.
 *
 * The shape (DESIGN.md sections 3-6):
 *
 *   Python wrapper (uv.Timer, ...)  --owns-->  native handle object (HandleObject)
 *                                                  |  b (C pointer)
 *                                                  v
 *   core (uvcore_t, malloc'd)  <--core--  bridge (bridge_t, malloc'd, holds the uv handle)
 *
 * - A bridge is malloc'd memory that libuv may point to until its close
 *   callback has run; it is freed once both the libuv side is closed and the
 *   native object is gone (bridge_release).
 * - While a handle is *pending* (some pin bit is set), its bridge holds an
 *   HPyField to the Python wrapper, stored with the native loop object as
 *   owner; the loop's tp_traverse visits it.  Callbacks load the wrapper from
 *   that field.
 * - The core is the loop's C state; it outlives nothing it does not own:
 *   every path checks a bridge's flags before touching its core.
 * - Python callbacks run through dispatch helpers written in Python
 *   (uv/_dispatch.py) that return the exception they caught, so that C never
 *   has to fetch an exception (HPy 0.9 cannot).
 */
#ifndef UVMOD_H
#define UVMOD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <uv.h>
#include "hpy.h"

/* ---- fence: HPy functions that dispatch to the wrong function on PyPy ----
 * PyPy 7.3.19's HPyContext has one member more than hpy 0.9.0's header
 * (h_DictType after h_Builtins): every context function declared after
 * h_Builtins calls something else on PyPy.  Each name below becomes an
 * undeclared identifier, and the build treats implicit declarations as
 * errors, so using one fails to compile.  HPyMember_OBJECT is unsafe in
 * universal mode on CPython, and C types stay final (no BASETYPE flag). */
#define HPy_Call                         uv_forbidden__HPy_Call__shifted_on_PyPy
#define HPy_CallMethod                   uv_forbidden__HPy_CallMethod__shifted_on_PyPy
#define HPyCapsule_New                   uv_forbidden__HPyCapsule_New__shifted_on_PyPy
#define HPyCapsule_Get                   uv_forbidden__HPyCapsule_Get__shifted_on_PyPy
#define HPyCapsule_IsValid               uv_forbidden__HPyCapsule_IsValid__shifted_on_PyPy
#define HPyCapsule_Set                   uv_forbidden__HPyCapsule_Set__shifted_on_PyPy
#define HPy_Compile_s                    uv_forbidden__HPy_Compile_s__shifted_on_PyPy
#define HPy_EvalCode                     uv_forbidden__HPy_EvalCode__shifted_on_PyPy
#define HPyContextVar_New                uv_forbidden__HPyContextVar_New__shifted_on_PyPy
#define HPyContextVar_Get                uv_forbidden__HPyContextVar_Get__shifted_on_PyPy
#define HPyContextVar_Set                uv_forbidden__HPyContextVar_Set__shifted_on_PyPy
#define HPyType_GetName                  uv_forbidden__HPyType_GetName__shifted_on_PyPy
#define HPyType_IsSubtype                uv_forbidden__HPyType_IsSubtype__shifted_on_PyPy
#define HPyUnicode_FromEncodedObject     uv_forbidden__HPyUnicode_FromEncodedObject__shifted_on_PyPy
#define HPyUnicode_Substring             uv_forbidden__HPyUnicode_Substring__shifted_on_PyPy
#define HPyDict_Keys                     uv_forbidden__HPyDict_Keys__shifted_on_PyPy
#define HPyDict_Copy                     uv_forbidden__HPyDict_Copy__shifted_on_PyPy
#define HPySlice_Unpack                  uv_forbidden__HPySlice_Unpack__shifted_on_PyPy
#define HPy_SetCallFunction              uv_forbidden__HPy_SetCallFunction__shifted_on_PyPy
#define HPyMember_OBJECT                 uv_forbidden__HPyMember_OBJECT__unsafe_in_universal_mode
#undef  HPy_TPFLAGS_BASETYPE
#define HPy_TPFLAGS_BASETYPE             uv_forbidden__BASETYPE__keep_C_types_final

/* ---- handle kinds ---- */
enum {
    K_ASYNC = 1, K_IDLE, K_PREPARE, K_CHECK, K_TIMER, K_SIGNAL,
    K_TCP, K_PIPE, K_TTY, K_UDP, K_POLL, K_PROCESS, K_FSEVENT, K_FSPOLL,
    K_COUNT
};
#define KIND_BIT(k)   (1u << (k))
#define KINDS_STREAM  (KIND_BIT(K_TCP) | KIND_BIT(K_PIPE) | KIND_BIT(K_TTY))
#define KINDS_ANY     (~0u)

/* ---- why a handle is pending (pin bits) ---- */
enum {
    PIN_ACTIVE  = 1u << 0,   /* started (timer, idle, signal, ...) */
    PIN_CLOSING = 1u << 1,   /* uv_close called, close callback not yet run */
    PIN_READING = 1u << 2,   /* read_start / listen / receive_start */
    PIN_SENT    = 1u << 3,   /* Async.send until its callback */
    PIN_USER    = 1u << 4,   /* set_pending() */
};

/* ---- bridge flags ---- */
enum {
    BF_OPEN      = 1u << 0,  /* the uv handle is initialised, close cb not run */
    BF_CLOSING   = 1u << 1,  /* uv_close called */
    BF_OBJ_ALIVE = 1u << 2,  /* the native object still exists */
    BF_QUEUED    = 1u << 3,  /* in the core's close queue */
};

#define UDP_ACACHE 16     /* peers whose addresses a loop keeps */

typedef struct uvcore_s uvcore_t;
typedef struct bridge_s bridge_t;
typedef struct reqb_s reqb_t;

struct bridge_s {
    union uv_any_handle u;
    uvcore_t *core;
    HPyField self;           /* the wrapper while pinned; owner: loop object */
    HPyField args;           /* (wrapper,) while pinned: 1-argument callbacks */
    bridge_t *prev, *next;   /* the core's list of open bridges */
    bridge_t *qnext;         /* the core's close queue */
    unsigned kind;
    unsigned flags;
    unsigned pins;
    uint64_t wseq, wdone;    /* writes / UDP sends started, completed (in order) */
    /* the writes in flight, oldest first, in a ring: their numbers are
     * wdone+1 .. wseq, so write n is at (wq_head + n - wdone - 1) % wq_cap */
    reqb_t **wq;
    size_t wq_cap, wq_head;
    size_t rsize;            /* streams: the most one read returns (0: the
                              * loop's buffer_size) */
    int kstate;              /* per kind: Poll: an error found by
                              * poll_check_fds, for the check phase to
                              * deliver (0: none); UDP: UDP_NOT_IP; TTY:
                              * TTY_BLOCKING_WRITES */
};

struct reqb_s {
    uvcore_t *core;
    HPyField self;           /* the request wrapper until its callback */
    reqb_t *prev, *next;     /* the core's list of requests in flight */
    unsigned kind;
    unsigned flags;          /* RF_* */
    void *mem;               /* memory the request owns (write data, ...) */
    size_t memlen;
    reqb_t *dnext;           /* the core's list of completed requests */
    bridge_t *stream;        /* a write's stream (valid until it completes) */
    bridge_t *owner;         /* completed without libuv: ECANCELED if this
                              * handle was closed before the completion ran */
    HPyField keep;           /* what libuv uses until the completion (the
                              * native handle a write sends over IPC); owner:
                              * the loop object */
    uint64_t seq;            /* a write's number on its stream */
    int status;              /* status of its completion */
    union uv_any_req u;      /* last: only the part its type needs is allocated */
};

enum { RF_INFLIGHT = 1u << 0, RF_OBJ_ALIVE = 1u << 1, RF_DONE = 1u << 2,
       RF_PINNED = 1u << 3 /* self holds the wrapper: call it back */ };

/* dispatch helpers (uv/_dispatch.py), loaded once per run() */
enum {
    D_IDLE, D_PREPARE, D_CHECK, D_TIMEOUT, D_WAKEUP, D_SIGNAL, D_CLOSED,
    D_LATER, D_ERROR, D_MAKE_ERROR,
    D_READ, D_READ_DATA, D_CONNECTION, D_REQUEST, D_WRITE_DONE, D_COLLECT,
    D_RECEIVE, D_RECEIVED, D_SEND_DONE, D_POLL,
    D_ADDRESS4, D_ADDRESS6,      /* uv.Address4 / uv.Address6 (the classes) */
    D_EXIT, D_FS_EVENT, D_FS_POLL,
    D_COUNT
};

struct uvcore_s {
    uv_loop_t loop_storage;
    uv_loop_t *loop;           /* &loop_storage or uv_default_loop() */
    int is_default;
    int closed;
    /* internal handles: wake-up (call_later, close queue), GIL release */
    uv_async_t wakeup;
    uv_prepare_t prepare;
    uv_check_t check;
    /* the close queue and the call_later flag, shared with other threads */
    uv_mutex_t qlock;
    bridge_t *queue;
    int later_pending;
    /* bridges with an open uv handle, requests in flight */
    bridge_t blist;            /* sentinel */
    reqb_t rlist;              /* sentinel */
    /* state valid while run() executes */
    int running;
    uv_thread_t run_thread;
    uv_run_mode mode;
    HPyContext *ctx;           /* NULL outside run(): callbacks call no Python */
    HPy h_loop;                /* the native loop object */
    HPy h_wrapper;             /* the Python Loop */
    HPy disp[D_COUNT];
    int released;              /* interpreter lock released around the poll */
    HPyThreadState tstate;
    int fatal;                 /* an error is set that run() must return */
    /* why the poll will not block */
    int idle_active;
    int closing;
    /* Asyncs that are open and not closing: an Async is active while not
     * pending, so only a collection can tell whether one that nobody holds
     * is what keeps the loop alive (core_collect_if_only_asyncs) */
    int asyncs;
    int unpinned;              /* a bridge stopped being pending since the last look */
    /* requests completed without libuv (a write sent at once): their
     * callbacks run from the idle phase of the next iteration */
    uv_idle_t done_idle;
    reqb_t *done_head, *done_tail;
    /* Python's signal wake-up fd while run() waits (Loop.run sets it with
     * signal.set_wakeup_fd): a signal wakes the poll and stops the loop at
     * the end of the iteration, Python's own handlers run (and may raise,
     * KeyboardInterrupt for Ctrl-C) as soon as run() returns, and Loop.run
     * goes on running unless something else stopped the loop too */
    uv_poll_t sigpoll;
    int sigfd[2];
    int signal_stop, user_stop;
    /* loop-owned read buffer: rbuf_cap bytes, allocated at the first read;
     * rbuf_size is the loop's buffer_size, what a read asks for unless its
     * stream has a read_buffer_size of its own (bridge rsize) */
    char *rbuf;
    size_t rbuf_cap;
    size_t rbuf_size;
    /* record mode (Loop.select, for uv.aio): while it runs, what callbacks
     * would dispatch is appended to `events` (which, args, which, args...)
     * instead of calling Python; signals read from the wake-up fd are
     * recorded as D_SIGNAL (loop wrapper, signum) */
    int recording;
    HPy events;
    uv_timer_t select_timer;   /* bounds the wait of select(timeout) */
    int select_timer_open;
    /* the receive buffer of UDP handles that use recvmmsg (UDP_MMSG_BUF
     * bytes: libuv reads one datagram per 64 KiB of it) */
    char *ubuf;
    /* open Poll handles, and those whose fd was found closed (poll.c) */
    int polls;
    int poll_errors;
    /* the Address4/Address6 objects of the last UDP peers (udp.c): a peer
     * that sends again gets the same object, and a send to the object
     * received last needs no parsing.  The objects are held with the loop
     * object as owner (traversed like the bridges' fields). */
    struct {
        struct sockaddr_in6 key;   /* normalized: family, port, address */
        HPyField obj;
    } acache[UDP_ACACHE];
    unsigned acache_next;          /* the slot replaced next */
    int acache_last;               /* the slot handed out last, -1: none */
};

/* the native objects */
typedef struct { uvcore_t *core; } LoopObject;
HPyType_HELPERS(LoopObject)

typedef struct { bridge_t *b; HPyField loop; } HandleObject;
HPyType_HELPERS(HandleObject)

typedef struct { reqb_t *r; HPyField loop; } RequestObject;
HPyType_HELPERS(RequestObject)



/* ---- globals ---- */
extern HPyGlobal g_dispatch[D_COUNT];      /* set by _uv._setup() */
extern HPyGlobal g_LoopType;
extern HPyGlobal g_handle_types[K_COUNT];  /* the native type of each kind */
extern long g_open_loops;                  /* native loops not closed yet */

/* ---- errors.c ---- */
/* raise the uv exception for a libuv status (negative) and return HPy_NULL */
HPy uv_raise(HPyContext *ctx, int status);
int uv_raise_i(HPyContext *ctx, int status);   /* same, returns -1 */
#define ERR_CLOSED_HANDLE   1   /* pseudo statuses understood by _make_error */
#define ERR_CLOSED_LOOP     2
#define ERR_WRONG_THREAD    3
#define ERR_RUNNING         4
extern HPyDef errors_error_table;
extern HPyDef errors_strerror;
extern HPyDef errors_err_name;

/* ---- loop.c ---- */
extern HPyType_Spec Loop_spec;
static inline void gil_ensure(uvcore_t *core)
{
    if (core->released) {
        HPy_ReenterPythonExecution(core->ctx, core->tstate);
        core->released = 0;
    }
}
int core_check_thread(HPyContext *ctx, uvcore_t *core);  /* -1 + error if foreign */
void core_wakeup(uvcore_t *core);
void core_process_queue(uvcore_t *core);
/* call a dispatch helper with 1-3 arguments; handles a returned exception */
void core_dispatch(uvcore_t *core, int which, HPy a, HPy b, HPy c, int nargs);
/* the same with the argument tuple ready: a pinned bridge's (wrapper,) */
void core_dispatch_tuple(uvcore_t *core, int which, HPy args);
HPy bridge_args(uvcore_t *core, bridge_t *b);
void bridge_dispatch1(uvcore_t *core, bridge_t *b, int which);
uvcore_t *loop_core_from(HPyContext *ctx, HPy loop);  /* NULL + error */

/* ---- handle.c ---- */
/* K_x if h is a native handle object (of any kind), 0 otherwise */
unsigned native_handle_kind(HPyContext *ctx, HPy h);
/* the bridge of a native handle given as an argument: checks that h is a
 * native handle of one of `kinds` (KIND_BIT mask; TypeError naming `what`)
 * and that it is usable (as handle_usable) */
bridge_t *handle_arg(HPyContext *ctx, HPy h, unsigned kinds, const char *what);
#define HANDLE_COMMON_DEFINES \
    &Handle_close, &Handle_is_active, &Handle_is_closing, &Handle_is_closed, \
    &Handle_ref, &Handle_unref, &Handle_has_ref, &Handle_fileno, \
    &Handle_get_send_buffer_size, &Handle_set_send_buffer_size, \
    &Handle_get_recv_buffer_size, &Handle_set_recv_buffer_size, \
    &Handle_set_pending, &Handle_clear_pending, &Handle_is_pending, \
    &Handle_traverse, &Handle_destroy
extern HPyDef Handle_close, Handle_is_active, Handle_is_closing, Handle_is_closed,
    Handle_ref, Handle_unref, Handle_has_ref, Handle_fileno,
    Handle_get_send_buffer_size, Handle_set_send_buffer_size,
    Handle_get_recv_buffer_size, Handle_set_recv_buffer_size,
    Handle_set_pending, Handle_clear_pending, Handle_is_pending,
    Handle_traverse, Handle_destroy;

/* create a native handle object of type `type` for loop `loop`; the bridge
 * is allocated and linked but the uv handle is not initialised: call
 * bridge_opened() after a successful uv_xxx_init (else just close it). */
HPy handle_new(HPyContext *ctx, HPy type, HPy loop, unsigned kind, bridge_t **out);
void bridge_opened(bridge_t *b);
/* the bridge of a native handle that is usable: open, not closing, and the
 * calling thread may use the loop; NULL with ClosedHandleError otherwise */
bridge_t *handle_usable(HPyContext *ctx, HPy h);
/* same but NULL without error for a closed/closing handle (stop-like) */
bridge_t *handle_stoppable(HPyContext *ctx, HPy h, int *err);
void bridge_pin(HPyContext *ctx, HPy loop, bridge_t *b, HPy wrapper, unsigned bit);
void bridge_unpin(HPyContext *ctx, HPy loop, bridge_t *b, unsigned bit);
void handle_pin(HPyContext *ctx, HPy self, bridge_t *b, HPy wrapper, unsigned bit);
void handle_unpin(HPyContext *ctx, HPy self, bridge_t *b, unsigned bit);
HPy handle_loop(HPyContext *ctx, HPy h);      /* new handle to the native loop */
HPy bridge_wrapper(uvcore_t *core, bridge_t *b); /* new handle or HPy_NULL */
void bridge_close(uvcore_t *core, bridge_t *b); /* uv_close with the common cb */
/* called just before any uv_close of a bridge: the per-kind bookkeeping
 * (idle count, Async count, a signal's disposition) */
void bridge_closing(uvcore_t *core, bridge_t *b);
/* a bridge stopped being pending: the loop may have to look for Asyncs
 * that nobody holds (see uvcore_s.asyncs) */
static inline void core_note_unpinned(uvcore_t *core) { core->unpinned = 1; }

/* 0 if fd is an open file descriptor, else the libuv status (UV_EBADF) */
int fd_open(int fd);
/* a file descriptor argument that is open: TypeError for a non-int,
 * BadFileDescriptorError (EBADF) for a negative or huge one and for one
 * that is not open */
int arg_fd(HPyContext *ctx, HPy h, int *fd);

/* ---- request.c ---- */
extern HPyDef Request_cancel, Request_is_finished, Request_traverse,
    Request_destroy;
#define REQUEST_COMMON_DEFINES \
    &Request_cancel, &Request_is_finished, &Request_traverse, \
    &Request_destroy
HPy request_new(HPyContext *ctx, HPy type, HPy loop, unsigned kind, reqb_t **out);
/* the request was handed to libuv; with a wrapper (not HPy_NULL) it is
 * pinned and its wrapper is called back, without one it completes silently */
void reqb_start(HPyContext *ctx, HPy loop, reqb_t *r, HPy wrapper);
HPy request_loop(HPyContext *ctx, HPy req);   /* new handle to the native loop */
/* a request without a native object (writes): freed when it completes */
reqb_t *reqb_alloc(uvcore_t *core, unsigned kind);
HPy request_type_new(HPyContext *ctx, HPy type, const HPy *args,
                     HPy_ssize_t nargs, unsigned kind);
reqb_t *request_unstarted(HPyContext *ctx, HPy self);
HPy request_started(HPyContext *ctx, HPy self, reqb_t *r, HPy wrapper, int rc);
/* the libuv callback of a request: earlier completions first, then r's */
void reqb_libuv_done(reqb_t *r, int status);
/* called by a request's libuv callback: runs the Python callback with the
 * status through D_REQUEST and releases the request */
void reqb_complete(reqb_t *r, int status);
/* complete a started request from the loop's idle phase, as if libuv had */
void reqb_complete_later(reqb_t *r, int status);
void core_run_done(uvcore_t *core);
void core_done_nonblocking(uvcore_t *core);  /* the next poll must not block */
/* Completions from the done list come before any later libuv callback of a
 * stream or request (read, write, shutdown, connect, close): each such
 * callback drains the list first, so callbacks keep the order of the calls. */
#define CORE_DRAIN(core) do { if ((core)->done_head) core_run_done(core); } while (0)
/* the common close callback (for uv_tcp_close_reset) */
void bridge_close_cb(uv_handle_t *h);
void bridge_close_with(uvcore_t *core, bridge_t *b, int reset);
/* close(wrapper) and close_reset(wrapper): pin for the close callback, close */
HPy handle_close(HPyContext *ctx, HPy self, HPy wrapper, int reset);

/* ---- stream.c ---- */
#define STREAM_COMMON_DEFINES \
    &Stream_read_start, &Stream_read_stop, &Stream_try_write, &Stream_listen, \
    &Stream_accept, &Stream_is_readable, &Stream_is_writable, \
    &Stream_write_queue_size, &Stream_write, &Stream_writes_done, &Stream_pin_write, \
    &Stream_get_read_buffer_size, &Stream_set_read_buffer_size
extern HPyDef Stream_read_start, Stream_read_stop, Stream_try_write, Stream_listen,
    Stream_accept, Stream_is_readable, Stream_is_writable, Stream_write_queue_size,
    Stream_write, Stream_writes_done, Stream_pin_write,
    Stream_get_read_buffer_size, Stream_set_read_buffer_size;
/* the loop's read buffer, at least `want` bytes (NULL: out of memory) */
char *core_read_buffer(uvcore_t *core, size_t want);
#define READ_BUFFER_MAX ((size_t)1 << 30)
int stream_kind(unsigned kind);
/* a write of r->stream completed (the oldest in flight): unlink it */
void stream_write_done(reqb_t *r);
/* the stream's write queue, freed with its bridge */
void stream_free_queue(bridge_t *b);
/* sockaddr from (host, port, flowinfo, scope_id) objects; -1 + error */
int sockaddr_from_args(HPyContext *ctx, const HPy *args, struct sockaddr_storage *ss);
HPy sockaddr_to_tuple(HPyContext *ctx, const struct sockaddr *sa);

/* the memory of a write or UDP send (bufset_t: data as uv_buf_t's) */
#define NBUFS_STATIC 16
typedef struct {
    uv_buf_t *bufs;
    HPy *items;
    size_t n;
    size_t total;
    uv_buf_t sbufs[NBUFS_STATIC];
    HPy sitems[NBUFS_STATIC];
} bufset_t;
/* data: bytes, or a list/tuple of bytes; -1 + TypeError otherwise */
int bufset_init(HPyContext *ctx, bufset_t *bs, HPy data);
void bufset_release(HPyContext *ctx, bufset_t *bs);
/* what follows the first `skip` bytes, in one malloc'd block (NULL: no memory) */
char *bufset_copy_from(bufset_t *bs, size_t skip, size_t *len);
/* writes and UDP sends of a bridge complete in order: room for one more in
 * its ring (-1: no memory), and r started as the next one (pinned to req
 * unless req is HPy_NULL; keep, unless HPy_NULL, lives until r completes:
 * the native handle a write sends over IPC) */
int bridge_queue_reserve(bridge_t *b);
HPy bridge_queue_push(HPyContext *ctx, HPy self, bridge_t *b, reqb_t *r, HPy req,
                      HPy keep);
/* an address: a (host, port) or (host, port, flowinfo, scope_id) tuple */
int sockaddr_from_tuple(HPyContext *ctx, HPy addr, struct sockaddr_storage *ss);

/* ---- udp.c ---- */
#define UDP_MMSG_BUF (20 * 65536)
#define UDP_NOT_IP 1     /* kstate: opened on a socket that is not IPv4/IPv6 */
/* forget the loop's cached peer addresses (Loop.close; ctx may be NULL) */
void udp_acache_clear(uvcore_t *core, HPyContext *ctx, HPy h_loop);

/* ---- poll.c ---- */
/* before the poll: stop the started Poll handles whose fd is closed or
 * cannot be watched (libuv would abort in epoll_ctl) and remember the
 * error; after the poll (check phase) their callbacks get it */
void poll_check_fds(uvcore_t *core);
void poll_deliver_errors(uvcore_t *core);
/* the poll of this iteration must not block (an internal idle handle) */
void core_dont_block(uvcore_t *core);

/* ---- tty.c ---- */
#define TTY_BLOCKING_WRITES 2   /* kstate: libuv writes to the terminal blocking */
/* a TTY handle is closed: its terminal gets back the mode it had before
 * set_mode() */
void tty_closing(bridge_t *b);
/* ---- process.c ---- */
/* a process handle is being closed: a child still running is reaped by a
 * thread of its own (libuv no longer waits for it) */
void process_closing(bridge_t *b);
extern HPyDef mod_disable_stdio_inheritance;

/* ---- signal.c ---- */
/* a signal handle stops watching signum: put back the process's own
 * disposition of it once no uv signal handle of any loop watches it */
void signal_stopping(bridge_t *b);

/* ---- fs.c ---- */
/* the result constructors of uv.fs (fs_setup) and the FSDir type */
enum { FSG_STAT, FSG_TIMESPEC, FSG_STATFS, FSG_DIRTYPE, FSG_BUFTYPE, FSG_COUNT };
extern HPyGlobal g_fs[FSG_COUNT];
extern HPyDef fs_call, fs_setup, fs_constants;
int fs_module_init(HPyContext *ctx, HPy mod);
/* a uv.fs.Stat for a uv_stat_t (a new handle, HPy_NULL + error) */
HPy fs_stat_new(HPyContext *ctx, const uv_stat_t *s);
/* a path argument: bytes without NUL (TypeError / ValueError otherwise);
 * the pointer is valid while the handle h is open */
const char *fs_path_arg(HPyContext *ctx, HPy h);

/* ---- per-kind types ---- */
extern HPyType_Spec Timer_spec, Idle_spec, Prepare_spec, Check_spec,
    Async_spec, Signal_spec, TCP_spec, ShutdownRequest_spec,
    ConnectRequest_spec, UDP_spec, Poll_spec, TTY_spec, Pipe_spec,
    PipeConnectRequest_spec, Process_spec, FSEvent_spec, FSPoll_spec,
    FSRequest_spec, FSDir_spec, FSBuffer_spec;
extern HPyDef tty_reset_mode;

/* ---- dns.c ---- */
extern HPyType_Spec GetAddrInfoRequest_spec, GetNameInfoRequest_spec;
extern HPyDef dns_getaddrinfo, dns_getnameinfo;

/* ---- misc.c: module functions ---- */
extern HPyDef misc_has, misc_guess_handle, misc_kill, misc_getpid, misc_getppid,
    misc_getpriority, misc_setpriority, misc_cpu_info,
    misc_interface_addresses, misc_available_parallelism, misc_cpumask_size,
    misc_loadavg, misc_uptime, misc_memory, misc_getrusage,
    misc_gettimeofday, misc_clock_gettime, misc_hostname, misc_uname,
    misc_get_passwd, misc_os_homedir, misc_os_tmpdir,
    misc_get_process_title, misc_set_process_title, misc_process_title_info;
#define MISC_DEFINES \
    &misc_has, &misc_guess_handle, &misc_kill, &misc_getpid, \
    &misc_getppid, &misc_getpriority, &misc_setpriority, &misc_cpu_info, \
    &misc_interface_addresses, &misc_available_parallelism, \
    &misc_cpumask_size, &misc_loadavg, &misc_uptime, &misc_memory, \
    &misc_getrusage, &misc_gettimeofday, &misc_clock_gettime, \
    &misc_hostname, &misc_uname, &misc_get_passwd, &misc_os_homedir, \
    &misc_os_tmpdir, &misc_get_process_title, &misc_set_process_title, \
    &misc_process_title_info

/* ---- request.c: the requests in flight of a loop (for the tests) ---- */

/* ---- small helpers ---- */
static inline int arg_int64(HPyContext *ctx, HPy h, const char *what, int64_t *out)
{
    if (!HPy_TypeCheck(ctx, h, ctx->h_LongType)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, what);
        return -1;
    }
    *out = HPyLong_AsInt64_t(ctx, h);
    if (*out == -1 && HPyErr_Occurred(ctx))
        return -1;
    return 0;
}

/* an int in [lo, hi]: TypeError (message `what`) for a non-int,
 * OverflowError outside the range */
static inline int arg_int_range(HPyContext *ctx, HPy h, const char *what,
                                int64_t lo, int64_t hi, int64_t *out)
{
    if (arg_int64(ctx, h, what, out) < 0)
        return -1;
    if (*out < lo || *out > hi) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "integer out of range");
        return -1;
    }
    return 0;
}

/* a uv_buf_t of any length: uv_buf_init takes an unsigned int length, which
 * would cut a buffer of 4 GiB or more */
static inline uv_buf_t buf_make(char *base, size_t len)
{
    uv_buf_t b;
    b.base = base;
    b.len = len;
    return b;
}
#define uv_buf_init uv_forbidden__uv_buf_init__truncates_at_4GiB__use_buf_make

#endif
