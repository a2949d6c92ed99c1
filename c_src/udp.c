/* udp.c: uv_udp_t, datagrams.
 *
 * Receiving: a receiving handle is pending (PIN_READING).  Datagrams go into
 * a buffer owned by the loop and reach on_receive as bytes, with the
 * sender's address.  Where libuv can (1.40 and newer, Linux), a handle
 * whose loop buffer is at least 64 KiB reads with recvmmsg: up to 20
 * datagrams per system call into the loop's UDP buffer (UDP_MMSG_BUF, one
 * 64 KiB slot per datagram, so none is ever truncated); libuv hands them
 * over one by one (UV_UDP_MMSG_CHUNK) and then gives the buffer back
 * (UV_UDP_MMSG_FREE, nothing to free: it is the loop's).  With a smaller
 * loop buffer a datagram is read into it with recvmsg, and one that does
 * not fit arrives truncated with UV_UDP_PARTIAL.
 *
 * Sending works as writes do (stream.c): a datagram that the socket takes at
 * once (uv_udp_try_send) is not copied, and its request completes from the
 * loop without libuv; otherwise it is copied into memory the request owns
 * and queued with uv_udp_send.  A send has no native object: the handle
 * counts its sends, which complete in order, as a stream counts its
 * writes.  Closing the handle completes the queued ones with ECANCELED. */
#include <errno.h>
#include <sys/socket.h>
#include "uvmod.h"

/* libuv hands recvmmsg buffers back with UV_UDP_MMSG_FREE since 1.40 */
#if UV_VERSION_HEX >= 0x012800
#define UDP_CAN_MMSG 1
#endif
#define UDP_MAX_IOV 1024               /* IOV_MAX on Linux */
#define UDP_MAX4 65507                 /* 65535 - IPv4 and UDP headers */
#define UDP_MAX6 65527                 /* 65535 - UDP header (no jumbograms) */

static int udp_wants_mmsg(uvcore_t *core)
{
#ifdef UDP_CAN_MMSG
    return uv_version() >= 0x012800 && core->rbuf_size >= 65536;
#else
    return 0;
#endif
}

/* ---- peer addresses ----
 * A datagram's sender reaches on_receive as a uv.Address4 / uv.Address6.
 * The loop keeps those of its last UDP_ACACHE peers: a peer that sends
 * again gets the same (immutable) object, made neither in C nor in Python,
 * and a send to the object handed out last takes its address from the
 * cache instead of parsing it (an echo answers the datagram it just got). */

/* sa reduced to what tells peers apart (recvmmsg leaves the bytes after a
 * short address unset): -1 for a family that is not IPv4 or IPv6 */
static int acache_key(const struct sockaddr *sa, struct sockaddr_in6 *key)
{
    memset(key, 0, sizeof(*key));
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        struct sockaddr_in *k = (struct sockaddr_in *)key;
        k->sin_family = AF_INET;
        k->sin_port = in->sin_port;
        k->sin_addr = in->sin_addr;
        return 0;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        key->sin6_family = AF_INET6;
        key->sin6_port = in6->sin6_port;
        key->sin6_flowinfo = in6->sin6_flowinfo;
        key->sin6_addr = in6->sin6_addr;
        key->sin6_scope_id = in6->sin6_scope_id;
        return 0;
    }
    return -1;
}

void udp_acache_clear(uvcore_t *core, HPyContext *ctx, HPy h_loop)
{
    for (int i = 0; i < UDP_ACACHE; i++) {
        if (ctx != NULL)
            HPyField_Store(ctx, h_loop, &core->acache[i].obj, HPy_NULL);
        core->acache[i].key.sin6_family = AF_UNSPEC;
    }
    core->acache_last = -1;
}

static int acache_match(uvcore_t *core, int i, const struct sockaddr_in6 *key)
{
    size_t len = key->sin6_family == AF_INET ? sizeof(struct sockaddr_in)
                                             : sizeof(struct sockaddr_in6);
    return core->acache[i].key.sin6_family == key->sin6_family
        && memcmp(&core->acache[i].key, key, len) == 0
        && !HPyField_IsNull(core->acache[i].obj);
}

/* a new handle to the Address4 / Address6 of sa (IPv4 or IPv6), from the
 * cache or made (and cached); HPy_NULL with an error */
static HPy udp_address(uvcore_t *core, const struct sockaddr *sa)
{
    HPyContext *ctx = core->ctx;
    struct sockaddr_in6 key;
    acache_key(sa, &key);
    int last = core->acache_last;
    if (last >= 0 && acache_match(core, last, &key))
        return HPyField_Load(ctx, core->h_loop, core->acache[last].obj);
    for (int i = 0; i < UDP_ACACHE; i++) {
        if (i != last && acache_match(core, i, &key)) {
            core->acache_last = i;
            return HPyField_Load(ctx, core->h_loop, core->acache[i].obj);
        }
    }
    HPy t = sockaddr_to_tuple(ctx, sa);
    if (HPy_IsNull(t))
        return HPy_NULL;
    int which = sa->sa_family == AF_INET ? D_ADDRESS4 : D_ADDRESS6;
    if (HPy_IsNull(core->disp[which])) {
        /* select() loads the address classes when they are first needed
         * (and closes them as it returns) */
        core->disp[which] = HPyGlobal_Load(ctx, g_dispatch[which]);
        if (HPy_IsNull(core->disp[which])) {
            HPy_Close(ctx, t);
            return HPy_NULL;
        }
    }
    HPy cls = core->disp[which];
    HPy obj = HPy_CallTupleDict(ctx, cls, t, HPy_NULL);
    HPy_Close(ctx, t);
    if (HPy_IsNull(obj))
        return HPy_NULL;
    int i = (int)core->acache_next;
    core->acache_next = (core->acache_next + 1) % UDP_ACACHE;
    core->acache[i].key = key;
    HPyField_Store(ctx, core->h_loop, &core->acache[i].obj, obj);
    core->acache_last = i;
    return obj;
}

/* the sockaddr of addr when it is the address object the loop handed out
 * last (1), else 0 */
static int udp_cached_sockaddr(HPyContext *ctx, HPy self, uvcore_t *core, HPy addr,
                               struct sockaddr_storage *ss)
{
    int i = core->acache_last;
    if (i < 0 || HPyField_IsNull(core->acache[i].obj))
        return 0;
    HPy loop = handle_loop(ctx, self);
    HPy obj = HPyField_Load(ctx, loop, core->acache[i].obj);
    int same = HPy_Is(ctx, obj, addr);
    HPy_Close(ctx, obj);
    HPy_Close(ctx, loop);
    if (same)
        memcpy(ss, &core->acache[i].key, sizeof(core->acache[i].key));
    return same;
}

/* ---- receiving ---- */

static void udp_alloc_cb(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
    uvcore_t *core = ((bridge_t *)h->data)->core;
#ifdef UDP_CAN_MMSG
    if (uv_udp_using_recvmmsg((uv_udp_t *)h)) {
        if (core->ubuf == NULL)
            core->ubuf = malloc(UDP_MMSG_BUF);
        buf->base = core->ubuf;
        buf->len = core->ubuf ? UDP_MMSG_BUF : 0;   /* 0: libuv reports ENOBUFS */
        return;
    }
#endif
    buf->base = core_read_buffer(core, core->rbuf_size);
    buf->len = buf->base ? core->rbuf_size : 0;
}

static void udp_recv_cb(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
                        const struct sockaddr *addr, unsigned flags)
{
    bridge_t *b = h->data;
    uvcore_t *core = b->core;
    HPyContext *ctx;
    HPy items[5] = {HPy_NULL, HPy_NULL, HPy_NULL, HPy_NULL, HPy_NULL};
    HPy address, data, args = HPy_NULL;
    int n, which;
    if (nread == 0 && addr == NULL)
        return;              /* nothing to read, or a recvmmsg buffer given back */
    gil_ensure(core);
    CORE_DRAIN(core);
    if (b->flags & BF_CLOSING)
        return;              /* the rest of a recvmmsg batch after close() */
    HPy w = bridge_wrapper(core, b);
    if (HPy_IsNull(w))
        return;
    ctx = core->ctx;
    /* libuv's recvmmsg leaves the address of a datagram from an unnamed
     * socket (a Unix socket pair) unset: only an IP socket's is read */
    if (addr != NULL && b->kstate != UDP_NOT_IP
        && (addr->sa_family == AF_INET || addr->sa_family == AF_INET6))
        address = udp_address(core, addr);
    else
        address = HPy_Dup(ctx, ctx->h_None);
    data = HPyBytes_FromStringAndSize(ctx, buf->base, nread > 0 ? (HPy_ssize_t)nread : 0);
    if (nread >= 0 && !(flags & UV_UDP_PARTIAL)) {
        /* the common case, with fewer objects: received(udp, address, data) */
        items[0] = w;
        items[1] = address;
        items[2] = data;
        n = 3;
        which = D_RECEIVED;
    } else {
        items[0] = w;
        items[1] = HPyLong_FromInt32_t(ctx, nread < 0 ? (int32_t)nread : 0);
        items[2] = address;
        items[3] = data;
        items[4] = HPyLong_FromInt32_t(ctx, (int32_t)(flags & UV_UDP_PARTIAL));
        n = 5;
        which = D_RECEIVE;
    }
    int i;
    for (i = 0; i < n; i++)
        if (HPy_IsNull(items[i]))
            break;
    if (i == n)
        args = HPyTuple_FromArray(ctx, items, n);
    if (HPy_IsNull(args)) {
        core->fatal = 1;
        uv_stop(core->loop);
    } else {
        core_dispatch_tuple(core, which, args);
        HPy_Close(ctx, args);
    }
    HPy_Close(ctx, w);
    HPy_Close(ctx, address);
    HPy_Close(ctx, data);
    if (n == 5) {
        HPy_Close(ctx, items[1]);
        HPy_Close(ctx, items[4]);
    }
}

HPyDef_METH(UDP_recv_start, "recv_start", HPyFunc_O, .doc = "recv_start(wrapper)")
static HPy UDP_recv_start_impl(HPyContext *ctx, HPy self, HPy wrapper)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    int rc = uv_udp_recv_start(&b->u.udp, udp_alloc_cb, udp_recv_cb);
    if (rc < 0 && rc != UV_EALREADY)
        return uv_raise(ctx, rc);
    handle_pin(ctx, self, b, wrapper, PIN_READING);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(UDP_recv_stop, "recv_stop", HPyFunc_NOARGS, .doc = "recv_stop()")
static HPy UDP_recv_stop_impl(HPyContext *ctx, HPy self)
{
    int err;
    bridge_t *b = handle_stoppable(ctx, self, &err);
    if (b == NULL)
        return err ? HPy_NULL : HPy_Dup(ctx, ctx->h_None);
    uv_udp_recv_stop(&b->u.udp);
    handle_unpin(ctx, self, b, PIN_READING);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(UDP_using_recvmmsg, "using_recvmmsg", HPyFunc_NOARGS,
            .doc = "using_recvmmsg() -> bool: receives are batched (recvmmsg)")
static HPy UDP_using_recvmmsg_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
#ifdef UDP_CAN_MMSG
    return HPyBool_FromBool(ctx, uv_udp_using_recvmmsg(&b->u.udp) != 0);
#else
    return HPyBool_FromBool(ctx, 0);
#endif
}

/* ---- sending ---- */

static void send_cb(uv_udp_send_t *req, int status)
{
    reqb_libuv_done(req->data, status);
}

/* EMSGSIZE for a datagram larger than its family allows, whether or not
 * it would be sent at once (a queued one would fail only in on_send) */
static int udp_size_check(bridge_t *b, const struct sockaddr *addr, size_t total)
{
    if (total <= UDP_MAX4)
        return 0;
    if (total > UDP_MAX6)
        return UV_EMSGSIZE;
    int family = AF_UNSPEC;
    if (addr != NULL) {
        family = addr->sa_family;
    } else {
        struct sockaddr_storage ss;
        int len = sizeof(ss);
        if (uv_udp_getpeername(&b->u.udp, (struct sockaddr *)&ss, &len) == 0)
            family = ss.ss_family;
    }
    return family == AF_INET ? UV_EMSGSIZE : 0;
}

/* the datagram as at most UDP_MAX_IOV buffers: more are joined into one
 * block (*joined, freed by the caller) */
static int udp_bufs(bufset_t *bs, uv_buf_t *one, uv_buf_t **bufs,
                    unsigned int *nbufs, char **joined)
{
    *joined = NULL;
    if (bs->n == 0) {
        *one = buf_make((char *)"", 0);            /* libuv needs one buffer */
        *bufs = one;
        *nbufs = 1;
    } else if (bs->n > UDP_MAX_IOV) {
        size_t len;
        *joined = bufset_copy_from(bs, 0, &len);
        if (*joined == NULL)
            return UV_ENOMEM;
        *one = buf_make(*joined, len);
        *bufs = one;
        *nbufs = 1;
    } else {
        *bufs = bs->bufs;
        *nbufs = (unsigned int)bs->n;
    }
    return 0;
}

HPyDef_METH(UDP_send, "send", HPyFunc_VARARGS,
            .doc = "send(data, address_or_None, request_or_None) -> seq\n"
                   "A request given is called back (send_done) once sent.")
static HPy UDP_send_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    struct sockaddr_storage ss;
    const struct sockaddr *addr = NULL;
    bufset_t bs;
    uv_buf_t one, *bufs;
    unsigned int nbufs;
    char *joined;
    int rc;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "send(data, address, request)");
        return HPy_NULL;
    }
    HPy req = HPy_Is(ctx, args[2], ctx->h_None) ? HPy_NULL : args[2];
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (!HPy_Is(ctx, args[1], ctx->h_None)) {
        if (!udp_cached_sockaddr(ctx, self, b->core, args[1], &ss)
            && sockaddr_from_tuple(ctx, args[1], &ss) < 0)
            return HPy_NULL;
        addr = (const struct sockaddr *)&ss;
    }
    if (bufset_init(ctx, &bs, args[0]) < 0)
        return HPy_NULL;
    rc = udp_size_check(b, addr, bs.total);
    if (rc == 0)
        rc = udp_bufs(&bs, &one, &bufs, &nbufs, &joined);
    if (rc < 0) {
        bufset_release(ctx, &bs);
        return uv_raise(ctx, rc);
    }
    reqb_t *r = bridge_queue_reserve(b) < 0 ? NULL : reqb_alloc(b->core, UV_UDP_SEND);
    if (r == NULL) {
        free(joined);
        bufset_release(ctx, &bs);
        return HPyErr_NoMemory(ctx);
    }
    rc = uv_udp_try_send(&b->u.udp, bufs, nbufs, addr);
    if (rc >= 0) {
        reqb_complete_later(r, 0);          /* sent at once */
    } else if (rc == UV_EAGAIN) {
        size_t len = 0;
        r->mem = bufset_copy_from(&bs, 0, &len);
        if (r->mem == NULL) {
            rc = UV_ENOMEM;
        } else {
            uv_buf_t buf = buf_make(r->mem, len);
            rc = uv_udp_send(&r->u.udp_send, &b->u.udp, &buf, 1, addr, send_cb);
        }
    }
    free(joined);
    bufset_release(ctx, &bs);
    if (rc < 0) {
        free(r->mem);
        free(r);
        return uv_raise(ctx, rc);
    }
    return bridge_queue_push(ctx, self, b, r, req, HPy_NULL);
}

HPyDef_METH(UDP_try_send, "try_send", HPyFunc_VARARGS,
            .doc = "try_send(data, address_or_None) -> bytes sent (EAGAIN raises)")
static HPy UDP_try_send_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    struct sockaddr_storage ss;
    const struct sockaddr *addr = NULL;
    bufset_t bs;
    uv_buf_t one, *bufs;
    unsigned int nbufs;
    char *joined = NULL;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "try_send(data, address)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (!HPy_Is(ctx, args[1], ctx->h_None)) {
        if (sockaddr_from_tuple(ctx, args[1], &ss) < 0)
            return HPy_NULL;
        addr = (const struct sockaddr *)&ss;
    }
    if (bufset_init(ctx, &bs, args[0]) < 0)
        return HPy_NULL;
    int rc = udp_size_check(b, addr, bs.total);
    if (rc == 0)
        rc = udp_bufs(&bs, &one, &bufs, &nbufs, &joined);
    if (rc == 0)
        rc = uv_udp_try_send(&b->u.udp, bufs, nbufs, addr);
    free(joined);
    bufset_release(ctx, &bs);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPyLong_FromInt32_t(ctx, rc);
}

/* ---- the UDP type ---- */

HPyDef_SLOT(UDP_new, HPy_tp_new)
static HPy UDP_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                        HPy_ssize_t nargs, HPy kw)
{
    HPy loop, hflags;
    int64_t flags;
    bridge_t *b;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OO", &loop, &hflags))
        return HPy_NULL;
    if (arg_int_range(ctx, hflags, "flags must be an int", 0, UINT32_MAX, &flags) < 0)
        return HPy_NULL;
    HPy h = handle_new(ctx, type, loop, K_UDP, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    unsigned int f = (unsigned int)flags;
#ifdef UDP_CAN_MMSG
    f &= ~(unsigned int)UV_UDP_RECVMMSG;        /* the loop decides */
    if (udp_wants_mmsg(b->core))
        f |= UV_UDP_RECVMMSG;
#endif
    int rc = uv_udp_init_ex(b->core->loop, &b->u.udp, f);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    return h;
}

HPyDef_METH(UDP_open, "open", HPyFunc_O, .doc = "open(fd): uv_udp_open")
static HPy UDP_open_impl(HPyContext *ctx, HPy self, HPy fd)
{
    int64_t n;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, fd, "a file descriptor must be an int", &n) < 0)
        return HPy_NULL;
    if (n < 0 || n > INT32_MAX)
        return uv_raise(ctx, UV_EBADF);
    int rc = fd_open((int)n);
    if (rc == 0) {
        /* libuv makes the fd non-blocking before it finds out that it is
         * not a socket: check first, and leave any other fd alone */
        int type;
        socklen_t tlen = sizeof(type);
        if (getsockopt((int)n, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0)
            rc = uv_translate_sys_error(errno);
        else if (type != SOCK_DGRAM)
            rc = UV_EINVAL;
    }
    if (rc == 0)
        rc = uv_udp_open(&b->u.udp, (uv_os_sock_t)n);
    if (rc < 0)
        return uv_raise(ctx, rc);
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname((int)n, (struct sockaddr *)&ss, &len) < 0
        || (ss.ss_family != AF_INET && ss.ss_family != AF_INET6))
        b->kstate = UDP_NOT_IP;
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(UDP_bind, "bind", HPyFunc_VARARGS, .doc = "bind(address, flags)")
static HPy UDP_bind_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    struct sockaddr_storage ss;
    int64_t flags;
    if (nargs != 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "bind(address, flags)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || sockaddr_from_tuple(ctx, args[0], &ss) < 0
        || arg_int_range(ctx, args[1], "flags must be an int", 0, UINT32_MAX, &flags) < 0)
        return HPy_NULL;
    int rc = uv_udp_bind(&b->u.udp, (struct sockaddr *)&ss, (unsigned int)flags);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(UDP_connect, "connect", HPyFunc_O,
            .doc = "connect(address_or_None): uv_udp_connect (None disconnects)")
static HPy UDP_connect_impl(HPyContext *ctx, HPy self, HPy address)
{
    struct sockaddr_storage ss;
    const struct sockaddr *addr = NULL;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (!HPy_Is(ctx, address, ctx->h_None)) {
        if (sockaddr_from_tuple(ctx, address, &ss) < 0)
            return HPy_NULL;
        addr = (const struct sockaddr *)&ss;
    }
    int rc = uv_udp_connect(&b->u.udp, addr);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

typedef int (*udp_name_fn)(const uv_udp_t *, struct sockaddr *, int *);

static HPy udp_name(HPyContext *ctx, HPy self, udp_name_fn fn)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    int rc = fn(&b->u.udp, (struct sockaddr *)&ss, &len);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return sockaddr_to_tuple(ctx, (struct sockaddr *)&ss);
}

HPyDef_METH(UDP_getsockname, "getsockname", HPyFunc_NOARGS, .doc = "")
static HPy UDP_getsockname_impl(HPyContext *ctx, HPy self)
{
    return udp_name(ctx, self, uv_udp_getsockname);
}

HPyDef_METH(UDP_getpeername, "getpeername", HPyFunc_NOARGS, .doc = "")
static HPy UDP_getpeername_impl(HPyContext *ctx, HPy self)
{
    return udp_name(ctx, self, uv_udp_getpeername);
}

HPyDef_METH(UDP_family, "family", HPyFunc_NOARGS,
            .doc = "family() -> AF_INET, AF_INET6, or AF_UNSPEC (0) without a socket")
static HPy UDP_family_impl(HPyContext *ctx, HPy self)
{
    struct sockaddr_storage ss;
    int len = sizeof(ss);
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    if (uv_udp_getsockname(&b->u.udp, (struct sockaddr *)&ss, &len) < 0)
        ss.ss_family = AF_UNSPEC;
    return HPyLong_FromInt32_t(ctx, ss.ss_family);
}

/* a str argument without NULs, or NULL for None when none_ok */
static int str_arg(HPyContext *ctx, HPy h, const char *what, int none_ok, const char **out)
{
    HPy_ssize_t len;
    if (none_ok && HPy_Is(ctx, h, ctx->h_None)) {
        *out = NULL;
        return 0;
    }
    if (!HPyUnicode_Check(ctx, h)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, what);
        return -1;
    }
    *out = HPyUnicode_AsUTF8AndSize(ctx, h, &len);
    if (*out == NULL) {
        if (!HPyErr_ExceptionMatches(ctx, ctx->h_UnicodeEncodeError))
            return -1;
        HPyErr_Clear(ctx);
        return uv_raise_i(ctx, UV_EINVAL);
    }
    if ((size_t)len != strlen(*out))
        return uv_raise_i(ctx, UV_EINVAL);   /* an embedded NUL */
    return 0;
}

HPyDef_METH(UDP_set_membership, "set_membership", HPyFunc_VARARGS,
            .doc = "set_membership(group, interface_or_None, membership)")
static HPy UDP_set_membership_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    const char *group, *iface;
    int64_t membership;
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "set_membership(group, interface, membership)");
        return HPy_NULL;
    }
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL
        || str_arg(ctx, args[0], "the multicast group must be a str", 0, &group) < 0
        || str_arg(ctx, args[1], "the interface must be a str or None", 1, &iface) < 0
        || arg_int64(ctx, args[2], "membership must be an int", &membership) < 0)
        return HPy_NULL;
    if (membership != UV_JOIN_GROUP && membership != UV_LEAVE_GROUP)
        return uv_raise(ctx, UV_EINVAL);
    int rc = uv_udp_set_membership(&b->u.udp, group, iface, (uv_membership)membership);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(UDP_set_multicast_interface, "set_multicast_interface", HPyFunc_O,
            .doc = "set_multicast_interface(address_or_None)")
static HPy UDP_set_multicast_interface_impl(HPyContext *ctx, HPy self, HPy h)
{
    const char *iface;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || str_arg(ctx, h, "the interface must be a str or None", 1, &iface) < 0)
        return HPy_NULL;
    int rc = uv_udp_set_multicast_interface(&b->u.udp, iface);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_Dup(ctx, ctx->h_None);
}

#define UDP_BOOL_SETTER(NAME, CALL)                                           \
    HPyDef_METH(UDP_##NAME, #NAME, HPyFunc_O, .doc = #NAME "(enable)")       \
    static HPy UDP_##NAME##_impl(HPyContext *ctx, HPy self, HPy v)            \
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

UDP_BOOL_SETTER(set_broadcast, uv_udp_set_broadcast(&b->u.udp, enable))
UDP_BOOL_SETTER(set_multicast_loop, uv_udp_set_multicast_loop(&b->u.udp, enable))

#define UDP_TTL_SETTER(NAME, CALL, LO)                                        \
    HPyDef_METH(UDP_##NAME, #NAME, HPyFunc_O, .doc = #NAME "(ttl)")          \
    static HPy UDP_##NAME##_impl(HPyContext *ctx, HPy self, HPy v)            \
    {                                                                         \
        int64_t ttl;                                                          \
        bridge_t *b = handle_usable(ctx, self);                               \
        if (b == NULL || arg_int64(ctx, v, "the ttl must be an int", &ttl) < 0) \
            return HPy_NULL;                                                  \
        if (ttl < (LO) || ttl > 255)                                          \
            return uv_raise(ctx, UV_EINVAL);                                  \
        int rc = CALL;                                                        \
        if (rc < 0)                                                           \
            return uv_raise(ctx, rc);                                         \
        return HPy_Dup(ctx, ctx->h_None);                                     \
    }

UDP_TTL_SETTER(set_ttl, uv_udp_set_ttl(&b->u.udp, (int)ttl), 1)
UDP_TTL_SETTER(set_multicast_ttl, uv_udp_set_multicast_ttl(&b->u.udp, (int)ttl), 0)

HPyDef_METH(UDP_send_queue_size, "send_queue_size", HPyFunc_NOARGS,
            .doc = "bytes queued for sending")
static HPy UDP_send_queue_size_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    size_t n = (b->flags & BF_OPEN) ? uv_udp_get_send_queue_size(&b->u.udp) : 0;
    return HPyLong_FromSize_t(ctx, n);
}

HPyDef_METH(UDP_send_queue_count, "send_queue_count", HPyFunc_NOARGS,
            .doc = "datagrams queued for sending")
static HPy UDP_send_queue_count_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    size_t n = (b->flags & BF_OPEN) ? uv_udp_get_send_queue_count(&b->u.udp) : 0;
    return HPyLong_FromSize_t(ctx, n);
}

static HPyDef *UDP_defines[] = {
    HANDLE_COMMON_DEFINES,
    &UDP_new, &UDP_open, &UDP_bind, &UDP_connect, &UDP_getsockname,
    &UDP_getpeername, &UDP_family, &UDP_recv_start, &UDP_recv_stop,
    &UDP_using_recvmmsg, &UDP_send, &UDP_try_send, &UDP_set_membership,
    &UDP_set_multicast_interface, &UDP_set_broadcast, &UDP_set_multicast_loop,
    &UDP_set_ttl, &UDP_set_multicast_ttl, &UDP_send_queue_size,
    &UDP_send_queue_count,
    /* sends complete in order, counted as a stream's writes */
    &Stream_writes_done, &Stream_pin_write,
    NULL
};

HPyType_Spec UDP_spec = {
    .name = "uv._uv.UDP",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = UDP_defines,
    .doc = "native uv_udp_t (use uv.UDP)",
};
