/* module.c: the module _uv, its types, its setup and libuv's constants. */
#include <signal.h>
#include <sys/socket.h>
#include "uvmod.h"

HPyGlobal g_dispatch[D_COUNT];
HPyGlobal g_LoopType;
HPyGlobal g_handle_types[K_COUNT];

/* the names of the dispatch helpers, in the order of the D_* enum */
static const char *dispatch_names[D_COUNT] = {
    [D_IDLE] = "idle", [D_PREPARE] = "prepare", [D_CHECK] = "check",
    [D_TIMEOUT] = "timeout", [D_WAKEUP] = "wakeup", [D_SIGNAL] = "signal",
    [D_CLOSED] = "closed", [D_LATER] = "later", [D_ERROR] = "error",
    [D_MAKE_ERROR] = "make_error", [D_READ] = "read", [D_READ_DATA] = "read_data",
    [D_CONNECTION] = "connection", [D_REQUEST] = "request",
    [D_WRITE_DONE] = "write_done", [D_COLLECT] = "collect",
    [D_RECEIVE] = "receive", [D_RECEIVED] = "received",
    [D_SEND_DONE] = "send_done", [D_POLL] = "poll",
    [D_ADDRESS4] = "address4", [D_ADDRESS6] = "address6",
    [D_EXIT] = "process_exit", [D_FS_EVENT] = "fs_event", [D_FS_POLL] = "fs_poll",
};

HPyDef_METH(mod_setup, "_setup", HPyFunc_O,
            .doc = "_setup(helpers: dict): install the Python dispatch helpers")
static HPy mod_setup_impl(HPyContext *ctx, HPy self, HPy helpers)
{
    int i;
    if (!HPyDict_Check(ctx, helpers)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "_setup needs a dict");
        return HPy_NULL;
    }
    for (i = 0; i < D_COUNT; i++) {
        HPy fn = HPy_GetItem_s(ctx, helpers, dispatch_names[i]);
        if (HPy_IsNull(fn))
            return HPy_NULL;
        if (!HPyCallable_Check(ctx, fn)) {
            HPy_Close(ctx, fn);
            HPyErr_SetString(ctx, ctx->h_TypeError, "dispatch helpers must be callable");
            return HPy_NULL;
        }
        HPyGlobal_Store(ctx, &g_dispatch[i], fn);
        HPy_Close(ctx, fn);
    }
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(mod_dispatch_names, "dispatch_names", HPyFunc_NOARGS,
            .doc = "dispatch_names() -> tuple of the helper names _setup expects")
static HPy mod_dispatch_names_impl(HPyContext *ctx, HPy self)
{
    HPy items[D_COUNT];
    int i;
    for (i = 0; i < D_COUNT; i++) {
        items[i] = HPyUnicode_FromString(ctx, dispatch_names[i]);
        if (HPy_IsNull(items[i])) {
            while (--i >= 0)
                HPy_Close(ctx, items[i]);
            return HPy_NULL;
        }
    }
    HPy t = HPyTuple_FromArray(ctx, items, D_COUNT);
    for (i = 0; i < D_COUNT; i++)
        HPy_Close(ctx, items[i]);
    return t;
}

HPyDef_METH(mod_version, "version", HPyFunc_NOARGS,
            .doc = "version() -> int: uv_version() of the libuv in use")
static HPy mod_version_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromUInt32_t(ctx, uv_version());
}

HPyDef_METH(mod_open_loops, "open_loops", HPyFunc_NOARGS,
            .doc = "open_loops() -> int: native loops not closed yet (collected ones are)")
static HPy mod_open_loops_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromInt64_t(ctx, g_open_loops);
}

HPyDef_METH(mod_hrtime, "hrtime", HPyFunc_NOARGS, .doc = "hrtime() -> ns")
static HPy mod_hrtime_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromUInt64_t(ctx, uv_hrtime());
}

static int add_int(HPyContext *ctx, HPy mod, const char *name, long value)
{
    HPy v = HPyLong_FromInt64_t(ctx, value);
    if (HPy_IsNull(v))
        return -1;
    int rc = HPy_SetAttr_s(ctx, mod, name, v);
    HPy_Close(ctx, v);
    return rc;
}

HPyDef_SLOT(mod_exec, HPy_mod_exec)
static int mod_exec_impl(HPyContext *ctx, HPy mod)
{
    /* kind: the handle kind of a native handle type (0: not a handle) */
    static struct { const char *name; HPyType_Spec *spec; unsigned kind; } types[] = {
        {"Loop", &Loop_spec, 0},
        {"Timer", &Timer_spec, K_TIMER}, {"Idle", &Idle_spec, K_IDLE},
        {"Prepare", &Prepare_spec, K_PREPARE}, {"Check", &Check_spec, K_CHECK},
        {"Async", &Async_spec, K_ASYNC}, {"Signal", &Signal_spec, K_SIGNAL},
        {"TCP", &TCP_spec, K_TCP},
        {"UDP", &UDP_spec, K_UDP}, {"Poll", &Poll_spec, K_POLL},
        {"TTY", &TTY_spec, K_TTY},
        {"ShutdownRequest", &ShutdownRequest_spec, 0},
        {"ConnectRequest", &ConnectRequest_spec, 0},
        {"GetAddrInfoRequest", &GetAddrInfoRequest_spec, 0},
        {"GetNameInfoRequest", &GetNameInfoRequest_spec, 0},
        {"Pipe", &Pipe_spec, K_PIPE},
        {"PipeConnectRequest", &PipeConnectRequest_spec, 0},
        {"Process", &Process_spec, K_PROCESS},
        {"FSEvent", &FSEvent_spec, K_FSEVENT}, {"FSPoll", &FSPoll_spec, K_FSPOLL},
        {"FSRequest", &FSRequest_spec, 0}, {"FSDir", &FSDir_spec, 0},
        {"FSBuffer", &FSBuffer_spec, 0},
    };
    for (int k = 0; k < K_COUNT; k++)
        HPyGlobal_Store(ctx, &g_handle_types[k], ctx->h_None);
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (!HPyHelpers_AddType(ctx, mod, types[i].name, types[i].spec, NULL))
            return -1;
        HPy t = HPy_GetAttr_s(ctx, mod, types[i].name);
        if (HPy_IsNull(t))
            return -1;
        if (types[i].spec == &Loop_spec)
            HPyGlobal_Store(ctx, &g_LoopType, t);
        else if (types[i].kind)
            HPyGlobal_Store(ctx, &g_handle_types[types[i].kind], t);
        HPy_Close(ctx, t);
    }
    for (int i = 0; i < D_COUNT; i++)
        HPyGlobal_Store(ctx, &g_dispatch[i], ctx->h_None);
    if (fs_module_init(ctx, mod) < 0)
        return -1;

#define INT_CONST(name) if (add_int(ctx, mod, #name, name) < 0) return -1;
    INT_CONST(UV_RUN_DEFAULT) INT_CONST(UV_RUN_ONCE) INT_CONST(UV_RUN_NOWAIT)
    INT_CONST(UV_READABLE) INT_CONST(UV_WRITABLE) INT_CONST(UV_DISCONNECT)
    INT_CONST(UV_PRIORITIZED)
    INT_CONST(UV_TCP_IPV6ONLY) INT_CONST(UV_UDP_IPV6ONLY) INT_CONST(UV_UDP_PARTIAL)
    INT_CONST(UV_UDP_REUSEADDR) INT_CONST(UV_UDP_MMSG_CHUNK)
    INT_CONST(UV_UDP_MMSG_FREE) INT_CONST(UV_UDP_LINUX_RECVERR)
    INT_CONST(UV_UDP_RECVMMSG) INT_CONST(UV_VERSION_HEX)
    INT_CONST(UV_JOIN_GROUP) INT_CONST(UV_LEAVE_GROUP)
    INT_CONST(UV_RENAME) INT_CONST(UV_CHANGE)
    INT_CONST(UV_FS_EVENT_WATCH_ENTRY) INT_CONST(UV_FS_EVENT_STAT)
    INT_CONST(UV_FS_EVENT_RECURSIVE)
    INT_CONST(UV_PROCESS_SETUID) INT_CONST(UV_PROCESS_SETGID)
    INT_CONST(UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS) INT_CONST(UV_PROCESS_DETACHED)
    INT_CONST(UV_PROCESS_WINDOWS_HIDE)
    INT_CONST(UV_PROCESS_WINDOWS_HIDE_CONSOLE) INT_CONST(UV_PROCESS_WINDOWS_HIDE_GUI)
    INT_CONST(UV_IGNORE) INT_CONST(UV_CREATE_PIPE) INT_CONST(UV_INHERIT_FD)
    INT_CONST(UV_INHERIT_STREAM) INT_CONST(UV_READABLE_PIPE) INT_CONST(UV_WRITABLE_PIPE)
    INT_CONST(AF_UNIX)
    INT_CONST(UV_TTY_MODE_NORMAL) INT_CONST(UV_TTY_MODE_RAW) INT_CONST(UV_TTY_MODE_IO)
    INT_CONST(UV_UNKNOWN_HANDLE) INT_CONST(UV_ASYNC) INT_CONST(UV_CHECK)
    INT_CONST(UV_FS_EVENT) INT_CONST(UV_FS_POLL) INT_CONST(UV_HANDLE) INT_CONST(UV_IDLE)
    INT_CONST(UV_NAMED_PIPE) INT_CONST(UV_POLL) INT_CONST(UV_PREPARE)
    INT_CONST(UV_PROCESS) INT_CONST(UV_STREAM) INT_CONST(UV_TCP) INT_CONST(UV_TIMER)
    INT_CONST(UV_TTY) INT_CONST(UV_UDP) INT_CONST(UV_SIGNAL) INT_CONST(UV_FILE)
    INT_CONST(UV_UNKNOWN_REQ) INT_CONST(UV_REQ) INT_CONST(UV_CONNECT)
    INT_CONST(UV_WRITE) INT_CONST(UV_SHUTDOWN) INT_CONST(UV_UDP_SEND)
    INT_CONST(UV_FS) INT_CONST(UV_WORK) INT_CONST(UV_GETADDRINFO)
    INT_CONST(UV_GETNAMEINFO)
    INT_CONST(AF_INET) INT_CONST(AF_INET6) INT_CONST(AF_UNSPEC)
    INT_CONST(UV_VERSION_HEX)
#undef INT_CONST
    return 0;
}

static HPyDef *module_defines[] = {
    &mod_exec, &mod_setup, &mod_dispatch_names, &mod_version, &mod_hrtime,
    &mod_open_loops, &mod_disable_stdio_inheritance,
    &errors_error_table, &errors_strerror, &errors_err_name,
    &dns_getaddrinfo, &dns_getnameinfo,
    MISC_DEFINES,
    &tty_reset_mode,
    &fs_call, &fs_setup, &fs_constants,
    NULL
};

static HPyGlobal *module_globals[D_COUNT + K_COUNT + FSG_COUNT + 2] = { NULL };

static HPyModuleDef moduledef = {
    .doc = "The native layer of uv: libuv handles, requests and the loop core.",
    .size = 0,
    .defines = module_defines,
    .globals = module_globals,
};

/* the globals array must list each HPyGlobal's address: fill it before the
 * interpreter reads the module definition */
__attribute__((constructor)) static void fill_globals(void)
{
    int i, n = 0;
    for (i = 0; i < D_COUNT; i++)
        module_globals[n++] = &g_dispatch[i];
    for (i = 0; i < K_COUNT; i++)
        module_globals[n++] = &g_handle_types[i];
    for (i = 0; i < FSG_COUNT; i++)
        module_globals[n++] = &g_fs[i];
    module_globals[n++] = &g_LoopType;
    module_globals[n] = NULL;
}

HPy_MODINIT(_uv, moduledef)
