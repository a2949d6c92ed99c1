/* tcp.c: uv_tcp_t, the connect request, and socket addresses.
 *
 * Addresses cross the boundary as (host, port, flowinfo, scope_id):
 * uv/dns.py turns the user's (host, port[, flowinfo, scope_id]) tuples into
 * that and the tuples returned here into Address4 / Address6. */
#include <errno.h>
#include <sys/socket.h>
#include "uvmod.h"

/* ---- addresses ---- */

/* A dotted-quad IPv4 address ("127.0.0.1": four decimal numbers of at most
 * three digits, 0-255, no leading zeros) into *out (network order); 0, or
 * -1 for anything else (which uv_ip4_addr / uv_ip6_addr then look at).
 * Every datagram sent to an address parses one: libuv's parser costs ten
 * times more. */
static int parse_ipv4(const char *s, struct in_addr *out)
{
    uint32_t addr = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (*s >= '0' && *s <= '9') {
            if (digits == 1 && v == 0)
                return -1;            /* a leading zero (inet_pton refuses it) */
            v = v * 10 + (unsigned)(*s++ - '0');
            if (++digits > 3 || v > 255)
                return -1;
        }
        if (digits == 0)
            return -1;
        addr = (addr << 8) | v;
        if (part < 3 && *s++ != '.')
            return -1;
    }
    if (*s != '\0')
        return -1;
    out->s_addr = htonl(addr);
    return 0;
}

/* "a.b.c.d" of an IPv4 address into buf (at least 16 bytes); its length */
static size_t format_ipv4(const struct in_addr *in, char *buf)
{
    const unsigned char *b = (const unsigned char *)&in->s_addr;
    char *p = buf;
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (v >= 100) {
            *p++ = (char)('0' + v / 100);
            v %= 100;
            *p++ = (char)('0' + v / 10);
            *p++ = (char)('0' + v % 10);
        } else if (v >= 10) {
            *p++ = (char)('0' + v / 10);
            *p++ = (char)('0' + v % 10);
        } else {
            *p++ = (char)('0' + v);
        }
        if (i < 3)
            *p++ = '.';
    }
    *p = '\0';
    return (size_t)(p - buf);
}

/* host (a str) and the numbers, checked: TypeError / ArgumentError */
static int sockaddr_fill(HPyContext *ctx, HPy h_host, int64_t port, int64_t flowinfo,
                         int64_t scope_id, struct sockaddr_storage *ss)
{
    HPy_ssize_t len;
    if (!HPyUnicode_Check(ctx, h_host)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "the host must be a str");
        return -1;
    }
    const char *host = HPyUnicode_AsUTF8AndSize(ctx, h_host, &len);
    if (host == NULL) {
        /* a lone surrogate: not a numeric address either */
        if (!HPyErr_ExceptionMatches(ctx, ctx->h_UnicodeEncodeError))
            return -1;
        HPyErr_Clear(ctx);
        return uv_raise_i(ctx, UV_EINVAL);
    }
    if (port < 0 || port > 65535 || flowinfo < 0 || flowinfo > UINT32_MAX
        || scope_id < 0 || scope_id > UINT32_MAX || (size_t)len != strlen(host))
        return uv_raise_i(ctx, UV_EINVAL);
    memset(ss, 0, sizeof(struct sockaddr_in6));
    struct sockaddr_in *sin = (struct sockaddr_in *)ss;
    if (parse_ipv4(host, &sin->sin_addr) == 0) {
        sin->sin_family = AF_INET;
        sin->sin_port = htons((uint16_t)port);
        return 0;
    }
    if (uv_ip4_addr(host, (int)port, sin) == 0)
        return 0;
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
    if (uv_ip6_addr(host, (int)port, sin6) == 0) {
        sin6->sin6_flowinfo = htonl((uint32_t)flowinfo);
        if (scope_id)
            sin6->sin6_scope_id = (uint32_t)scope_id;
        return 0;
    }
    return uv_raise_i(ctx, UV_EINVAL);
}

int sockaddr_from_args(HPyContext *ctx, const HPy *args, struct sockaddr_storage *ss)
{
    int64_t port, flowinfo, scope_id;
    if (!HPyUnicode_Check(ctx, args[0])) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "the host must be a str");
        return -1;
    }
    if (arg_int64(ctx, args[1], "the port must be an int", &port) < 0
        || arg_int64(ctx, args[2], "flowinfo must be an int", &flowinfo) < 0
        || arg_int64(ctx, args[3], "scope_id must be an int", &scope_id) < 0)
        return -1;
    return sockaddr_fill(ctx, args[0], port, flowinfo, scope_id, ss);
}

int sockaddr_from_tuple(HPyContext *ctx, HPy addr, struct sockaddr_storage *ss)
{
    static const char *what = "an address is a (host, port) or "
                              "(host, port, flowinfo, scope_id) tuple";
    HPy items[4] = {HPy_NULL, HPy_NULL, HPy_NULL, HPy_NULL};
    int64_t num[4] = {0, 0, 0, 0};
    int rc = -1;
    if (!HPyTuple_Check(ctx, addr) && !HPyList_Check(ctx, addr)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, what);
        return -1;
    }
    HPy_ssize_t n = HPy_Length(ctx, addr);
    if (n != 2 && n != 4) {
        if (n >= 0)
            HPyErr_SetString(ctx, ctx->h_TypeError, what);
        return -1;
    }
    for (HPy_ssize_t i = 0; i < n; i++) {
        items[i] = HPy_GetItem_i(ctx, addr, i);
        if (HPy_IsNull(items[i]))
            goto out;
    }
    if (!HPyUnicode_Check(ctx, items[0])) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "the host must be a str");
        goto out;
    }
    if (arg_int64(ctx, items[1], "the port must be an int", &num[1]) < 0)
        goto out;
    if (n == 4 && (arg_int64(ctx, items[2], "flowinfo must be an int", &num[2]) < 0
                   || arg_int64(ctx, items[3], "scope_id must be an int", &num[3]) < 0))
        goto out;
    rc = sockaddr_fill(ctx, items[0], num[1], num[2], num[3], ss);
out:
    for (int i = 0; i < 4; i++)
        HPy_Close(ctx, items[i]);
    return rc;
}

HPy sockaddr_to_tuple(HPyContext *ctx, const struct sockaddr *sa)
{
    char host[INET6_ADDRSTRLEN + 1] = {0};
    HPy items[4] = {HPy_NULL, HPy_NULL, HPy_NULL, HPy_NULL}, t = HPy_NULL;
    int n;
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;
        format_ipv4(&sin->sin_addr, host);
        items[0] = HPyUnicode_FromString(ctx, host);
        items[1] = HPyLong_FromInt32_t(ctx, ntohs(sin->sin_port));
        n = 2;
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;
        uv_ip6_name(sin6, host, sizeof(host));
        items[0] = HPyUnicode_FromString(ctx, host);
        items[1] = HPyLong_FromInt32_t(ctx, ntohs(sin6->sin6_port));
        items[2] = HPyLong_FromUInt32_t(ctx, ntohl(sin6->sin6_flowinfo));
        items[3] = HPyLong_FromUInt32_t(ctx, sin6->sin6_scope_id);
        n = 4;
    } else {
        return uv_raise(ctx, UV_EAFNOSUPPORT);
    }
    for (int i = 0; i < n; i++)
        if (HPy_IsNull(items[i]))
            goto out;
    t = HPyTuple_FromArray(ctx, items, n);
out:
    for (int i = 0; i < n; i++)
        HPy_Close(ctx, items[i]);
    return t;
}

/* ---- the TCP type ---- */

HPyDef_SLOT(TCP_new, HPy_tp_new)
static HPy TCP_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                        HPy_ssize_t nargs, HPy kw)
{
    HPy loop, hflags = HPy_NULL;
    int64_t flags = 0;
    bridge_t *b;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "O|O", &loop, &hflags))
        return HPy_NULL;
    if (!HPy_IsNull(hflags)
        && arg_int_range(ctx, hflags, "flags must be an int", 0, UINT32_MAX, &flags) < 0)
        return HPy_NULL;
    HPy h = handle_new(ctx, type, loop, K_TCP, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    int rc = uv_tcp_init_ex(b->core->loop, &b->u.tcp, (unsigned int)flags);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    return h;
}

HPyDef_METH(TCP_open, "open", HPyFunc_O, .doc = "open(fd): uv_tcp_open")
static HPy TCP_open_impl(HPyContext *ctx, HPy self, HPy fd)
{
    int64_t n;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, fd, "a file descriptor must be an int", &n) < 0)
        return HPy_NULL;
    if (n < 0 || n > INT32_MAX)
        return uv_raise(ctx, UV_EBADF);
    int rc = uv_tcp_open(&b->u.tcp, (uv_os_sock_t)n);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(TCP_bind, "bind", HPyFunc_VARARGS,
            .doc = "bind(host, port, flowinfo, scope_id, flags)")
static HPy TCP_bind_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    struct sockaddr_storage ss;
    int64_t flags;
    if (nargs != 5) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "bind(host, port, flowinfo, scope_id, flags)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || sockaddr_from_args(ctx, args, &ss) < 0
        || arg_int_range(ctx, args[4], "flags must be an int", 0, UINT32_MAX, &flags) < 0)
        return HPy_NULL;
    int rc = uv_tcp_bind(&b->u.tcp, (struct sockaddr *)&ss, (unsigned int)flags);
    if (rc == 0 && b->u.tcp.delayed_error) {
        /* libuv defers EADDRINUSE to listen()/connect(); report it here,
         * where the address was given */
        rc = b->u.tcp.delayed_error;
        b->u.tcp.delayed_error = 0;
    }
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

typedef int (*sockname_fn)(const uv_tcp_t *, struct sockaddr *, int *);

static HPy tcp_name(HPyContext *ctx, HPy self, sockname_fn fn)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    int rc = fn(&b->u.tcp, (struct sockaddr *)&ss, &len);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return sockaddr_to_tuple(ctx, (struct sockaddr *)&ss);
}

HPyDef_METH(TCP_getsockname, "getsockname", HPyFunc_NOARGS, .doc = "")
static HPy TCP_getsockname_impl(HPyContext *ctx, HPy self)
{
    return tcp_name(ctx, self, uv_tcp_getsockname);
}

HPyDef_METH(TCP_getpeername, "getpeername", HPyFunc_NOARGS, .doc = "")
static HPy TCP_getpeername_impl(HPyContext *ctx, HPy self)
{
    return tcp_name(ctx, self, uv_tcp_getpeername);
}

HPyDef_METH(TCP_family, "family", HPyFunc_NOARGS,
            .doc = "family() -> AF_INET, AF_INET6, or AF_UNSPEC (0) without a socket")
static HPy TCP_family_impl(HPyContext *ctx, HPy self)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (uv_tcp_getsockname(&b->u.tcp, (struct sockaddr *)&ss, &len) < 0)
        ss.ss_family = AF_UNSPEC;
    return HPyLong_FromInt32_t(ctx, ss.ss_family);
}

#define TCP_BOOL_SETTER(NAME, CALL)                                           \
    HPyDef_METH(TCP_##NAME, #NAME, HPyFunc_O, .doc = #NAME "(enable)")       \
    static HPy TCP_##NAME##_impl(HPyContext *ctx, HPy self, HPy v)            \
    {                                                                         \
        bridge_t *b = handle_usable(ctx, self);                               \
        if (b == NULL)                                                        \
            return HPy_NULL;                                                  \
        int enable = HPy_IsTrue(ctx, v);                                      \
        if (enable < 0)                                                       \
            return HPy_NULL;                                                  \
        int rc = CALL;                                                        \
        if (rc < 0)                                                           \
            return uv_raise(ctx, rc);                                         \
        return HPy_Dup(ctx, ctx->h_None);                                     \
    }

TCP_BOOL_SETTER(nodelay, uv_tcp_nodelay(&b->u.tcp, enable))
TCP_BOOL_SETTER(simultaneous_accepts, uv_tcp_simultaneous_accepts(&b->u.tcp, enable))

HPyDef_METH(TCP_keepalive, "keepalive", HPyFunc_VARARGS, .doc = "keepalive(enable, delay_s)")
static HPy TCP_keepalive_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    int64_t delay;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "keepalive(enable, delay)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, args[1], "delay must be an int", &delay) < 0)
        return HPy_NULL;
    int enable = HPy_IsTrue(ctx, args[0]);
    if (enable < 0)
        return HPy_NULL;
    if (delay < 0 || delay > INT32_MAX)
        return uv_raise(ctx, UV_EINVAL);
    int rc;
    if (enable && delay == 0) {
        /* keep the system's idle time: libuv would set TCP_KEEPIDLE to 0 */
        uv_os_fd_t fd;
        int on = 1;
        rc = uv_fileno(&b->u.handle, &fd);
        if (rc == 0 && setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) < 0)
            rc = uv_translate_sys_error(errno);
    } else {
        rc = uv_tcp_keepalive(&b->u.tcp, enable, (unsigned int)delay);
    }
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(TCP_close_reset, "close_reset", HPyFunc_O,
            .doc = "close_reset(wrapper): close with a RST (uv_tcp_close_reset)")
static HPy TCP_close_reset_impl(HPyContext *ctx, HPy self, HPy wrapper)
{
    return handle_close(ctx, self, wrapper, 1);
}

static HPyDef *TCP_defines[] = {
    HANDLE_COMMON_DEFINES, STREAM_COMMON_DEFINES,
    &TCP_new, &TCP_open, &TCP_bind, &TCP_getsockname, &TCP_getpeername,
    &TCP_family, &TCP_nodelay, &TCP_simultaneous_accepts, &TCP_keepalive,
    &TCP_close_reset,
    NULL
};

HPyType_Spec TCP_spec = {
    .name = "uv._uv.TCP",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = TCP_defines,
    .doc = "native uv_tcp_t (use uv.TCP)",
};

/* ---- the connect request ---- */

static void connect_cb(uv_connect_t *req, int status)
{
    reqb_libuv_done(req->data, status);
}

HPyDef_SLOT(ConnectRequest_new, HPy_tp_new)
static HPy ConnectRequest_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                                   HPy_ssize_t nargs, HPy kw)
{
    return request_type_new(ctx, type, args, nargs, UV_CONNECT);
}

HPyDef_METH(ConnectRequest_start_tcp, "start_tcp", HPyFunc_VARARGS,
            .doc = "start_tcp(wrapper, tcp_native, host, port, flowinfo, scope_id)")
static HPy ConnectRequest_start_tcp_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    struct sockaddr_storage ss;
    if (nargs != 6) {
        HPyErr_SetString(ctx, ctx->h_TypeError,
                         "start_tcp(wrapper, tcp, host, port, flowinfo, scope_id)");
        return HPy_NULL;
    }
    reqb_t *r = request_unstarted(ctx, self);
    if (r == NULL)
        return HPy_NULL;
    bridge_t *b = handle_arg(ctx, args[1], KIND_BIT(K_TCP), "start_tcp needs a native TCP handle");
    if (b == NULL || sockaddr_from_args(ctx, args + 2, &ss) < 0)
        return HPy_NULL;
    int rc = uv_tcp_connect(&r->u.connect, &b->u.tcp, (struct sockaddr *)&ss, connect_cb);
    return request_started(ctx, self, r, args[0], rc);
}

static HPyDef *ConnectRequest_defines[] = {
    REQUEST_COMMON_DEFINES, &ConnectRequest_new, &ConnectRequest_start_tcp, NULL
};

HPyType_Spec ConnectRequest_spec = {
    .name = "uv._uv.ConnectRequest",
    .basicsize = sizeof(RequestObject),
    .builtin_shape = RequestObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = ConnectRequest_defines,
    .doc = "native uv_connect_t (use uv.TCPConnectRequest)",
};
