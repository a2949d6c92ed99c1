/* errors.c: libuv statuses to Python exceptions.
 *
 * The exception classes live in uv/error.py.  C raises them through one
 * Python function, uv.error._make_error(code), which returns the exception
 * instance for a libuv status (or for the pseudo statuses ERR_CLOSED_HANDLE,
 * ERR_CLOSED_LOOP, ERR_WRONG_THREAD and ERR_RUNNING); the instance is raised
 * with HPyErr_SetObject.  The table of libuv's codes comes from libuv's own
 * UV_ERRNO_MAP, so codes that a newer libuv adds appear automatically. */
#include "uvmod.h"

HPy uv_raise(HPyContext *ctx, int status)
{
    HPy exc = HPy_NULL, fn = HPy_NULL, args = HPy_NULL, code = HPy_NULL;
    fn = HPyGlobal_Load(ctx, g_dispatch[D_MAKE_ERROR]);
    if (HPy_IsNull(fn) || HPy_Is(ctx, fn, ctx->h_None)) {
        HPy_Close(ctx, fn);
        char buf[128];
        HPyErr_SetString(ctx, ctx->h_OSError, uv_strerror_r(status, buf, sizeof(buf)));
        return HPy_NULL;
    }
    code = HPyLong_FromInt32_t(ctx, status);
    if (HPy_IsNull(code))
        goto out;
    args = HPyTuple_Pack(ctx, 1, code);
    if (HPy_IsNull(args))
        goto out;
    exc = HPy_CallTupleDict(ctx, fn, args, HPy_NULL);
    if (!HPy_IsNull(exc)) {
        HPy type = HPy_Type(ctx, exc);
        HPyErr_SetObject(ctx, type, exc);
        HPy_Close(ctx, type);
    }
out:
    HPy_Close(ctx, exc);
    HPy_Close(ctx, args);
    HPy_Close(ctx, code);
    HPy_Close(ctx, fn);
    return HPy_NULL;
}

int uv_raise_i(HPyContext *ctx, int status)
{
    uv_raise(ctx, status);
    return -1;
}

HPyDef_METH(errors_error_table, "error_table", HPyFunc_NOARGS,
            .doc = "error_table() -> list of (name, code) for every libuv error code")
static HPy errors_error_table_impl(HPyContext *ctx, HPy self)
{
    HPy list = HPyList_New(ctx, 0);
    if (HPy_IsNull(list))
        return HPy_NULL;
#define UV_ADD_ENTRY(name, msg)                                              \
    {                                                                        \
        HPy n = HPyUnicode_FromString(ctx, #name);                           \
        HPy c = HPyLong_FromInt32_t(ctx, UV_##name);                         \
        HPy t = HPy_NULL;                                                    \
        int rc = -1;                                                         \
        if (!HPy_IsNull(n) && !HPy_IsNull(c))                                \
            t = HPyTuple_Pack(ctx, 2, n, c);                                 \
        if (!HPy_IsNull(t))                                                  \
            rc = HPyList_Append(ctx, list, t);                               \
        HPy_Close(ctx, t);                                                   \
        HPy_Close(ctx, c);                                                   \
        HPy_Close(ctx, n);                                                   \
        if (rc < 0) {                                                        \
            HPy_Close(ctx, list);                                            \
            return HPy_NULL;                                                 \
        }                                                                    \
    }
    UV_ERRNO_MAP(UV_ADD_ENTRY)
#undef UV_ADD_ENTRY
    return list;
}

HPyDef_METH(errors_strerror, "strerror", HPyFunc_O,
            .doc = "strerror(code) -> libuv's message for an error code")
static HPy errors_strerror_impl(HPyContext *ctx, HPy self, HPy arg)
{
    int64_t code;
    if (arg_int64(ctx, arg, "an int error code is required", &code) < 0)
        return HPy_NULL;
    char buf[128];
    if (code < INT32_MIN || code > INT32_MAX)
        code = INT32_MIN;
    /* the _r form: uv_strerror leaks a string for codes it does not know */
    return HPyUnicode_FromString(ctx, uv_strerror_r((int)code, buf, sizeof(buf)));
}

HPyDef_METH(errors_err_name, "err_name", HPyFunc_O,
            .doc = "err_name(code) -> libuv's name for an error code")
static HPy errors_err_name_impl(HPyContext *ctx, HPy self, HPy arg)
{
    int64_t code;
    if (arg_int64(ctx, arg, "an int error code is required", &code) < 0)
        return HPy_NULL;
    char buf[128];
    if (code < INT32_MIN || code > INT32_MAX)
        code = INT32_MIN;
    return HPyUnicode_FromString(ctx, uv_err_name_r((int)code, buf, sizeof(buf)));
}
