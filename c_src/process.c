/* process.c: uv_process_t.
 *
 * The native object spawns the process when it is made:
 *   Process(loop, wrapper, file, args, env, cwd, flags, uid, gid, stdio)
 * with the program, the arguments and the environment as bytes (uv/process.py
 * converts str and PathLike and checks them; they are checked here again),
 * env a list of b"NAME=value" or None, cwd bytes or None, and stdio a list
 * of (flags, value) pairs: (UV_IGNORE, None), (UV_INHERIT_FD, fd),
 * (UV_INHERIT_STREAM, native stream), (UV_CREATE_PIPE | ..., native Pipe
 * without a file descriptor yet).  The C strings are copies made while the
 * interpreter lock is held, freed once uv_spawn returned; uv_spawn itself
 * (fork and exec) runs with the lock held.
 *
 * A running process is pending (PIN_ACTIVE) until its exit callback, which
 * libuv calls once it has reaped the child: a process nobody holds still
 * calls on_exit, and leaves no zombie.  A process handle closed while its
 * child runs (close(), Loop.close(), a loop collected) is no longer reaped
 * by libuv: bridge_closing() hands its pid to a small thread that waits for
 * it (process_closing), so that no zombie is left then either. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include "uvmod.h"

#define PROCESS_FLAGS (UV_PROCESS_DETACHED | UV_PROCESS_SETUID | UV_PROCESS_SETGID \
                       | UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS | UV_PROCESS_WINDOWS_HIDE \
                       | UV_PROCESS_WINDOWS_HIDE_CONSOLE | UV_PROCESS_WINDOWS_HIDE_GUI)
#define MAX_STDIO 4096

/* ---- orphans: children of closed process handles ---- */

static void *reap_orphan(void *arg)
{
    pid_t pid = (pid_t)(intptr_t)arg;
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
        ;
    return NULL;
}

void process_closing(bridge_t *b)
{
    pthread_t t;
    pthread_attr_t attr;
    sigset_t all, old;
    pid_t pid = b->u.process.pid;
    /* not started (spawn failed) or exited (libuv reaped it) */
    if (!uv_is_active(&b->u.handle) || pid <= 0)
        return;
    if (waitpid(pid, NULL, WNOHANG) != 0)
        return;                       /* reaped now, or not our child */
    if (pthread_attr_init(&attr) != 0)
        return;
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    /* the waiting thread takes no signal: they go to the interpreter's */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_create(&t, &attr, reap_orphan, (void *)(intptr_t)pid);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
}

/* ---- C strings from bytes ---- */

static char *cstr_copy(HPyContext *ctx, HPy h, const char *what)
{
    if (!HPyBytes_Check(ctx, h)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, what);
        return NULL;
    }
    size_t n = (size_t)HPyBytes_GET_SIZE(ctx, h);
    const char *s = HPyBytes_AS_STRING(ctx, h);
    if (memchr(s, '\0', n) != NULL) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "embedded null byte");
        return NULL;
    }
    char *c = malloc(n + 1);
    if (c == NULL) {
        HPyErr_NoMemory(ctx);
        return NULL;
    }
    memcpy(c, s, n);
    c[n] = '\0';
    return c;
}

static void strv_free(char **v)
{
    if (v == NULL)
        return;
    for (char **p = v; *p != NULL; p++)
        free(*p);
    free(v);
}

/* a NULL-terminated array of copies of a list or tuple of bytes */
static char **strv_copy(HPyContext *ctx, HPy seq, const char *what, int need_one)
{
    if (!HPyList_Check(ctx, seq) && !HPyTuple_Check(ctx, seq)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, what);
        return NULL;
    }
    HPy_ssize_t n = HPy_Length(ctx, seq);
    if (n < 0)
        return NULL;
    if (n == 0 && need_one) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "the arguments must name a program");
        return NULL;
    }
    char **v = calloc((size_t)n + 1, sizeof(char *));
    if (v == NULL) {
        HPyErr_NoMemory(ctx);
        return NULL;
    }
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, seq, i);
        if (HPy_IsNull(item) || (v[i] = cstr_copy(ctx, item, what)) == NULL) {
            HPy_Close(ctx, item);
            strv_free(v);
            return NULL;
        }
        HPy_Close(ctx, item);
    }
    return v;
}

/* ---- stdio ---- */

static int stdio_copy(HPyContext *ctx, uvcore_t *core, HPy seq,
                      uv_stdio_container_t **out, int *count)
{
    if (!HPyList_Check(ctx, seq) && !HPyTuple_Check(ctx, seq)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "stdio must be a list of (flags, value)");
        return -1;
    }
    HPy_ssize_t n = HPy_Length(ctx, seq);
    if (n < 0)
        return -1;
    if (n > MAX_STDIO) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "too many stdio slots");
        return -1;
    }
    uv_stdio_container_t *c = calloc((size_t)n + 1, sizeof(*c));
    if (c == NULL) {
        HPyErr_NoMemory(ctx);
        return -1;
    }
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, seq, i), flags_h = HPy_NULL, value = HPy_NULL;
        int64_t flags, fd;
        bridge_t *s;
        int ok = 0;
        if (HPy_IsNull(item))
            goto fail;
        if (!HPyTuple_Check(ctx, item) || HPy_Length(ctx, item) != 2) {
            HPyErr_SetString(ctx, ctx->h_TypeError, "a stdio slot is a (flags, value) tuple");
            goto item_done;
        }
        flags_h = HPy_GetItem_i(ctx, item, 0);
        value = HPy_GetItem_i(ctx, item, 1);
        if (HPy_IsNull(flags_h) || HPy_IsNull(value)
            || arg_int64(ctx, flags_h, "stdio flags must be an int", &flags) < 0)
            goto item_done;
        if (flags == UV_IGNORE) {
            c[i].flags = UV_IGNORE;
        } else if (flags == UV_INHERIT_FD) {
            if (arg_int64(ctx, value, "an inherited file descriptor must be an int", &fd) < 0)
                goto item_done;
            if (fd < 0 || fd > INT32_MAX) {
                uv_raise(ctx, UV_EBADF);
                goto item_done;
            }
            c[i].flags = UV_INHERIT_FD;
            c[i].data.fd = (int)fd;
        } else if (flags == UV_INHERIT_STREAM) {
            s = handle_arg(ctx, value, KINDS_STREAM,
                           "an inherited stream must be a native TCP, Pipe or TTY");
            if (s == NULL)
                goto item_done;
            c[i].flags = UV_INHERIT_STREAM;
            c[i].data.stream = &s->u.stream;
        } else if ((flags & UV_CREATE_PIPE)
                   && !(flags & ~(int64_t)(UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE))) {
            uv_os_fd_t pfd;
            s = handle_arg(ctx, value, KIND_BIT(K_PIPE), "UV_CREATE_PIPE needs a native Pipe");
            if (s == NULL)
                goto item_done;
            if (s->core != core) {
                HPyErr_SetString(ctx, ctx->h_ValueError,
                                 "a pipe for the child must be on the process's loop");
                goto item_done;
            }
            /* libuv opens it after the child started: it must be free now,
             * and given once (else the child would run unreported) */
            if (uv_fileno(&s->u.handle, &pfd) == 0) {
                uv_raise(ctx, UV_EBUSY);
                goto item_done;
            }
            for (HPy_ssize_t j = 0; j < i; j++)
                if ((c[j].flags & UV_CREATE_PIPE) && c[j].data.stream == &s->u.stream) {
                    HPyErr_SetString(ctx, ctx->h_ValueError,
                                     "the same pipe is given for two stdio slots");
                    goto item_done;
                }
            c[i].flags = (uv_stdio_flags)flags;
            c[i].data.stream = &s->u.stream;
        } else {
            HPyErr_SetString(ctx, ctx->h_ValueError, "unknown stdio flags");
            goto item_done;
        }
        ok = 1;
    item_done:
        HPy_Close(ctx, flags_h);
        HPy_Close(ctx, value);
        HPy_Close(ctx, item);
        if (!ok)
            goto fail;
    }
    *out = c;
    *count = (int)n;
    return 0;
fail:
    free(c);
    return -1;
}

/* ---- the Process type ---- */

static void exit_cb(uv_process_t *p, int64_t exit_status, int term_signal)
{
    bridge_t *b = p->data;
    uvcore_t *core = b->core;
    gil_ensure(core);
    CORE_DRAIN(core);
    HPyContext *ctx = core->ctx;
    HPy w = bridge_wrapper(core, b);
    if (HPy_IsNull(w))
        return;
    /* no longer pending inside on_exit: w keeps it alive until the end */
    bridge_unpin(ctx, core->h_loop, b, PIN_ACTIVE);
    HPy st = HPyLong_FromInt64_t(ctx, exit_status);
    HPy sig = HPyLong_FromInt32_t(ctx, term_signal);
    if (HPy_IsNull(st) || HPy_IsNull(sig)) {
        core->fatal = 1;
        uv_stop(core->loop);
    } else {
        core_dispatch(core, D_EXIT, w, st, sig, 3);
    }
    HPy_Close(ctx, st);
    HPy_Close(ctx, sig);
    HPy_Close(ctx, w);
}

HPyDef_SLOT(Process_new, HPy_tp_new)
static HPy Process_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                            HPy_ssize_t nargs, HPy kw)
{
    uv_process_options_t opt;
    char *file = NULL, **argv = NULL, **env = NULL, *cwd = NULL;
    uv_stdio_container_t *stdio = NULL;
    int nstdio = 0;
    int64_t flags, uid, gid;
    bridge_t *b;
    HPy h = HPy_NULL;
    if (nargs != 10 || !HPy_IsNull(kw)) {
        HPyErr_SetString(ctx, ctx->h_TypeError,
                         "Process(loop, wrapper, file, args, env, cwd, flags, uid, gid, stdio)");
        return HPy_NULL;
    }
    uvcore_t *core = loop_core_from(ctx, args[0]);
    if (core == NULL)
        return HPy_NULL;
    if ((file = cstr_copy(ctx, args[2], "the program must be bytes")) == NULL
        || (argv = strv_copy(ctx, args[3], "the arguments must be a list of bytes", 1)) == NULL)
        goto out;
    if (!HPy_Is(ctx, args[4], ctx->h_None)
        && (env = strv_copy(ctx, args[4], "env must be a list of bytes", 0)) == NULL)
        goto out;
    if (!HPy_Is(ctx, args[5], ctx->h_None)
        && (cwd = cstr_copy(ctx, args[5], "cwd must be bytes")) == NULL)
        goto out;
    if (arg_int_range(ctx, args[6], "flags must be an int", 0, UINT32_MAX, &flags) < 0
        || arg_int_range(ctx, args[7], "uid must be an int", 0, UINT32_MAX, &uid) < 0
        || arg_int_range(ctx, args[8], "gid must be an int", 0, UINT32_MAX, &gid) < 0)
        goto out;
    if (flags & ~(int64_t)PROCESS_FLAGS) {
        uv_raise(ctx, UV_EINVAL);     /* libuv asserts on unknown flags */
        goto out;
    }
    if (stdio_copy(ctx, core, args[9], &stdio, &nstdio) < 0)
        goto out;
    h = handle_new(ctx, type, args[0], K_PROCESS, &b);
    if (HPy_IsNull(h))
        goto out;
    memset(&opt, 0, sizeof(opt));
    opt.exit_cb = exit_cb;
    opt.file = file;
    opt.args = argv;
    opt.env = env;
    opt.cwd = cwd;
    opt.flags = (unsigned int)flags;
    opt.uid = (uv_uid_t)uid;
    opt.gid = (uv_gid_t)gid;
    opt.stdio_count = nstdio;
    opt.stdio = stdio;
    int rc = uv_spawn(core->loop, &b->u.process, &opt);
    /* uv_spawn initialises the handle even when it fails: it must be
     * closed either way (the native object's death closes it) */
    bridge_opened(b);
    if (rc < 0) {
        HPy_Close(ctx, h);
        h = HPy_NULL;
        uv_raise(ctx, rc);
        goto out;
    }
    bridge_pin(ctx, args[0], b, args[1], PIN_ACTIVE);
out:
    free(file);
    free(cwd);
    strv_free(argv);
    strv_free(env);
    free(stdio);
    return h;
}

HPyDef_METH(Process_kill, "kill", HPyFunc_O, .doc = "kill(signum): uv_process_kill")
static HPy Process_kill_impl(HPyContext *ctx, HPy self, HPy hsig)
{
    int64_t signum;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (arg_int64(ctx, hsig, "a signal number must be an int", &signum) < 0) {
        if (HPyErr_ExceptionMatches(ctx, ctx->h_OverflowError)) {
            HPyErr_Clear(ctx);
            return uv_raise(ctx, UV_EINVAL);
        }
        return HPy_NULL;
    }
    if (signum < 0 || signum > 64)
        return uv_raise(ctx, UV_EINVAL);
    /* once exited and reaped, the pid may belong to another process */
    if (!uv_is_active(&b->u.handle))
        return uv_raise(ctx, UV_ESRCH);
    int rc = uv_process_kill(&b->u.process, (int)signum);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Process_get_pid, "get_pid", HPyFunc_NOARGS, .doc = "get_pid() -> int")
static HPy Process_get_pid_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    return HPyLong_FromInt32_t(ctx, (int32_t)b->u.process.pid);
}

static HPyDef *Process_defines[] = {
    HANDLE_COMMON_DEFINES, &Process_new, &Process_kill, &Process_get_pid, NULL
};

HPyType_Spec Process_spec = {
    .name = "uv._uv.Process",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Process_defines,
    .doc = "native uv_process_t (use uv.Process)",
};

HPyDef_METH(mod_disable_stdio_inheritance, "disable_stdio_inheritance", HPyFunc_NOARGS,
            .doc = "uv_disable_stdio_inheritance()")
static HPy mod_disable_stdio_inheritance_impl(HPyContext *ctx, HPy self)
{
    uv_disable_stdio_inheritance();
    return HPy_Dup(ctx, ctx->h_None);
}
