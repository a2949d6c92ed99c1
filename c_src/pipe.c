/* pipe.c: uv_pipe_t (Unix domain sockets, pipes, IPC) and connecting one.
 *
 * Paths cross the boundary as bytes (uv/pipe.py encodes str and PathLike
 * and checks them first; they are checked here again).  A path that starts
 * with a NUL byte is a Linux abstract socket name: its length is the
 * length of the bytes, not up to the first NUL.
 *
 * sun_path holds 108 bytes.  libuv 1.44's uv_pipe_bind and uv_pipe_connect
 * copy a path into it with a truncating copy (and newer libuvs truncate
 * unless asked not to), so a longer path would silently bind or connect
 * somewhere else: it is refused here (ENAMETOOLONG) before libuv sees it.
 * A file-system path may have 107 bytes (room for the terminating NUL), an
 * abstract name 108 (its leading NUL included).
 *
 * libuv 1.44 has no call that takes an abstract name (uv_pipe_bind2 and
 * uv_pipe_connect2 came in 1.46), so those are done here on a socket that
 * is then handed to libuv with uv_pipe_open.  A connect to an abstract
 * name completes at once (Unix sockets connect synchronously); its request
 * completes from the loop like a write that went out whole, and gets
 * ECANCELED if the pipe is closed before that (reqb_t.owner). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "uvmod.h"

#define SUN_PATH_SIZE sizeof(((struct sockaddr_un *)0)->sun_path)

/* a path given from Python: bytes, not empty, no NUL but an abstract
 * name's leading one, short enough for sun_path */
static int pipe_path_arg(HPyContext *ctx, HPy h, const char **path, size_t *len)
{
    if (!HPyBytes_Check(ctx, h)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "a pipe path must be bytes");
        return -1;
    }
    *len = (size_t)HPyBytes_GET_SIZE(ctx, h);
    *path = HPyBytes_AS_STRING(ctx, h);
    if (*len == 0)
        return uv_raise_i(ctx, UV_EINVAL);
    int abstract = (*path)[0] == '\0';
    if (memchr(*path + abstract, '\0', *len - abstract) != NULL) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "embedded null byte");
        return -1;
    }
    if (abstract ? *len > SUN_PATH_SIZE : *len >= SUN_PATH_SIZE)
        return uv_raise_i(ctx, UV_ENAMETOOLONG);
    return 0;
}

static socklen_t abstract_address(struct sockaddr_un *sa, const char *name, size_t len)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, name, len);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
}

static int new_unix_socket(void)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    return fd < 0 ? uv_translate_sys_error(errno) : fd;
}

static int has_fd(uv_pipe_t *p)
{
    uv_os_fd_t fd;
    return uv_fileno((uv_handle_t *)p, &fd) == 0;
}

/* ---- the Pipe type ---- */

HPyDef_SLOT(Pipe_new, HPy_tp_new)
static HPy Pipe_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                         HPy_ssize_t nargs, HPy kw)
{
    HPy loop, hipc;
    bridge_t *b;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &loop, &hipc))
        return HPy_NULL;
    int ipc = HPy_IsTrue(ctx, hipc);
    if (ipc < 0)
        return HPy_NULL;
    HPy h = handle_new(ctx, type, loop, K_PIPE, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    int rc = uv_pipe_init(b->core->loop, &b->u.pipe, ipc);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    return h;
}

HPyDef_METH(Pipe_open, "open", HPyFunc_O, .doc = "open(fd): uv_pipe_open")
static HPy Pipe_open_impl(HPyContext *ctx, HPy self, HPy fd)
{
    int64_t n;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, fd, "a file descriptor must be an int", &n) < 0)
        return HPy_NULL;
    if (n < 0 || n > INT32_MAX)
        return uv_raise(ctx, UV_EBADF);
    if (n == uv_backend_fd(b->core->loop))
        return uv_raise(ctx, UV_EBUSY);     /* the loop's own epoll */
    int rc = uv_pipe_open(&b->u.pipe, (uv_file)n);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Pipe_bind, "bind", HPyFunc_O, .doc = "bind(path_bytes)")
static HPy Pipe_bind_impl(HPyContext *ctx, HPy self, HPy hpath)
{
    const char *path;
    size_t len;
    int rc;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || pipe_path_arg(ctx, hpath, &path, &len) < 0)
        return HPy_NULL;
    if (path[0] != '\0') {
        /* libuv keeps the name and unlinks the socket file when the pipe
         * is closed */
        rc = uv_pipe_bind(&b->u.pipe, path);
    } else if (has_fd(&b->u.pipe)) {
        rc = UV_EINVAL;               /* bound or open already, as libuv says */
    } else {
        struct sockaddr_un sa;
        socklen_t salen = abstract_address(&sa, path, len);
        rc = new_unix_socket();
        if (rc >= 0) {
            int fd = rc;
            rc = bind(fd, (struct sockaddr *)&sa, salen) < 0
               ? uv_translate_sys_error(errno) : uv_pipe_open(&b->u.pipe, fd);
            if (rc < 0)
                close(fd);
        }
    }
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

typedef int (*pipe_name_fn)(const uv_pipe_t *, char *, size_t *);

/* the socket's name as bytes (an abstract name with its leading NUL) */
static HPy pipe_name(HPyContext *ctx, HPy self, pipe_name_fn fn)
{
    /* zeroed: libuv 1.44 reads buf[0] even when the name is empty */
    char buf[SUN_PATH_SIZE + 1] = {0};
    size_t len = sizeof(buf);
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    int rc = fn(&b->u.pipe, buf, &len);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPyBytes_FromStringAndSize(ctx, buf, (HPy_ssize_t)len);
}

HPyDef_METH(Pipe_getsockname, "getsockname", HPyFunc_NOARGS, .doc = "-> bytes")
static HPy Pipe_getsockname_impl(HPyContext *ctx, HPy self)
{
    return pipe_name(ctx, self, uv_pipe_getsockname);
}

HPyDef_METH(Pipe_getpeername, "getpeername", HPyFunc_NOARGS, .doc = "-> bytes")
static HPy Pipe_getpeername_impl(HPyContext *ctx, HPy self)
{
    return pipe_name(ctx, self, uv_pipe_getpeername);
}

HPyDef_METH(Pipe_family, "family", HPyFunc_NOARGS,
            .doc = "family() -> AF_UNIX for a socket, AF_UNSPEC (0) otherwise")
static HPy Pipe_family_impl(HPyContext *ctx, HPy self)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    uv_os_fd_t fd;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    ss.ss_family = AF_UNSPEC;
    if (uv_fileno(&b->u.handle, &fd) < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
        ss.ss_family = AF_UNSPEC;
    return HPyLong_FromInt32_t(ctx, ss.ss_family);
}

HPyDef_METH(Pipe_pending_instances, "pending_instances", HPyFunc_O,
            .doc = "pending_instances(n): uv_pipe_pending_instances (Windows only)")
static HPy Pipe_pending_instances_impl(HPyContext *ctx, HPy self, HPy n)
{
    int64_t count;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, n, "the number of instances must be an int", &count) < 0)
        return HPy_NULL;
    if (count < 0 || count > INT32_MAX)
        return uv_raise(ctx, UV_EINVAL);
    uv_pipe_pending_instances(&b->u.pipe, (int)count);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Pipe_pending_count, "pending_count", HPyFunc_NOARGS,
            .doc = "pending_count() -> handles received over IPC, not accepted yet")
static HPy Pipe_pending_count_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    return HPyLong_FromInt32_t(ctx, uv_pipe_pending_count(&b->u.pipe));
}

HPyDef_METH(Pipe_pending_type, "pending_type", HPyFunc_NOARGS,
            .doc = "pending_type() -> uv_handle_type of the first pending handle")
static HPy Pipe_pending_type_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    return HPyLong_FromInt32_t(ctx, uv_pipe_pending_type(&b->u.pipe));
}

HPyDef_METH(Pipe_chmod, "chmod", HPyFunc_O,
            .doc = "chmod(flags): uv_pipe_chmod (UV_READABLE | UV_WRITABLE)")
static HPy Pipe_chmod_impl(HPyContext *ctx, HPy self, HPy mode)
{
    int64_t m;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, mode, "the mode must be an int", &m) < 0)
        return HPy_NULL;
    if (m != UV_READABLE && m != UV_WRITABLE && m != (UV_READABLE | UV_WRITABLE))
        return uv_raise(ctx, UV_EINVAL);
    int rc = uv_pipe_chmod(&b->u.pipe, (int)m);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(Pipe_is_ipc, "is_ipc", HPyFunc_NOARGS, .doc = "is_ipc() -> bool")
static HPy Pipe_is_ipc_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    return HPyBool_FromBool(ctx, b->u.pipe.ipc != 0);
}

static HPyDef *Pipe_defines[] = {
    HANDLE_COMMON_DEFINES, STREAM_COMMON_DEFINES,
    &Pipe_new, &Pipe_open, &Pipe_bind, &Pipe_getsockname, &Pipe_getpeername,
    &Pipe_family, &Pipe_pending_instances, &Pipe_pending_count,
    &Pipe_pending_type, &Pipe_chmod, &Pipe_is_ipc,
    NULL
};

HPyType_Spec Pipe_spec = {
    .name = "uv._uv.Pipe",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = Pipe_defines,
    .doc = "native uv_pipe_t (use uv.Pipe)",
};

/* ---- the connect request ---- */

static void pipe_connect_cb(uv_connect_t *req, int status)
{
    reqb_libuv_done(req->data, status);
}

/* connect to an abstract name without libuv: the status of the connect */
static int connect_abstract(uv_pipe_t *p, const char *name, size_t len)
{
    struct sockaddr_un sa;
    socklen_t salen = abstract_address(&sa, name, len);
    uv_os_fd_t fd;
    int rc, fresh = uv_fileno((uv_handle_t *)p, &fd) < 0;
    if (fresh) {
        rc = new_unix_socket();
        if (rc < 0)
            return rc;
        fd = rc;
    }
    do
        rc = connect(fd, (struct sockaddr *)&sa, salen);
    while (rc < 0 && errno == EINTR);
    rc = rc < 0 ? uv_translate_sys_error(errno) : 0;
    if (fresh) {
        if (rc == 0)
            rc = uv_pipe_open(p, fd);
        if (rc < 0)
            close(fd);
    }
    return rc;
}

HPyDef_SLOT(PipeConnectRequest_new, HPy_tp_new)
static HPy PipeConnectRequest_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                                       HPy_ssize_t nargs, HPy kw)
{
    return request_type_new(ctx, type, args, nargs, UV_CONNECT);
}

HPyDef_METH(PipeConnectRequest_start, "start", HPyFunc_VARARGS,
            .doc = "start(wrapper, pipe_native, path_bytes)")
static HPy PipeConnectRequest_start_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    const char *path;
    size_t len;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "start(wrapper, pipe, path)");
        return HPy_NULL;
    }
    reqb_t *r = request_unstarted(ctx, self);
    if (r == NULL)
        return HPy_NULL;
    bridge_t *b = handle_arg(ctx, args[1], KIND_BIT(K_PIPE), "a pipe connect request needs a native Pipe");
    if (b == NULL || pipe_path_arg(ctx, args[2], &path, &len) < 0)
        return HPy_NULL;
    if (r->core != b->core) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "the request and the pipe are on different loops");
        return HPy_NULL;
    }
    /* libuv 1.44 would overwrite the pending connect: its request would
     * never complete */
    if (b->u.pipe.connect_req != NULL)
        return uv_raise(ctx, UV_EALREADY);
    if (path[0] != '\0') {
        uv_pipe_connect(&r->u.connect, &b->u.pipe, path, pipe_connect_cb);
    } else {
        r->owner = b;
        reqb_complete_later(r, connect_abstract(&b->u.pipe, path, len));
    }
    return request_started(ctx, self, r, args[0], 0);
}

static HPyDef *PipeConnectRequest_defines[] = {
    REQUEST_COMMON_DEFINES, &PipeConnectRequest_new, &PipeConnectRequest_start, NULL
};

HPyType_Spec PipeConnectRequest_spec = {
    .name = "uv._uv.PipeConnectRequest",
    .basicsize = sizeof(RequestObject),
    .builtin_shape = RequestObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = PipeConnectRequest_defines,
    .doc = "native uv_connect_t of a pipe (use uv.PipeConnectRequest)",
};
