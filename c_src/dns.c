/* dns.c: getaddrinfo and getnameinfo, synchronous and as requests.
 *
 * Both run on libuv's thread pool when they have a callback: the request is
 * pinned from start to callback like any other (request.c).  The libuv
 * callback turns the result into Python objects, stores them on the
 * request's wrapper as `_result` and completes the request, whose
 * _complete(status) then calls the user.  Without a callback the lookup runs
 * in the calling thread (libuv's synchronous form, uv_xxx with a NULL
 * callback) with the interpreter lock released: only C memory is used while
 * it is released.
 *
 * uv/dns.py converts the user's arguments: host and service arrive here as
 * bytes or None, addresses as (host, port, flowinfo, scope_id).
 *
 * libuv reports a cancelled lookup as UV_EAI_CANCELED; the request's
 * callback gets UV_ECANCELED, as every other cancelled request (API.md
 * section 5). */
#include <netdb.h>
#include <sys/socket.h>
#include "uvmod.h"

/* ---- arguments ---- */

/* a NUL-terminated malloc'd copy of a bytes argument, or NULL for None
 * (*out); -1 with an exception for anything else or an embedded NUL */
static int cstr_arg(HPyContext *ctx, HPy h, const char *what, char **out)
{
    *out = NULL;
    if (HPy_Is(ctx, h, ctx->h_None))
        return 0;
    if (!HPyBytes_Check(ctx, h)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, what);
        return -1;
    }
    HPy_ssize_t len = HPyBytes_Size(ctx, h);
    const char *s = HPyBytes_AsString(ctx, h);
    if (s == NULL)
        return -1;
    if ((size_t)len != strlen(s)) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "embedded null byte");
        return -1;
    }
    *out = malloc((size_t)len + 1);
    if (*out == NULL) {
        HPyErr_NoMemory(ctx);
        return -1;
    }
    memcpy(*out, s, (size_t)len + 1);
    return 0;
}

typedef struct {
    char *host, *service;
    struct addrinfo hints;
} gai_args_t;

static void gai_args_free(gai_args_t *a)
{
    free(a->host);
    free(a->service);
    a->host = a->service = NULL;
}

/* host, service, family, socktype, protocol, flags */
static int gai_args(HPyContext *ctx, const HPy *args, gai_args_t *a)
{
    int64_t v[4];
    static const char *what[4] = {
        "family must be an int", "socktype must be an int",
        "protocol must be an int", "flags must be an int",
    };
    memset(a, 0, sizeof(*a));
    for (int i = 0; i < 4; i++)
        if (arg_int_range(ctx, args[2 + i], what[i], INT32_MIN, INT32_MAX, &v[i]) < 0)
            return -1;
    if (cstr_arg(ctx, args[0], "the host must be bytes or None", &a->host) < 0)
        return -1;
    if (cstr_arg(ctx, args[1], "the port must be bytes or None", &a->service) < 0) {
        gai_args_free(a);
        return -1;
    }
    a->hints.ai_family = (int)v[0];
    a->hints.ai_socktype = (int)v[1];
    a->hints.ai_protocol = (int)v[2];
    a->hints.ai_flags = (int)v[3];
    return 0;
}

/* host, port, flowinfo, scope_id, flags */
static int gni_args(HPyContext *ctx, const HPy *args, struct sockaddr_storage *ss,
                    int *flags)
{
    int64_t f;
    if (sockaddr_from_args(ctx, args, ss) < 0
        || arg_int_range(ctx, args[4], "flags must be an int", INT32_MIN, INT32_MAX, &f) < 0)
        return -1;
    *flags = (int)f;
    return 0;
}

/* ---- results ---- */

static HPy str_or_empty(HPyContext *ctx, const char *s)
{
    /* the file-system encoding with surrogateescape: never fails on bytes a
     * resolver returns */
    return HPyUnicode_DecodeFSDefault(ctx, s ? s : "");
}

/* [(family, socktype, protocol, canonname, (host, port[, flowinfo,
 * scope_id]) or None), ...] */
static HPy addrinfo_list(HPyContext *ctx, const struct addrinfo *ai)
{
    HPy list = HPyList_New(ctx, 0);
    if (HPy_IsNull(list))
        return HPy_NULL;
    for (; ai != NULL; ai = ai->ai_next) {
        HPy items[5] = {HPy_NULL, HPy_NULL, HPy_NULL, HPy_NULL, HPy_NULL};
        HPy t = HPy_NULL;
        int ok = 0;
        items[0] = HPyLong_FromInt32_t(ctx, ai->ai_family);
        items[1] = HPyLong_FromInt32_t(ctx, ai->ai_socktype);
        items[2] = HPyLong_FromInt32_t(ctx, ai->ai_protocol);
        items[3] = str_or_empty(ctx, ai->ai_canonname);
        if (ai->ai_addr != NULL && (ai->ai_addr->sa_family == AF_INET
                                    || ai->ai_addr->sa_family == AF_INET6))
            items[4] = sockaddr_to_tuple(ctx, ai->ai_addr);
        else
            items[4] = HPy_Dup(ctx, ctx->h_None);
        if (!HPy_IsNull(items[0]) && !HPy_IsNull(items[1]) && !HPy_IsNull(items[2])
            && !HPy_IsNull(items[3]) && !HPy_IsNull(items[4])) {
            t = HPyTuple_FromArray(ctx, items, 5);
            ok = !HPy_IsNull(t) && HPyList_Append(ctx, list, t) == 0;
        }
        HPy_Close(ctx, t);
        for (int i = 0; i < 5; i++)
            HPy_Close(ctx, items[i]);
        if (!ok) {
            HPy_Close(ctx, list);
            return HPy_NULL;
        }
    }
    return list;
}

static HPy nameinfo_tuple(HPyContext *ctx, const char *host, const char *service)
{
    HPy h = str_or_empty(ctx, host), s = str_or_empty(ctx, service), t = HPy_NULL;
    if (!HPy_IsNull(h) && !HPy_IsNull(s))
        t = HPyTuple_Pack(ctx, 2, h, s);
    HPy_Close(ctx, h);
    HPy_Close(ctx, s);
    return t;
}

/* the libuv callback's end: hand `result` (a new handle or HPy_NULL) to the
 * pinned wrapper as _result, then complete the request */
static void dns_complete(reqb_t *r, int status, HPy result)
{
    uvcore_t *core = r->core;
    HPyContext *ctx = core->ctx;
    if (status == UV_EAI_CANCELED)
        status = UV_ECANCELED;
    if (ctx != NULL && (r->flags & RF_PINNED)) {
        HPy w = HPyField_Load(ctx, core->h_loop, r->self);
        if (HPy_IsNull(result) || HPy_SetAttr_s(ctx, w, "_result", result) < 0) {
            /* out of memory while converting: the lookup's result is lost,
             * the callback learns so */
            HPyErr_Clear(ctx);
            if (status == 0)
                status = UV_ENOMEM;
        }
        HPy_Close(ctx, w);
    }
    if (!HPy_IsNull(result))
        HPy_Close(ctx, result);
    reqb_complete(r, status);
}

static void getaddrinfo_cb(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
    reqb_t *r = req->data;
    uvcore_t *core = r->core;
    HPy result = HPy_NULL;
    gil_ensure(core);
    CORE_DRAIN(core);
    if (core->ctx != NULL && (r->flags & RF_PINNED)) {
        result = status == 0 ? addrinfo_list(core->ctx, res)
                             : HPyList_New(core->ctx, 0);
    }
    uv_freeaddrinfo(res);
    dns_complete(r, status, result);
}

static void getnameinfo_cb(uv_getnameinfo_t *req, int status, const char *host,
                           const char *service)
{
    reqb_t *r = req->data;
    uvcore_t *core = r->core;
    HPy result = HPy_NULL;
    gil_ensure(core);
    CORE_DRAIN(core);
    if (core->ctx != NULL && (r->flags & RF_PINNED))
        result = status == 0 ? nameinfo_tuple(core->ctx, host, service)
                             : nameinfo_tuple(core->ctx, NULL, NULL);
    dns_complete(r, status, result);
}

/* ---- synchronous forms ---- */

HPyDef_METH(dns_getaddrinfo, "getaddrinfo", HPyFunc_VARARGS,
            .doc = "getaddrinfo(loop, host, service, family, socktype, protocol, flags)"
                   " -> [(family, socktype, protocol, canonname, address)]\n"
                   "host/service: bytes or None.  Blocks without the interpreter lock.")
static HPy dns_getaddrinfo_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    gai_args_t a;
    uv_getaddrinfo_t req;
    if (nargs != 7) {
        HPyErr_SetString(ctx, ctx->h_TypeError,
                         "getaddrinfo(loop, host, service, family, socktype, protocol, flags)");
        return HPy_NULL;
    }
    uvcore_t *core = loop_core_from(ctx, args[0]);
    if (core == NULL || gai_args(ctx, args + 1, &a) < 0)
        return HPy_NULL;
    memset(&req, 0, sizeof(req));
    HPyThreadState ts = HPy_LeavePythonExecution(ctx);
    int rc = uv_getaddrinfo(core->loop, &req, NULL, a.host, a.service, &a.hints);
    HPy_ReenterPythonExecution(ctx, ts);
    gai_args_free(&a);
    if (rc < 0) {
        uv_freeaddrinfo(req.addrinfo);
        return uv_raise(ctx, rc);
    }
    HPy list = addrinfo_list(ctx, req.addrinfo);
    uv_freeaddrinfo(req.addrinfo);
    return list;
}

HPyDef_METH(dns_getnameinfo, "getnameinfo", HPyFunc_VARARGS,
            .doc = "getnameinfo(loop, host, port, flowinfo, scope_id, flags) -> (hostname, service)\n"
                   "Blocks without the interpreter lock.")
static HPy dns_getnameinfo_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    struct sockaddr_storage ss;
    uv_getnameinfo_t req;
    int flags;
    if (nargs != 6) {
        HPyErr_SetString(ctx, ctx->h_TypeError,
                         "getnameinfo(loop, host, port, flowinfo, scope_id, flags)");
        return HPy_NULL;
    }
    uvcore_t *core = loop_core_from(ctx, args[0]);
    if (core == NULL || gni_args(ctx, args + 1, &ss, &flags) < 0)
        return HPy_NULL;
    memset(&req, 0, sizeof(req));
    HPyThreadState ts = HPy_LeavePythonExecution(ctx);
    int rc = uv_getnameinfo(core->loop, &req, NULL, (struct sockaddr *)&ss, flags);
    HPy_ReenterPythonExecution(ctx, ts);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return nameinfo_tuple(ctx, req.host, req.service);
}

/* ---- the requests ---- */

HPyDef_SLOT(GetAddrInfoRequest_new, HPy_tp_new)
static HPy GetAddrInfoRequest_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                                       HPy_ssize_t nargs, HPy kw)
{
    return request_type_new(ctx, type, args, nargs, UV_GETADDRINFO);
}

HPyDef_METH(GetAddrInfoRequest_start, "start", HPyFunc_VARARGS,
            .doc = "start(wrapper, host, service, family, socktype, protocol, flags)")
static HPy GetAddrInfoRequest_start_impl(HPyContext *ctx, HPy self, const HPy *args,
                                         size_t nargs)
{
    gai_args_t a;
    if (nargs != 7) {
        HPyErr_SetString(ctx, ctx->h_TypeError,
                         "start(wrapper, host, service, family, socktype, protocol, flags)");
        return HPy_NULL;
    }
    reqb_t *r = request_unstarted(ctx, self);
    if (r == NULL || core_check_thread(ctx, r->core) < 0)
        return HPy_NULL;
    if (r->core->closed)
        return uv_raise(ctx, ERR_CLOSED_LOOP);
    if (gai_args(ctx, args + 1, &a) < 0)
        return HPy_NULL;
    /* libuv copies host, service and hints */
    int rc = uv_getaddrinfo(r->core->loop, &r->u.getaddrinfo, getaddrinfo_cb,
                            a.host, a.service, &a.hints);
    gai_args_free(&a);
    return request_started(ctx, self, r, args[0], rc);
}

static HPyDef *GetAddrInfoRequest_defines[] = {
    REQUEST_COMMON_DEFINES, &GetAddrInfoRequest_new, &GetAddrInfoRequest_start, NULL
};

HPyType_Spec GetAddrInfoRequest_spec = {
    .name = "uv._uv.GetAddrInfoRequest",
    .basicsize = sizeof(RequestObject),
    .builtin_shape = RequestObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = GetAddrInfoRequest_defines,
    .doc = "native uv_getaddrinfo_t (use uv.dns.getaddrinfo)",
};

HPyDef_SLOT(GetNameInfoRequest_new, HPy_tp_new)
static HPy GetNameInfoRequest_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                                       HPy_ssize_t nargs, HPy kw)
{
    return request_type_new(ctx, type, args, nargs, UV_GETNAMEINFO);
}

HPyDef_METH(GetNameInfoRequest_start, "start", HPyFunc_VARARGS,
            .doc = "start(wrapper, host, port, flowinfo, scope_id, flags)")
static HPy GetNameInfoRequest_start_impl(HPyContext *ctx, HPy self, const HPy *args,
                                         size_t nargs)
{
    struct sockaddr_storage ss;
    int flags;
    if (nargs != 6) {
        HPyErr_SetString(ctx, ctx->h_TypeError,
                         "start(wrapper, host, port, flowinfo, scope_id, flags)");
        return HPy_NULL;
    }
    reqb_t *r = request_unstarted(ctx, self);
    if (r == NULL || core_check_thread(ctx, r->core) < 0)
        return HPy_NULL;
    if (r->core->closed)
        return uv_raise(ctx, ERR_CLOSED_LOOP);
    if (gni_args(ctx, args + 1, &ss, &flags) < 0)
        return HPy_NULL;
    int rc = uv_getnameinfo(r->core->loop, &r->u.getnameinfo, getnameinfo_cb,
                            (struct sockaddr *)&ss, flags);
    return request_started(ctx, self, r, args[0], rc);
}

static HPyDef *GetNameInfoRequest_defines[] = {
    REQUEST_COMMON_DEFINES, &GetNameInfoRequest_new, &GetNameInfoRequest_start, NULL
};

HPyType_Spec GetNameInfoRequest_spec = {
    .name = "uv._uv.GetNameInfoRequest",
    .basicsize = sizeof(RequestObject),
    .builtin_shape = RequestObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = GetNameInfoRequest_defines,
    .doc = "native uv_getnameinfo_t (use uv.dns.getnameinfo)",
};
