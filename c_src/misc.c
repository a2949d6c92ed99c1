/* misc.c: libuv's system queries (uv.misc).
 *
 * Plain functions of the module: results are tuples, which uv/misc.py turns
 * into named tuples.  Calls that may read files (/proc, cgroups) or ask the
 * name-service switch (passwd) run with the interpreter lock released;
 * calls that read the environment (HOME, TMPDIR) keep it, because Python
 * changes the environment while holding it.
 *
 * Functions newer than the oldest libuv we build against (1.44) are
 * compiled only when the header has them (UV_VERSION_HEX), and are weak
 * references: a binary built against a newer libuv still loads with an
 * older one, and the function then raises ENOTSUP.  misc_has(name) tells
 * uv/misc.py which of them work. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/socket.h>
#include "uvmod.h"

#define UVV(major, minor) (UV_VERSION_HEX >= (((major) << 16) | ((minor) << 8)))

#if UVV(1, 44)
#pragma weak uv_available_parallelism
#define HAVE_AVAILABLE_PARALLELISM 1
#endif
#if UVV(1, 45)
#pragma weak uv_get_available_memory
#pragma weak uv_clock_gettime
#pragma weak uv_cpumask_size
#define HAVE_1_45 1
#endif
#if UVV(1, 50)
#pragma weak uv_getrusage_thread
#define HAVE_RUSAGE_THREAD 1
#endif

#define NOGIL(stmt)                                                   \
    do {                                                              \
        HPyThreadState ts_ = HPy_LeavePythonExecution(ctx);           \
        stmt;                                                         \
        HPy_ReenterPythonExecution(ctx, ts_);                         \
    } while (0)

static HPy decode(HPyContext *ctx, const char *s)
{
    return HPyUnicode_DecodeFSDefault(ctx, s ? s : "");
}

static HPy tuple_steal(HPyContext *ctx, HPy *items, int n)
{
    HPy t = HPy_NULL;
    int i;
    for (i = 0; i < n; i++)
        if (HPy_IsNull(items[i]))
            goto out;
    t = HPyTuple_FromArray(ctx, items, n);
out:
    for (i = 0; i < n; i++)
        HPy_Close(ctx, items[i]);
    return t;
}

/* ---- which optional functions this binary and this libuv have ---- */

HPyDef_METH(misc_has, "misc_has", HPyFunc_O,
            .doc = "misc_has(name) -> bool: the libuv function `name` is available")
static HPy misc_has_impl(HPyContext *ctx, HPy self, HPy name)
{
    HPy_ssize_t len;
    const char *n = HPyUnicode_Check(ctx, name) ? HPyUnicode_AsUTF8AndSize(ctx, name, &len) : NULL;
    int has = 0;
    if (n == NULL) {
        if (!HPyErr_Occurred(ctx))
            HPyErr_SetString(ctx, ctx->h_TypeError, "misc_has needs a str");
        return HPy_NULL;
    }
#ifdef HAVE_AVAILABLE_PARALLELISM
    if (strcmp(n, "uv_available_parallelism") == 0)
        has = uv_available_parallelism != NULL;
#endif
#ifdef HAVE_1_45
    if (strcmp(n, "uv_get_available_memory") == 0)
        has = uv_get_available_memory != NULL;
    if (strcmp(n, "uv_clock_gettime") == 0)
        has = uv_clock_gettime != NULL;
    if (strcmp(n, "uv_cpumask_size") == 0)
        has = uv_cpumask_size != NULL;
#endif
#ifdef HAVE_RUSAGE_THREAD
    if (strcmp(n, "uv_getrusage_thread") == 0)
        has = uv_getrusage_thread != NULL;
#endif
    return HPyBool_FromBool(ctx, has);
}

/* ---- handles, processes ---- */

HPyDef_METH(misc_guess_handle, "misc_guess_handle", HPyFunc_O,
            .doc = "misc_guess_handle(fd) -> uv_handle_type (EBADF for an fd not open)")
static HPy misc_guess_handle_impl(HPyContext *ctx, HPy self, HPy fd)
{
    int64_t n;
    if (arg_int64(ctx, fd, "a file descriptor must be an int", &n) < 0)
        return HPy_NULL;
    if (n < 0 || n > INT32_MAX || fcntl((int)n, F_GETFD) < 0)
        return uv_raise(ctx, UV_EBADF);
    return HPyLong_FromInt32_t(ctx, (int32_t)uv_guess_handle((uv_file)n));
}

HPyDef_METH(misc_kill, "misc_kill", HPyFunc_VARARGS, .doc = "misc_kill(pid, signum)")
static HPy misc_kill_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int64_t pid, sig;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "kill(pid, signum)");
        return HPy_NULL;
    }
    if (arg_int_range(ctx, args[0], "pid must be an int", INT32_MIN, INT32_MAX, &pid) < 0
        || arg_int_range(ctx, args[1], "signum must be an int", INT32_MIN, INT32_MAX, &sig) < 0)
        return HPy_NULL;
    int rc = uv_kill((int)pid, (int)sig);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(misc_getpid, "misc_getpid", HPyFunc_NOARGS, .doc = "uv_os_getpid")
static HPy misc_getpid_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromInt64_t(ctx, uv_os_getpid());
}

HPyDef_METH(misc_getppid, "misc_getppid", HPyFunc_NOARGS, .doc = "uv_os_getppid")
static HPy misc_getppid_impl(HPyContext *ctx, HPy self)
{
    return HPyLong_FromInt64_t(ctx, uv_os_getppid());
}

HPyDef_METH(misc_getpriority, "misc_getpriority", HPyFunc_O, .doc = "misc_getpriority(pid)")
static HPy misc_getpriority_impl(HPyContext *ctx, HPy self, HPy h)
{
    int64_t pid;
    int prio;
    if (arg_int_range(ctx, h, "pid must be an int", INT32_MIN, INT32_MAX, &pid) < 0)
        return HPy_NULL;
    int rc = uv_os_getpriority((uv_pid_t)pid, &prio);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPyLong_FromInt32_t(ctx, prio);
}

HPyDef_METH(misc_setpriority, "misc_setpriority", HPyFunc_VARARGS,
            .doc = "misc_setpriority(pid, priority)")
static HPy misc_setpriority_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int64_t pid, prio;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "setpriority(pid, priority)");
        return HPy_NULL;
    }
    if (arg_int_range(ctx, args[0], "pid must be an int", INT32_MIN, INT32_MAX, &pid) < 0
        || arg_int_range(ctx, args[1], "priority must be an int", INT32_MIN, INT32_MAX,
                         &prio) < 0)
        return HPy_NULL;
    int rc = uv_os_setpriority((uv_pid_t)pid, (int)prio);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

/* ---- CPUs, network interfaces ---- */

HPyDef_METH(misc_cpu_info, "misc_cpu_info", HPyFunc_NOARGS,
            .doc = "misc_cpu_info() -> [(model, speed, user, nice, sys, idle, irq)]")
static HPy misc_cpu_info_impl(HPyContext *ctx, HPy self)
{
    uv_cpu_info_t *infos = NULL;
    int count = 0, rc;
    NOGIL(rc = uv_cpu_info(&infos, &count));
    if (rc < 0)
        return uv_raise(ctx, rc);
    HPy list = HPyList_New(ctx, 0);
    for (int i = 0; i < count && !HPy_IsNull(list); i++) {
        uv_cpu_info_t *c = &infos[i];
        HPy items[7] = {
            decode(ctx, c->model), HPyLong_FromInt32_t(ctx, c->speed),
            HPyLong_FromUInt64_t(ctx, c->cpu_times.user),
            HPyLong_FromUInt64_t(ctx, c->cpu_times.nice),
            HPyLong_FromUInt64_t(ctx, c->cpu_times.sys),
            HPyLong_FromUInt64_t(ctx, c->cpu_times.idle),
            HPyLong_FromUInt64_t(ctx, c->cpu_times.irq),
        };
        HPy t = tuple_steal(ctx, items, 7);
        if (HPy_IsNull(t) || HPyList_Append(ctx, list, t) < 0) {
            HPy_Close(ctx, list);
            list = HPy_NULL;
        }
        HPy_Close(ctx, t);
    }
    uv_free_cpu_info(infos, count);
    return list;
}

HPyDef_METH(misc_interface_addresses, "misc_interface_addresses", HPyFunc_NOARGS,
            .doc = "misc_interface_addresses() -> [(name, phys(6 bytes), internal, address, netmask)]")
static HPy misc_interface_addresses_impl(HPyContext *ctx, HPy self)
{
    uv_interface_address_t *addrs = NULL;
    int count = 0, rc;
    NOGIL(rc = uv_interface_addresses(&addrs, &count));
    if (rc < 0)
        return uv_raise(ctx, rc);
    HPy list = HPyList_New(ctx, 0);
    for (int i = 0; i < count && !HPy_IsNull(list); i++) {
        uv_interface_address_t *a = &addrs[i];
        int family = a->address.address4.sin_family;
        HPy items[5];
        items[0] = decode(ctx, a->name);
        items[1] = HPyBytes_FromStringAndSize(ctx, a->phys_addr, sizeof(a->phys_addr));
        items[2] = HPyBool_FromBool(ctx, a->is_internal != 0);
        if (family == AF_INET || family == AF_INET6) {
            items[3] = sockaddr_to_tuple(ctx, (const struct sockaddr *)&a->address);
            /* libuv fills the netmask's family in on Linux; keep it safe */
            a->netmask.netmask4.sin_family = (sa_family_t)family;
            items[4] = sockaddr_to_tuple(ctx, (const struct sockaddr *)&a->netmask);
        } else {
            items[3] = HPy_Dup(ctx, ctx->h_None);
            items[4] = HPy_Dup(ctx, ctx->h_None);
        }
        HPy t = tuple_steal(ctx, items, 5);
        if (HPy_IsNull(t) || HPyList_Append(ctx, list, t) < 0) {
            HPy_Close(ctx, list);
            list = HPy_NULL;
        }
        HPy_Close(ctx, t);
    }
    uv_free_interface_addresses(addrs, count);
    return list;
}

HPyDef_METH(misc_available_parallelism, "misc_available_parallelism", HPyFunc_NOARGS,
            .doc = "uv_available_parallelism (libuv >= 1.44)")
static HPy misc_available_parallelism_impl(HPyContext *ctx, HPy self)
{
#ifdef HAVE_AVAILABLE_PARALLELISM
    if (uv_available_parallelism != NULL) {
        unsigned int n;
        NOGIL(n = uv_available_parallelism());
        return HPyLong_FromUInt32_t(ctx, n);
    }
#endif
    return uv_raise(ctx, UV_ENOTSUP);
}

HPyDef_METH(misc_cpumask_size, "misc_cpumask_size", HPyFunc_NOARGS,
            .doc = "uv_cpumask_size (libuv >= 1.45)")
static HPy misc_cpumask_size_impl(HPyContext *ctx, HPy self)
{
#ifdef HAVE_1_45
    if (uv_cpumask_size != NULL) {
        int n = uv_cpumask_size();
        if (n < 0)
            return uv_raise(ctx, n);
        return HPyLong_FromInt32_t(ctx, n);
    }
#endif
    return uv_raise(ctx, UV_ENOTSUP);
}

/* ---- load, memory, time ---- */

HPyDef_METH(misc_loadavg, "misc_loadavg", HPyFunc_NOARGS, .doc = "uv_loadavg -> (1, 5, 15 min)")
static HPy misc_loadavg_impl(HPyContext *ctx, HPy self)
{
    double avg[3] = {0, 0, 0};
    NOGIL(uv_loadavg(avg));
    HPy items[3] = {HPyFloat_FromDouble(ctx, avg[0]), HPyFloat_FromDouble(ctx, avg[1]),
                    HPyFloat_FromDouble(ctx, avg[2])};
    return tuple_steal(ctx, items, 3);
}

HPyDef_METH(misc_uptime, "misc_uptime", HPyFunc_NOARGS, .doc = "uv_uptime -> seconds")
static HPy misc_uptime_impl(HPyContext *ctx, HPy self)
{
    double up = 0;
    int rc;
    NOGIL(rc = uv_uptime(&up));
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPyFloat_FromDouble(ctx, up);
}

HPyDef_METH(misc_memory, "misc_memory", HPyFunc_O,
            .doc = "misc_memory(which) -> bytes: 0 free, 1 total, 2 constrained, "
                   "3 available (libuv >= 1.45), 4 resident set of this process")
static HPy misc_memory_impl(HPyContext *ctx, HPy self, HPy which)
{
    int64_t w;
    uint64_t v = 0;
    int rc = 0;
    if (arg_int_range(ctx, which, "which must be an int", 0, 4, &w) < 0)
        return HPy_NULL;
    switch (w) {
    case 0: NOGIL(v = uv_get_free_memory()); break;
    case 1: NOGIL(v = uv_get_total_memory()); break;
    case 2: NOGIL(v = uv_get_constrained_memory()); break;
    case 3:
#ifdef HAVE_1_45
        if (uv_get_available_memory != NULL) {
            NOGIL(v = uv_get_available_memory());
            break;
        }
#endif
        return uv_raise(ctx, UV_ENOTSUP);
    case 4: {
        size_t rss = 0;
        NOGIL(rc = uv_resident_set_memory(&rss));
        v = rss;
        break;
    }
    }
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPyLong_FromUInt64_t(ctx, v);
}

static HPy rusage_tuple(HPyContext *ctx, const uv_rusage_t *u)
{
    HPy items[16] = {
        HPyFloat_FromDouble(ctx, (double)u->ru_utime.tv_sec + u->ru_utime.tv_usec / 1e6),
        HPyFloat_FromDouble(ctx, (double)u->ru_stime.tv_sec + u->ru_stime.tv_usec / 1e6),
        HPyLong_FromUInt64_t(ctx, u->ru_maxrss), HPyLong_FromUInt64_t(ctx, u->ru_ixrss),
        HPyLong_FromUInt64_t(ctx, u->ru_idrss), HPyLong_FromUInt64_t(ctx, u->ru_isrss),
        HPyLong_FromUInt64_t(ctx, u->ru_minflt), HPyLong_FromUInt64_t(ctx, u->ru_majflt),
        HPyLong_FromUInt64_t(ctx, u->ru_nswap), HPyLong_FromUInt64_t(ctx, u->ru_inblock),
        HPyLong_FromUInt64_t(ctx, u->ru_oublock), HPyLong_FromUInt64_t(ctx, u->ru_msgsnd),
        HPyLong_FromUInt64_t(ctx, u->ru_msgrcv), HPyLong_FromUInt64_t(ctx, u->ru_nsignals),
        HPyLong_FromUInt64_t(ctx, u->ru_nvcsw), HPyLong_FromUInt64_t(ctx, u->ru_nivcsw),
    };
    return tuple_steal(ctx, items, 16);
}

HPyDef_METH(misc_getrusage, "misc_getrusage", HPyFunc_O,
            .doc = "misc_getrusage(thread: bool) -> 16-tuple (uv_getrusage; "
                   "uv_getrusage_thread, libuv >= 1.50, for the calling thread)")
static HPy misc_getrusage_impl(HPyContext *ctx, HPy self, HPy thread)
{
    uv_rusage_t u;
    int rc, th = HPy_IsTrue(ctx, thread);
    if (th < 0)
        return HPy_NULL;
    memset(&u, 0, sizeof(u));
    if (th) {
#ifdef HAVE_RUSAGE_THREAD
        if (uv_getrusage_thread != NULL)
            rc = uv_getrusage_thread(&u);
        else
#endif
            rc = UV_ENOTSUP;
    } else {
        rc = uv_getrusage(&u);
    }
    if (rc < 0)
        return uv_raise(ctx, rc);
    return rusage_tuple(ctx, &u);
}

HPyDef_METH(misc_gettimeofday, "misc_gettimeofday", HPyFunc_NOARGS,
            .doc = "uv_gettimeofday -> (sec, usec)")
static HPy misc_gettimeofday_impl(HPyContext *ctx, HPy self)
{
    uv_timeval64_t tv;
    int rc = uv_gettimeofday(&tv);
    if (rc < 0)
        return uv_raise(ctx, rc);
    HPy items[2] = {HPyLong_FromInt64_t(ctx, tv.tv_sec), HPyLong_FromInt32_t(ctx, tv.tv_usec)};
    return tuple_steal(ctx, items, 2);
}

HPyDef_METH(misc_clock_gettime, "misc_clock_gettime", HPyFunc_O,
            .doc = "misc_clock_gettime(clock) -> (sec, nsec): uv_clock_gettime, "
                   "0 monotonic, 1 realtime (libuv >= 1.45)")
static HPy misc_clock_gettime_impl(HPyContext *ctx, HPy self, HPy clock)
{
    int64_t c;
    if (arg_int_range(ctx, clock, "the clock must be an int", INT32_MIN, INT32_MAX, &c) < 0)
        return HPy_NULL;
#ifdef HAVE_1_45
    if (uv_clock_gettime != NULL) {
        uv_timespec64_t ts;
        int rc = uv_clock_gettime((uv_clock_id)c, &ts);
        if (rc < 0)
            return uv_raise(ctx, rc);
        HPy items[2] = {HPyLong_FromInt64_t(ctx, ts.tv_sec),
                        HPyLong_FromInt32_t(ctx, ts.tv_nsec)};
        return tuple_steal(ctx, items, 2);
    }
#endif
    return uv_raise(ctx, UV_ENOTSUP);
}

/* ---- names of the system and the user ---- */

HPyDef_METH(misc_hostname, "misc_hostname", HPyFunc_NOARGS, .doc = "uv_os_gethostname")
static HPy misc_hostname_impl(HPyContext *ctx, HPy self)
{
    char buf[UV_MAXHOSTNAMESIZE];
    size_t size = sizeof(buf);
    int rc = uv_os_gethostname(buf, &size);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return decode(ctx, buf);
}

HPyDef_METH(misc_uname, "misc_uname", HPyFunc_NOARGS,
            .doc = "uv_os_uname -> (sysname, release, version, machine)")
static HPy misc_uname_impl(HPyContext *ctx, HPy self)
{
    uv_utsname_t u;
    int rc = uv_os_uname(&u);
    if (rc < 0)
        return uv_raise(ctx, rc);
    HPy items[4] = {decode(ctx, u.sysname), decode(ctx, u.release),
                    decode(ctx, u.version), decode(ctx, u.machine)};
    return tuple_steal(ctx, items, 4);
}

typedef int (*dir_fn)(char *, size_t *);

/* uv_os_tmpdir / uv_os_getenv into a buffer that grows on ENOBUFS */
static int call_growing(dir_fn fn, const char *name, char **out)
{
    size_t cap = 1024;
    for (int tries = 0; tries < 4; tries++) {
        char *buf = malloc(cap);
        size_t size = cap;
        int rc;
        if (buf == NULL)
            return UV_ENOMEM;
        rc = name ? uv_os_getenv(name, buf, &size) : fn(buf, &size);
        if (rc == 0) {
            *out = buf;
            return 0;
        }
        free(buf);
        if (rc != UV_ENOBUFS)
            return rc;
        cap = size > cap ? size + 1 : cap * 2;
    }
    return UV_ENOBUFS;
}

static HPy passwd_tuple(HPyContext *ctx, uv_passwd_t *pw)
{
    HPy items[5] = {decode(ctx, pw->username), HPyLong_FromInt64_t(ctx, pw->uid),
                    HPyLong_FromInt64_t(ctx, pw->gid), HPy_NULL, decode(ctx, pw->homedir)};
    items[3] = pw->shell ? decode(ctx, pw->shell) : HPy_Dup(ctx, ctx->h_None);
    return tuple_steal(ctx, items, 5);
}

HPyDef_METH(misc_get_passwd, "misc_get_passwd", HPyFunc_NOARGS,
            .doc = "uv_os_get_passwd -> (username, uid, gid, shell, homedir)")
static HPy misc_get_passwd_impl(HPyContext *ctx, HPy self)
{
    uv_passwd_t pw;
    int rc;
    memset(&pw, 0, sizeof(pw));
    NOGIL(rc = uv_os_get_passwd(&pw));
    if (rc < 0)
        return uv_raise(ctx, rc);
    HPy t = passwd_tuple(ctx, &pw);
    uv_os_free_passwd(&pw);
    return t;
}

HPyDef_METH(misc_os_homedir, "misc_os_homedir", HPyFunc_NOARGS,
            .doc = "the home directory as uv_os_homedir finds it: $HOME, else the "
                   "user's passwd entry (looked up without the interpreter lock)")
static HPy misc_os_homedir_impl(HPyContext *ctx, HPy self)
{
    char *buf = NULL;
    int rc = call_growing(NULL, "HOME", &buf);
    if (rc == 0 && buf[0] != '\0') {
        HPy s = decode(ctx, buf);
        free(buf);
        return s;
    }
    free(buf);
    if (rc < 0 && rc != UV_ENOENT)
        return uv_raise(ctx, rc);
    uv_passwd_t pw;
    memset(&pw, 0, sizeof(pw));
    NOGIL(rc = uv_os_get_passwd(&pw));
    if (rc < 0)
        return uv_raise(ctx, rc);
    HPy s = decode(ctx, pw.homedir);
    uv_os_free_passwd(&pw);
    return s;
}

HPyDef_METH(misc_os_tmpdir, "misc_os_tmpdir", HPyFunc_NOARGS, .doc = "uv_os_tmpdir")
static HPy misc_os_tmpdir_impl(HPyContext *ctx, HPy self)
{
    char *buf = NULL;
    int rc = call_growing(uv_os_tmpdir, NULL, &buf);
    if (rc < 0)
        return uv_raise(ctx, rc);
    HPy s = decode(ctx, buf);
    free(buf);
    return s;
}

/* ---- the process title ----
 * libuv keeps the title in the memory of the argv strings that
 * uv_setup_args(argc, argv) was given, and can only write as many bytes as
 * they took.  An interpreter does not hand us its argv, so on first use we
 * find the process's own argument area (arg_start and arg_end of
 * /proc/self/stat), check through /proc/self/mem that it holds what
 * /proc/self/cmdline says (which also rules out memory we may not touch,
 * e.g. under valgrind, which fakes cmdline), and give libuv pointers into
 * it: setting the title then changes what ps and /proc/PID/cmdline show,
 * and libuv also names the thread (PR_SET_NAME, 15 bytes).  When that
 * cannot be done (no /proc, a mismatch), libuv gets a private buffer of
 * PRIVATE_TITLE bytes: the title is then only kept for get and the thread
 * name.  The interpreter itself does not read its argv memory after
 * start-up (sys.argv and sys.orig_argv are copies). */

#define PRIVATE_TITLE 256
static int title_state = 0;        /* 0: not set up, 1: argv area, 2: private */
static size_t title_cap = 0;       /* bytes libuv may write, NUL included */

static int read_file(const char *path, char *buf, size_t cap, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    size_t n = 0;
    if (fd < 0)
        return -1;
    while (n < cap) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *len = n;
    return 0;
}

static int title_from_argv_area(void)
{
    char stat[4096], *p;
    size_t len, clen;
    unsigned long long start = 0, end = 0;
    if (read_file("/proc/self/stat", stat, sizeof(stat) - 1, &len) < 0)
        return -1;
    stat[len] = '\0';
    p = strrchr(stat, ')');
    if (p == NULL)
        return -1;
    /* fields after "comm)": the 3rd field of the line is the first; arg_start
     * and arg_end are the 48th and 49th */
    p += 2;
    for (int field = 3; field < 48 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    if (p == NULL || sscanf(p, "%llu %llu", &start, &end) != 2 || end <= start
        || end - start > (1u << 20))
        return -1;
    size_t n = (size_t)(end - start);
    char *cmd = malloc(n + 1), *mem = malloc(n);
    int ok = 0;
    if (cmd && mem && read_file("/proc/self/cmdline", cmd, n + 1, &clen) == 0
        && clen == n && cmd[n - 1] == '\0') {
        int fd = open("/proc/self/mem", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            ok = pread(fd, mem, n, (off_t)start) == (ssize_t)n && memcmp(mem, cmd, n) == 0;
            close(fd);
        }
    }
    free(cmd);
    free(mem);
    if (!ok)
        return -1;
    /* argv: pointers to the strings of the area */
    char *area = (char *)(uintptr_t)start;
    int argc = 0;
    for (size_t i = 0; i < n; i++)
        if (area[i] == '\0')
            argc++;
    char **argv = malloc(sizeof(char *) * ((size_t)argc + 1));
    if (argv == NULL)
        return -1;
    int k = 0;
    for (size_t i = 0; i < n; i += strlen(area + i) + 1)
        argv[k++] = area + i;
    argv[k] = NULL;
    uv_setup_args(argc, argv);   /* copies what it keeps: argv may go */
    free(argv);
    title_cap = n;
    return 0;
}

static void title_setup(void)
{
    if (title_state)
        return;
    if (title_from_argv_area() == 0) {
        title_state = 1;
        return;
    }
    /* "" then PRIVATE_TITLE - 2 spaces: an empty title with room for
     * PRIVATE_TITLE - 1 bytes (the memory is never freed: libuv keeps it) */
    static char priv[PRIVATE_TITLE];
    char *argv[3] = {priv, priv + 1, NULL};
    memset(priv, ' ', sizeof(priv));
    priv[0] = '\0';
    priv[PRIVATE_TITLE - 1] = '\0';
    uv_setup_args(2, argv);
    title_cap = PRIVATE_TITLE;
    title_state = 2;
}

HPyDef_METH(misc_get_process_title, "misc_get_process_title", HPyFunc_NOARGS,
            .doc = "uv_get_process_title -> str")
static HPy misc_get_process_title_impl(HPyContext *ctx, HPy self)
{
    title_setup();
    char *buf = malloc(title_cap + 1);
    if (buf == NULL)
        return HPyErr_NoMemory(ctx);
    int rc = uv_get_process_title(buf, title_cap + 1);
    HPy s = rc < 0 ? uv_raise(ctx, rc) : decode(ctx, buf);
    free(buf);
    return s;
}

HPyDef_METH(misc_set_process_title, "misc_set_process_title", HPyFunc_O,
            .doc = "misc_set_process_title(title: bytes): uv_set_process_title; "
                   "ValueError if it does not fit or holds a NUL")
static HPy misc_set_process_title_impl(HPyContext *ctx, HPy self, HPy title)
{
    if (!HPyBytes_Check(ctx, title)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "the title must be bytes");
        return HPy_NULL;
    }
    HPy_ssize_t len = HPyBytes_Size(ctx, title);
    const char *s = HPyBytes_AsString(ctx, title);
    if (s == NULL)
        return HPy_NULL;
    if ((size_t)len != strlen(s)) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "embedded null byte");
        return HPy_NULL;
    }
    title_setup();
    if ((size_t)len >= title_cap) {
        HPyErr_SetString(ctx, ctx->h_ValueError,
                         "the title does not fit in the process's argument area "
                         "(see uv.misc.process_title_capacity())");
        return HPy_NULL;
    }
    int rc = uv_set_process_title(s);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(misc_process_title_info, "misc_process_title_info", HPyFunc_NOARGS,
            .doc = "(capacity in bytes with the NUL, True if the title is the "
                   "process's argument area)")
static HPy misc_process_title_info_impl(HPyContext *ctx, HPy self)
{
    title_setup();
    HPy items[2] = {HPyLong_FromUInt64_t(ctx, title_cap),
                    HPyBool_FromBool(ctx, title_state == 1)};
    return tuple_steal(ctx, items, 2);
}
