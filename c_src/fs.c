/* fs.c: libuv's file-system operations (uv_fs_*), synchronous and
 * asynchronous, and the directory streams of opendir/readdir/closedir.
 *
 * One entry point per mode, for every operation (op is libuv's uv_fs_type):
 *   _uv.fs_call(op, *args)            synchronous: the result, or raises
 *   FSRequest(loop).start(wrapper, op, *args)
 *                                     asynchronous: libuv's thread pool runs
 *                                     it; the wrapper is pinned until its
 *                                     _complete(status) runs, with the result
 *                                     stored first in wrapper._result
 * The arguments of each operation are parsed and range-checked here (paths
 * are bytes: uv/fs.py encodes str and os.PathLike paths; data is bytes or a
 * list of bytes).
 *
 * Synchronous calls release the interpreter lock around the system call and
 * touch no Python object meanwhile: paths and data are read from bytes
 * objects whose handles stay open during the call, reads go into malloc'd
 * memory.  They run with no loop (libuv uses none without a callback).
 *
 * Asynchronous calls own what the thread pool touches: libuv copies paths,
 * data to write is copied and reads go into memory the request owns
 * (fsx_t in r->mem), freed when the request completes.  A request whose
 * loop is closed or collected completes without Python (the loop's
 * teardown runs libuv until the thread pool is done with it), and what it
 * created that nobody can receive any more (an fd, a temp file or
 * directory, an open directory stream) is closed or removed again.
 * uv_fs_req_cleanup runs after every request. */
#include <errno.h>
#include <math.h>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>
#include "uvmod.h"

HPyGlobal g_fs[FSG_COUNT];

/* the operation code of a read into an FSBuffer (not a libuv type) */
#define FS_READ_INTO 1000

/* read(2) on Linux moves at most this much per call */
#define FS_READ_MAX ((int64_t)0x7ffff000)

/* ---- directory streams ----
 * The uv_dir_t of an open directory belongs to fsdir_t, which outlives the
 * FSDir object while an operation on it is in flight (busy): that
 * operation's completion closes and frees it once the object is gone. */
typedef struct {
    uv_dir_t *dir;      /* NULL: not open (or closed) */
    int busy;           /* an operation is in flight (or running unlocked) */
    int orphan;         /* the FSDir object is gone */
} fsdir_t;

typedef struct { fsdir_t *d; } FSDirObject;
HPyType_HELPERS(FSDirObject)

static void fsdir_close_now(fsdir_t *d)
{
    if (d->dir != NULL) {
        uv_fs_t req;
        uv_fs_closedir(NULL, &req, d->dir, NULL);
        uv_fs_req_cleanup(&req);
        d->dir = NULL;
    }
}

/* an operation on d ended: free it if its object is gone */
static void fsdir_release(fsdir_t *d)
{
    d->busy = 0;
    if (d->orphan) {
        fsdir_close_now(d);
        free(d);
    }
}

HPyDef_SLOT(FSDir_new, HPy_tp_new)
static HPy FSDir_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                          HPy_ssize_t nargs, HPy kw)
{
    HPy mine = HPyGlobal_Load(ctx, g_fs[FSG_DIRTYPE]);
    int exact = HPy_Is(ctx, type, mine);
    HPy_Close(ctx, mine);
    if (nargs != 0 || !HPy_IsNull(kw) || !exact) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "FSDir() takes no arguments (and no subclasses)");
        return HPy_NULL;
    }
    FSDirObject *o;
    HPy h = HPy_New(ctx, type, &o);
    if (HPy_IsNull(h))
        return HPy_NULL;
    o->d = calloc(1, sizeof(fsdir_t));
    if (o->d == NULL) {
        HPy_Close(ctx, h);
        return HPyErr_NoMemory(ctx);
    }
    return h;
}

HPyDef_SLOT(FSDir_destroy, HPy_tp_destroy)
static void FSDir_destroy_impl(void *self)
{
    FSDirObject *o = self;
    fsdir_t *d = o->d;
    o->d = NULL;
    if (d == NULL)
        return;
    if (d->busy) {
        d->orphan = 1;           /* the operation in flight frees it */
        return;
    }
    fsdir_close_now(d);          /* closedir(3): no Python */
    free(d);
}

HPyDef_METH(FSDir_is_open, "is_open", HPyFunc_NOARGS,
            .doc = "is_open() -> bool: opened and not closed")
static HPy FSDir_is_open_impl(HPyContext *ctx, HPy self)
{
    fsdir_t *d = FSDirObject_AsStruct(ctx, self)->d;
    return HPyBool_FromBool(ctx, d != NULL && d->dir != NULL);
}

HPyDef_METH(FSDir_is_busy, "is_busy", HPyFunc_NOARGS,
            .doc = "is_busy() -> bool: an operation on it is in flight")
static HPy FSDir_is_busy_impl(HPyContext *ctx, HPy self)
{
    fsdir_t *d = FSDirObject_AsStruct(ctx, self)->d;
    return HPyBool_FromBool(ctx, d != NULL && d->busy);
}

static HPyDef *FSDir_defines[] = {
    &FSDir_new, &FSDir_destroy, &FSDir_is_open, &FSDir_is_busy, NULL
};

HPyType_Spec FSDir_spec = {
    .name = "uv._uv.FSDir",
    .basicsize = sizeof(FSDirObject),
    .builtin_shape = FSDirObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = FSDir_defines,
    .doc = "native directory stream of uv_fs_opendir (use uv.fs.opendir)",
};

/* ---- buffers: memory of this module that Python sees as a buffer ----
 * HPy 0.9 cannot reach the memory of a Python buffer from C, but a type of
 * this module can export its own memory (bf_getbuffer).  A read into an
 * FSBuffer (uv.fs.Buffer) goes straight into that memory: no copy.  The
 * memory is shared by the object and the asynchronous requests that read
 * into it (refs), so a request in flight whose buffer object was collected
 * (with its loop) still writes into memory that exists. */
#define BUF_FORMAT  0x0004      /* CPython's PyBUF_* values (the stable ABI) */
#define BUF_ND      0x0008
#define BUF_STRIDES (0x0010 | BUF_ND)

typedef struct {
    size_t refs;
    HPy_ssize_t len;
    HPy_ssize_t one;            /* the stride */
    char data[];
} fsmem_t;

typedef struct { fsmem_t *m; } FSBufferObject;
HPyType_HELPERS(FSBufferObject)

static void fsmem_unref(fsmem_t *m)
{
    if (m != NULL && --m->refs == 0)
        free(m);
}

HPyDef_SLOT(FSBuffer_new, HPy_tp_new)
static HPy FSBuffer_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                             HPy_ssize_t nargs, HPy kw)
{
    int64_t size;
    if (nargs != 1 || !HPy_IsNull(kw)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "Buffer(size) takes one argument");
        return HPy_NULL;
    }
    /* final: PyPy lets Python subclass an HPy type, and aborts when it
     * collects an instance of such a subclass (DESIGN.md 3.3) */
    HPy mine = HPyGlobal_Load(ctx, g_fs[FSG_BUFTYPE]);
    int exact = HPy_Is(ctx, type, mine);
    HPy_Close(ctx, mine);
    if (!exact) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "uv.fs.Buffer cannot be subclassed");
        return HPy_NULL;
    }
    if (arg_int64(ctx, args[0], "the size must be an int", &size) < 0)
        return HPy_NULL;
    if (size < 0) {
        uv_raise(ctx, UV_EINVAL);
        return HPy_NULL;
    }
    if ((uint64_t)size > ((uint64_t)1 << 40)) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "a buffer of at most 1 TiB");
        return HPy_NULL;
    }
    FSBufferObject *o;
    HPy h = HPy_New(ctx, type, &o);
    if (HPy_IsNull(h))
        return HPy_NULL;
    o->m = calloc(1, sizeof(fsmem_t) + (size_t)size + 1);
    if (o->m == NULL) {
        HPy_Close(ctx, h);
        return HPyErr_NoMemory(ctx);
    }
    o->m->refs = 1;
    o->m->len = (HPy_ssize_t)size;
    o->m->one = 1;
    return h;
}

HPyDef_SLOT(FSBuffer_destroy, HPy_tp_destroy)
static void FSBuffer_destroy_impl(void *self)
{
    FSBufferObject *o = self;
    fsmem_unref(o->m);
    o->m = NULL;
}

HPyDef_SLOT(FSBuffer_getbuffer, HPy_bf_getbuffer)
static int FSBuffer_getbuffer_impl(HPyContext *ctx, HPy self, HPy_buffer *view, int flags)
{
    fsmem_t *m = FSBufferObject_AsStruct(ctx, self)->m;
    view->buf = m->data;
    view->obj = HPy_Dup(ctx, self);
    view->len = m->len;
    view->itemsize = 1;
    view->readonly = 0;
    view->ndim = 1;
    view->format = (flags & BUF_FORMAT) ? "B" : NULL;
    view->shape = (flags & BUF_ND) == BUF_ND ? &m->len : NULL;
    view->strides = (flags & BUF_STRIDES) == BUF_STRIDES ? &m->one : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    return 0;
}

HPyDef_SLOT(FSBuffer_len, HPy_mp_length)
static HPy_ssize_t FSBuffer_len_impl(HPyContext *ctx, HPy self)
{
    return FSBufferObject_AsStruct(ctx, self)->m->len;
}

static HPyDef *FSBuffer_defines[] = {
    &FSBuffer_new, &FSBuffer_destroy, &FSBuffer_getbuffer, &FSBuffer_len, NULL
};

HPyType_Spec FSBuffer_spec = {
    .name = "uv.fs.Buffer",
    .basicsize = sizeof(FSBufferObject),
    .builtin_shape = FSBufferObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT,
    .defines = FSBuffer_defines,
    .doc = "Buffer(size): zero-filled memory that uv.fs reads into without a "
           "copy (uv.fs.readinto); a writable buffer for Python (memoryview, "
           "bytes(...), slicing through memoryview).",
};

/* ---- arguments ---- */

typedef struct {
    int op;
    const char *path, *path2;
    uv_file fd, fd2;
    int flags, mode;
    int64_t off, len;
    double t1, t2;
    uv_uid_t uid;
    uv_gid_t gid;
    fsdir_t *dir;
    fsmem_t *mem;              /* read into: an FSBuffer's memory */
    /* write data: bufs point into bytes objects (items, open handles) */
    uv_buf_t *bufs;
    HPy *items;
    size_t nbufs, total;
    uv_buf_t sbuf[4];
    HPy sitem[4];
} fsargs_t;

/* what an asynchronous request owns (r->mem): freed with it */
typedef struct {
    int op;
    fsdir_t *dir;              /* the directory stream it works on */
    fsmem_t *mem;              /* the FSBuffer memory it reads into (a ref) */
    uv_dirent_t *dirents;      /* readdir: the entries libuv fills */
    char data[];               /* read buffer / copy of the data to write */
} fsx_t;

static void args_release(HPyContext *ctx, fsargs_t *a)
{
    for (size_t i = 0; i < a->nbufs; i++)
        HPy_Close(ctx, a->items[i]);
    if (a->bufs != a->sbuf) {
        free(a->bufs);
        free(a->items);
    }
    a->nbufs = 0;
    a->bufs = a->sbuf;
    a->items = a->sitem;
}

static int want_args(HPyContext *ctx, size_t nargs, size_t n, const char *sig)
{
    if (nargs != n) {
        HPyErr_Format(ctx, ctx->h_TypeError, "%s takes %d argument(s)", sig, (int)n);
        return -1;
    }
    return 0;
}

static int arg_path(HPyContext *ctx, HPy h, const char **out)
{
    if (!HPyBytes_Check(ctx, h)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "a path must be bytes (uv.fs encodes str paths)");
        return -1;
    }
    const char *s = HPyBytes_AsString(ctx, h);
    HPy_ssize_t n = HPyBytes_Size(ctx, h);
    if (s == NULL)
        return -1;
    if (memchr(s, 0, (size_t)n) != NULL) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "embedded null byte");
        return -1;
    }
    *out = s;
    return 0;
}

static int fs_arg_fd(HPyContext *ctx, HPy h, uv_file *out)
{
    int64_t v;
    if (arg_int_range(ctx, h, "a file descriptor must be an int", INT32_MIN, INT32_MAX, &v) < 0)
        return -1;
    if (v < 0) {
        uv_raise(ctx, UV_EBADF);
        return -1;
    }
    *out = (uv_file)v;
    return 0;
}

static int arg_int(HPyContext *ctx, HPy h, const char *what, int64_t lo, int64_t hi, int *out)
{
    int64_t v;
    if (arg_int_range(ctx, h, what, lo, hi, &v) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

/* a size or offset >= lo: ArgumentError (EINVAL) below it, OverflowError
 * beyond 63 bits */
static int arg_size(HPyContext *ctx, HPy h, const char *what, int64_t lo, int64_t *out)
{
    if (arg_int64(ctx, h, what, out) < 0)
        return -1;
    if (*out < lo) {
        uv_raise(ctx, UV_EINVAL);
        return -1;
    }
    return 0;
}

static int arg_time(HPyContext *ctx, HPy h, double *out)
{
    if (!HPy_TypeCheck(ctx, h, ctx->h_FloatType) && !HPy_TypeCheck(ctx, h, ctx->h_LongType)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "a time must be an int or a float (seconds)");
        return -1;
    }
    double t = HPyFloat_AsDouble(ctx, h);
    if (t == -1.0 && HPyErr_Occurred(ctx))
        return -1;
    if (isnan(t)) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "a time cannot be NaN");
        return -1;
    }
    /* time_t seconds; libuv converts without checking */
    if (!(t > -4611686018427387904.0 && t < 4611686018427387904.0)) {
        HPyErr_SetString(ctx, ctx->h_OverflowError, "time out of range");
        return -1;
    }
    *out = t;
    return 0;
}

static int arg_id(HPyContext *ctx, HPy h, uint32_t *out)
{
    int64_t v;
    if (arg_int_range(ctx, h, "a user or group id must be an int", -1, UINT32_MAX, &v) < 0)
        return -1;
    *out = (uint32_t)v;          /* -1: leave it unchanged */
    return 0;
}

static fsdir_t *arg_dir(HPyContext *ctx, HPy h, int want_open)
{
    HPy type = HPyGlobal_Load(ctx, g_fs[FSG_DIRTYPE]);
    int ok = HPy_TypeCheck(ctx, h, type);
    HPy_Close(ctx, type);
    if (!ok) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "a native directory stream (FSDir) is required");
        return NULL;
    }
    fsdir_t *d = FSDirObject_AsStruct(ctx, h)->d;
    if (d->busy) {
        uv_raise(ctx, UV_EBUSY);
        return NULL;
    }
    if (want_open ? d->dir == NULL : d->dir != NULL) {
        uv_raise(ctx, want_open ? UV_EBADF : UV_EALREADY);
        return NULL;
    }
    return d;
}

/* data: bytes, or a list/tuple of bytes */
static int arg_data(HPyContext *ctx, HPy data, fsargs_t *a)
{
    if (HPyBytes_Check(ctx, data)) {
        a->items[0] = HPy_Dup(ctx, data);
        a->bufs[0] = buf_make((char *)HPyBytes_AsString(ctx, data),
                              (size_t)HPyBytes_Size(ctx, data));
        a->nbufs = 1;
        a->total = a->bufs[0].len;
        return 0;
    }
    if (!HPyList_Check(ctx, data) && !HPyTuple_Check(ctx, data)) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "data must be bytes or a list of bytes");
        return -1;
    }
    HPy_ssize_t n = HPy_Length(ctx, data);
    if (n < 0)
        return -1;
    if (n == 0) {
        HPyErr_SetString(ctx, ctx->h_ValueError, "no data to write (an empty list)");
        return -1;
    }
    if (n > 4) {
        a->bufs = malloc(sizeof(uv_buf_t) * (size_t)n);
        a->items = malloc(sizeof(HPy) * (size_t)n);
        if (a->bufs == NULL || a->items == NULL) {
            free(a->bufs);
            free(a->items);
            a->bufs = a->sbuf;
            a->items = a->sitem;
            HPyErr_NoMemory(ctx);
            return -1;
        }
    }
    for (HPy_ssize_t i = 0; i < n; i++) {
        HPy item = HPy_GetItem_i(ctx, data, i);
        if (HPy_IsNull(item))
            return -1;
        a->items[a->nbufs++] = item;
        if (!HPyBytes_Check(ctx, item)) {
            HPyErr_SetString(ctx, ctx->h_TypeError, "data items must be bytes");
            return -1;
        }
        a->bufs[i] = buf_make((char *)HPyBytes_AsString(ctx, item),
                              (size_t)HPyBytes_Size(ctx, item));
        a->total += a->bufs[i].len;
    }
    return 0;
}

/* parse the arguments of operation op; -1 with an exception set.  The
 * caller releases *a (args_release) in every case. */
static int parse_args(HPyContext *ctx, int op, const HPy *args, size_t nargs, fsargs_t *a)
{
    memset(a, 0, sizeof(*a));
    a->op = op;
    a->bufs = a->sbuf;
    a->items = a->sitem;
    a->off = -1;
    switch (op) {
    case UV_FS_OPEN:
        return want_args(ctx, nargs, 3, "open(path, flags, mode)") < 0
            || arg_path(ctx, args[0], &a->path) < 0
            || arg_int(ctx, args[1], "flags must be an int", INT32_MIN, INT32_MAX, &a->flags) < 0
            || arg_int(ctx, args[2], "mode must be an int", 0, 07777, &a->mode) < 0 ? -1 : 0;
    case UV_FS_CLOSE: case UV_FS_FSTAT: case UV_FS_FSYNC: case UV_FS_FDATASYNC:
        return want_args(ctx, nargs, 1, "(fd)") < 0 || fs_arg_fd(ctx, args[0], &a->fd) < 0 ? -1 : 0;
    case UV_FS_READ:
        if (want_args(ctx, nargs, 3, "read(fd, length, offset)") < 0
            || fs_arg_fd(ctx, args[0], &a->fd) < 0
            || arg_size(ctx, args[1], "a length must be an int", 0, &a->len) < 0
            || arg_size(ctx, args[2], "an offset must be an int", -1, &a->off) < 0)
            return -1;
        if (a->len > FS_READ_MAX)
            a->len = FS_READ_MAX;       /* a short read, as read(2) makes */
        return 0;
    case FS_READ_INTO: {
        int64_t start;
        if (want_args(ctx, nargs, 5, "read_into(fd, buffer, offset, start, length)") < 0
            || fs_arg_fd(ctx, args[0], &a->fd) < 0
            || arg_size(ctx, args[2], "an offset must be an int", -1, &a->off) < 0
            || arg_size(ctx, args[3], "a start must be an int", 0, &start) < 0
            || arg_size(ctx, args[4], "a length must be an int", 0, &a->len) < 0)
            return -1;
        HPy type = HPyGlobal_Load(ctx, g_fs[FSG_BUFTYPE]);
        int ok = HPy_TypeCheck(ctx, args[1], type);
        HPy_Close(ctx, type);
        if (!ok) {
            HPyErr_SetString(ctx, ctx->h_TypeError, "a uv.fs.Buffer is required");
            return -1;
        }
        a->mem = FSBufferObject_AsStruct(ctx, args[1])->m;
        if (start > a->mem->len || a->len > a->mem->len - start) {
            HPyErr_SetString(ctx, ctx->h_ValueError, "start and length beyond the buffer");
            return -1;
        }
        if (a->len > FS_READ_MAX)
            a->len = FS_READ_MAX;
        a->path = a->mem->data + start;      /* where the bytes go */
        return 0;
    }
    case UV_FS_WRITE:
        return want_args(ctx, nargs, 3, "write(fd, data, offset)") < 0
            || fs_arg_fd(ctx, args[0], &a->fd) < 0
            || arg_size(ctx, args[2], "an offset must be an int", -1, &a->off) < 0
            || arg_data(ctx, args[1], a) < 0 ? -1 : 0;
    case UV_FS_SENDFILE:
        return want_args(ctx, nargs, 4, "sendfile(out_fd, in_fd, in_offset, length)") < 0
            || fs_arg_fd(ctx, args[0], &a->fd) < 0 || fs_arg_fd(ctx, args[1], &a->fd2) < 0
            || arg_size(ctx, args[2], "an offset must be an int", 0, &a->off) < 0
            || arg_size(ctx, args[3], "a length must be an int", 0, &a->len) < 0 ? -1 : 0;
    case UV_FS_STAT: case UV_FS_LSTAT: case UV_FS_UNLINK: case UV_FS_RMDIR:
    case UV_FS_MKDTEMP: case UV_FS_MKSTEMP: case UV_FS_SCANDIR:
    case UV_FS_READLINK: case UV_FS_REALPATH: case UV_FS_STATFS:
        return want_args(ctx, nargs, 1, "(path)") < 0 || arg_path(ctx, args[0], &a->path) < 0 ? -1 : 0;
    case UV_FS_FTRUNCATE:
        return want_args(ctx, nargs, 2, "ftruncate(fd, length)") < 0
            || fs_arg_fd(ctx, args[0], &a->fd) < 0
            || arg_size(ctx, args[1], "a length must be an int", 0, &a->off) < 0 ? -1 : 0;
    case UV_FS_UTIME: case UV_FS_LUTIME:
        return want_args(ctx, nargs, 3, "(path, atime, mtime)") < 0
            || arg_path(ctx, args[0], &a->path) < 0
            || arg_time(ctx, args[1], &a->t1) < 0 || arg_time(ctx, args[2], &a->t2) < 0 ? -1 : 0;
    case UV_FS_FUTIME:
        return want_args(ctx, nargs, 3, "futime(fd, atime, mtime)") < 0
            || fs_arg_fd(ctx, args[0], &a->fd) < 0
            || arg_time(ctx, args[1], &a->t1) < 0 || arg_time(ctx, args[2], &a->t2) < 0 ? -1 : 0;
    case UV_FS_ACCESS:
        return want_args(ctx, nargs, 2, "access(path, mode)") < 0
            || arg_path(ctx, args[0], &a->path) < 0
            || arg_int(ctx, args[1], "mode must be an int", 0, 7, &a->mode) < 0 ? -1 : 0;
    case UV_FS_CHMOD: case UV_FS_MKDIR:
        return want_args(ctx, nargs, 2, "(path, mode)") < 0
            || arg_path(ctx, args[0], &a->path) < 0
            || arg_int(ctx, args[1], "mode must be an int", 0, 07777, &a->mode) < 0 ? -1 : 0;
    case UV_FS_FCHMOD:
        return want_args(ctx, nargs, 2, "fchmod(fd, mode)") < 0
            || fs_arg_fd(ctx, args[0], &a->fd) < 0
            || arg_int(ctx, args[1], "mode must be an int", 0, 07777, &a->mode) < 0 ? -1 : 0;
    case UV_FS_RENAME: case UV_FS_LINK:
        return want_args(ctx, nargs, 2, "(path, new_path)") < 0
            || arg_path(ctx, args[0], &a->path) < 0 || arg_path(ctx, args[1], &a->path2) < 0 ? -1 : 0;
    case UV_FS_SYMLINK: case UV_FS_COPYFILE:
        return want_args(ctx, nargs, 3, "(path, new_path, flags)") < 0
            || arg_path(ctx, args[0], &a->path) < 0 || arg_path(ctx, args[1], &a->path2) < 0
            || arg_int(ctx, args[2], "flags must be an int", 0, INT32_MAX, &a->flags) < 0 ? -1 : 0;
    case UV_FS_CHOWN: case UV_FS_LCHOWN:
        return want_args(ctx, nargs, 3, "(path, uid, gid)") < 0
            || arg_path(ctx, args[0], &a->path) < 0
            || arg_id(ctx, args[1], &a->uid) < 0 || arg_id(ctx, args[2], &a->gid) < 0 ? -1 : 0;
    case UV_FS_FCHOWN:
        return want_args(ctx, nargs, 3, "fchown(fd, uid, gid)") < 0
            || fs_arg_fd(ctx, args[0], &a->fd) < 0
            || arg_id(ctx, args[1], &a->uid) < 0 || arg_id(ctx, args[2], &a->gid) < 0 ? -1 : 0;
    case UV_FS_OPENDIR:
        if (want_args(ctx, nargs, 2, "opendir(path, fsdir)") < 0
            || arg_path(ctx, args[0], &a->path) < 0)
            return -1;
        a->dir = arg_dir(ctx, args[1], 0);
        return a->dir == NULL ? -1 : 0;
    case UV_FS_READDIR:
        if (want_args(ctx, nargs, 2, "readdir(fsdir, entries)") < 0
            || arg_size(ctx, args[1], "entries must be an int", 1, &a->len) < 0)
            return -1;
        if (a->len > 65536) {
            HPyErr_SetString(ctx, ctx->h_OverflowError, "at most 65536 entries at once");
            return -1;
        }
        a->dir = arg_dir(ctx, args[0], 1);
        return a->dir == NULL ? -1 : 0;
    case UV_FS_CLOSEDIR:
        if (want_args(ctx, nargs, 1, "closedir(fsdir)") < 0)
            return -1;
        a->dir = arg_dir(ctx, args[0], 1);
        return a->dir == NULL ? -1 : 0;
    default:
        HPyErr_SetString(ctx, ctx->h_ValueError, "unknown file-system operation");
        return -1;
    }
}

/* hand the operation to libuv: synchronously when cb is NULL (loop may be
 * NULL then), else to the thread pool.  rbuf: the read buffer; dirents:
 * readdir's entries. */
static int fs_start(uv_loop_t *loop, uv_fs_t *req, fsargs_t *a, uv_buf_t *wbufs,
                    unsigned nwbufs, char *rbuf, uv_dirent_t *dirents, uv_fs_cb cb)
{
    uv_buf_t rb;
    switch (a->op) {
    case UV_FS_OPEN: return uv_fs_open(loop, req, a->path, a->flags, a->mode, cb);
    case UV_FS_CLOSE: return uv_fs_close(loop, req, a->fd, cb);
    case UV_FS_READ:
        rb = buf_make(rbuf, (size_t)a->len);
        return uv_fs_read(loop, req, a->fd, &rb, 1, a->off, cb);
    case FS_READ_INTO:
        rb = buf_make((char *)a->path, (size_t)a->len);
        return uv_fs_read(loop, req, a->fd, &rb, 1, a->off, cb);
    case UV_FS_WRITE: return uv_fs_write(loop, req, a->fd, wbufs, nwbufs, a->off, cb);
    case UV_FS_SENDFILE:
        return uv_fs_sendfile(loop, req, a->fd, a->fd2, a->off, (size_t)a->len, cb);
    case UV_FS_STAT: return uv_fs_stat(loop, req, a->path, cb);
    case UV_FS_LSTAT: return uv_fs_lstat(loop, req, a->path, cb);
    case UV_FS_FSTAT: return uv_fs_fstat(loop, req, a->fd, cb);
    case UV_FS_FTRUNCATE: return uv_fs_ftruncate(loop, req, a->fd, a->off, cb);
    case UV_FS_UTIME: return uv_fs_utime(loop, req, a->path, a->t1, a->t2, cb);
    case UV_FS_LUTIME: return uv_fs_lutime(loop, req, a->path, a->t1, a->t2, cb);
    case UV_FS_FUTIME: return uv_fs_futime(loop, req, a->fd, a->t1, a->t2, cb);
    case UV_FS_ACCESS: return uv_fs_access(loop, req, a->path, a->mode, cb);
    case UV_FS_CHMOD: return uv_fs_chmod(loop, req, a->path, a->mode, cb);
    case UV_FS_FCHMOD: return uv_fs_fchmod(loop, req, a->fd, a->mode, cb);
    case UV_FS_FSYNC: return uv_fs_fsync(loop, req, a->fd, cb);
    case UV_FS_FDATASYNC: return uv_fs_fdatasync(loop, req, a->fd, cb);
    case UV_FS_UNLINK: return uv_fs_unlink(loop, req, a->path, cb);
    case UV_FS_RMDIR: return uv_fs_rmdir(loop, req, a->path, cb);
    case UV_FS_MKDIR: return uv_fs_mkdir(loop, req, a->path, a->mode, cb);
    case UV_FS_MKDTEMP: return uv_fs_mkdtemp(loop, req, a->path, cb);
    case UV_FS_MKSTEMP: return uv_fs_mkstemp(loop, req, a->path, cb);
    case UV_FS_RENAME: return uv_fs_rename(loop, req, a->path, a->path2, cb);
    case UV_FS_SCANDIR: return uv_fs_scandir(loop, req, a->path, 0, cb);
    case UV_FS_LINK: return uv_fs_link(loop, req, a->path, a->path2, cb);
    case UV_FS_SYMLINK: return uv_fs_symlink(loop, req, a->path, a->path2, a->flags, cb);
    case UV_FS_READLINK: return uv_fs_readlink(loop, req, a->path, cb);
    case UV_FS_REALPATH: return uv_fs_realpath(loop, req, a->path, cb);
    case UV_FS_CHOWN: return uv_fs_chown(loop, req, a->path, a->uid, a->gid, cb);
    case UV_FS_FCHOWN: return uv_fs_fchown(loop, req, a->fd, a->uid, a->gid, cb);
    case UV_FS_LCHOWN: return uv_fs_lchown(loop, req, a->path, a->uid, a->gid, cb);
    case UV_FS_COPYFILE: return uv_fs_copyfile(loop, req, a->path, a->path2, a->flags, cb);
    case UV_FS_STATFS: return uv_fs_statfs(loop, req, a->path, cb);
    case UV_FS_OPENDIR: return uv_fs_opendir(loop, req, a->path, cb);
    case UV_FS_READDIR:
        a->dir->dir->dirents = dirents;
        a->dir->dir->nentries = (size_t)a->len;
        return uv_fs_readdir(loop, req, a->dir->dir, cb);
    case UV_FS_CLOSEDIR: {
        uv_dir_t *dir = a->dir->dir;
        a->dir->dir = NULL;         /* libuv frees it, whatever happens */
        return uv_fs_closedir(loop, req, dir, cb);
    }
    }
    return UV_EINVAL;
}

/* ---- results ---- */

static HPy call1(HPyContext *ctx, int which, HPy arg)
{
    HPy fn = HPyGlobal_Load(ctx, g_fs[which]);
    if (HPy_Is(ctx, fn, ctx->h_None)) {
        HPy_Close(ctx, fn);
        HPyErr_SetString(ctx, ctx->h_RuntimeError, "uv.fs is not set up");
        return HPy_NULL;
    }
    HPy args = HPyTuple_Pack(ctx, 1, arg);
    HPy r = HPy_IsNull(args) ? HPy_NULL : HPy_CallTupleDict(ctx, fn, args, HPy_NULL);
    HPy_Close(ctx, args);
    HPy_Close(ctx, fn);
    return r;
}

/* a tuple of n new handles (closed here, also on failure) */
static HPy tuple_of(HPyContext *ctx, HPy *items, int n)
{
    HPy t = HPy_NULL;
    int i, ok = 1;
    for (i = 0; i < n; i++)
        if (HPy_IsNull(items[i]))
            ok = 0;
    if (ok)
        t = HPyTuple_FromArray(ctx, items, n);
    for (i = 0; i < n; i++)
        HPy_Close(ctx, items[i]);
    return t;
}

static HPy timespec_new(HPyContext *ctx, const uv_timespec_t *ts)
{
    HPy items[2] = { HPyLong_FromInt64_t(ctx, ts->tv_sec), HPyLong_FromInt64_t(ctx, ts->tv_nsec) };
    HPy t = tuple_of(ctx, items, 2);
    if (HPy_IsNull(t))
        return HPy_NULL;
    HPy r = call1(ctx, FSG_TIMESPEC, t);
    HPy_Close(ctx, t);
    return r;
}

/* a uv.fs.Stat from a uv_stat_t (also used by FSPoll) */
HPy fs_stat_new(HPyContext *ctx, const uv_stat_t *s)
{
    HPy items[16];
    items[0] = HPyLong_FromUInt64_t(ctx, s->st_dev);
    items[1] = HPyLong_FromUInt64_t(ctx, s->st_mode);
    items[2] = HPyLong_FromUInt64_t(ctx, s->st_nlink);
    items[3] = HPyLong_FromUInt64_t(ctx, s->st_uid);
    items[4] = HPyLong_FromUInt64_t(ctx, s->st_gid);
    items[5] = HPyLong_FromUInt64_t(ctx, s->st_rdev);
    items[6] = HPyLong_FromUInt64_t(ctx, s->st_ino);
    items[7] = HPyLong_FromUInt64_t(ctx, s->st_size);
    items[8] = HPyLong_FromUInt64_t(ctx, s->st_blksize);
    items[9] = HPyLong_FromUInt64_t(ctx, s->st_blocks);
    items[10] = HPyLong_FromUInt64_t(ctx, s->st_flags);
    items[11] = HPyLong_FromUInt64_t(ctx, s->st_gen);
    items[12] = timespec_new(ctx, &s->st_atim);
    items[13] = timespec_new(ctx, &s->st_mtim);
    items[14] = timespec_new(ctx, &s->st_ctim);
    items[15] = timespec_new(ctx, &s->st_birthtim);
    HPy t = tuple_of(ctx, items, 16);
    if (HPy_IsNull(t))
        return HPy_NULL;
    HPy r = call1(ctx, FSG_STAT, t);
    HPy_Close(ctx, t);
    return r;
}

static HPy statfs_new(HPyContext *ctx, const uv_statfs_t *s)
{
    HPy items[7] = {
        HPyLong_FromUInt64_t(ctx, s->f_type), HPyLong_FromUInt64_t(ctx, s->f_bsize),
        HPyLong_FromUInt64_t(ctx, s->f_blocks), HPyLong_FromUInt64_t(ctx, s->f_bfree),
        HPyLong_FromUInt64_t(ctx, s->f_bavail), HPyLong_FromUInt64_t(ctx, s->f_files),
        HPyLong_FromUInt64_t(ctx, s->f_ffree),
    };
    HPy t = tuple_of(ctx, items, 7);
    if (HPy_IsNull(t))
        return HPy_NULL;
    HPy r = call1(ctx, FSG_STATFS, t);
    HPy_Close(ctx, t);
    return r;
}

static HPy bytes_of(HPyContext *ctx, const char *s)
{
    if (s == NULL)
        return HPy_Dup(ctx, ctx->h_None);
    return HPyBytes_FromStringAndSize(ctx, s, (HPy_ssize_t)strlen(s));
}

static int append_dirent(HPyContext *ctx, HPy list, const uv_dirent_t *e)
{
    HPy items[2] = { bytes_of(ctx, e->name), HPyLong_FromInt32_t(ctx, (int32_t)e->type) };
    HPy t = tuple_of(ctx, items, 2);
    if (HPy_IsNull(t))
        return -1;
    int rc = HPyList_Append(ctx, list, t);
    HPy_Close(ctx, t);
    return rc;
}

/* the Python result of a successful request */
static HPy fs_result(HPyContext *ctx, uv_fs_t *req, const char *rbuf, uv_dirent_t *dirents)
{
    switch (req->fs_type) {
    case UV_FS_OPEN: case UV_FS_WRITE: case UV_FS_SENDFILE:
        return HPyLong_FromInt64_t(ctx, (int64_t)req->result);
    case UV_FS_READ:
        if (rbuf == NULL)            /* read into an FSBuffer: the count */
            return HPyLong_FromInt64_t(ctx, (int64_t)req->result);
        return HPyBytes_FromStringAndSize(ctx, rbuf, (HPy_ssize_t)req->result);
    case UV_FS_STAT: case UV_FS_LSTAT: case UV_FS_FSTAT:
        return fs_stat_new(ctx, &req->statbuf);
    case UV_FS_MKDTEMP:
        return bytes_of(ctx, req->path);
    case UV_FS_MKSTEMP: {
        HPy items[2] = { HPyLong_FromInt64_t(ctx, (int64_t)req->result), bytes_of(ctx, req->path) };
        return tuple_of(ctx, items, 2);
    }
    case UV_FS_READLINK: case UV_FS_REALPATH:
        return bytes_of(ctx, req->ptr);
    case UV_FS_STATFS:
        return statfs_new(ctx, req->ptr);
    case UV_FS_SCANDIR: {
        HPy list = HPyList_New(ctx, 0);
        uv_dirent_t e;
        if (HPy_IsNull(list))
            return HPy_NULL;
        while (uv_fs_scandir_next(req, &e) == 0) {
            if (append_dirent(ctx, list, &e) < 0) {
                HPy_Close(ctx, list);
                return HPy_NULL;
            }
        }
        return list;
    }
    case UV_FS_READDIR: {
        HPy list = HPyList_New(ctx, 0);
        if (HPy_IsNull(list))
            return HPy_NULL;
        for (ssize_t i = 0; i < req->result; i++) {
            if (append_dirent(ctx, list, &dirents[i]) < 0) {
                HPy_Close(ctx, list);
                return HPy_NULL;
            }
        }
        return list;
    }
    default:
        return HPy_Dup(ctx, ctx->h_None);
    }
}

/* after a request: what belongs to the directory stream, and what a
 * successful request created that nobody will receive (delivered == 0) */
static void fs_after(uv_fs_t *req, fsdir_t *dir, int delivered)
{
    int ok = req->result >= 0;
    if (dir != NULL && req->fs_type == UV_FS_OPENDIR && ok)
        dir->dir = req->ptr;
    if (!delivered && ok) {
        uv_fs_t r2;
        switch (req->fs_type) {
        case UV_FS_OPEN:
            uv_fs_close(NULL, &r2, (uv_file)req->result, NULL);
            uv_fs_req_cleanup(&r2);
            break;
        case UV_FS_MKSTEMP:
            uv_fs_close(NULL, &r2, (uv_file)req->result, NULL);
            uv_fs_req_cleanup(&r2);
            if (req->path != NULL) {
                uv_fs_unlink(NULL, &r2, req->path, NULL);
                uv_fs_req_cleanup(&r2);
            }
            break;
        case UV_FS_MKDTEMP:
            if (req->path != NULL) {
                uv_fs_rmdir(NULL, &r2, req->path, NULL);
                uv_fs_req_cleanup(&r2);
            }
            break;
        default:
            break;
        }
    }
}

static void fs_cleanup(uv_fs_t *req, fsdir_t *dir)
{
    uv_dir_t *d = (req->fs_type == UV_FS_READDIR) ? req->ptr : NULL;
    uv_fs_req_cleanup(req);
    if (d != NULL) {
        d->dirents = NULL;
        d->nentries = 0;
    }
    if (dir != NULL)
        fsdir_release(dir);
}

/* ---- synchronous ---- */

/* Synchronous reads go into a buffer kept per thread (up to 4 MiB; a larger
 * read gets its own): a fresh malloc of a large block per call would be
 * mmap'd and page-faulted in again every time.  The buffer is freed when
 * its thread ends. */
#define FS_TLS_MAX (4u << 20)
static pthread_key_t tls_key;
static pthread_once_t tls_once = PTHREAD_ONCE_INIT;
typedef struct { size_t cap; char data[]; } tlsbuf_t;

static void tls_init(void)
{
    if (pthread_key_create(&tls_key, free) != 0)
        tls_key = (pthread_key_t)-1;
}

static char *read_buffer(size_t len, int *owned)
{
    *owned = 1;
    if (len > FS_TLS_MAX || pthread_once(&tls_once, tls_init) != 0
        || tls_key == (pthread_key_t)-1)
        return malloc(len ? len : 1);
    tlsbuf_t *t = pthread_getspecific(tls_key);
    if (t == NULL || t->cap < len) {
        size_t cap = len < 65536 ? 65536 : len;
        tlsbuf_t *n = malloc(sizeof(tlsbuf_t) + cap);
        if (n == NULL)
            return NULL;
        n->cap = cap;
        if (pthread_setspecific(tls_key, n) != 0) {
            free(n);
            return malloc(len ? len : 1);
        }
        free(t);
        t = n;
    }
    *owned = 0;
    return t->data;
}

HPyDef_METH(fs_call, "fs_call", HPyFunc_VARARGS,
            .doc = "fs_call(op, *args): run a file-system operation now (the "
                   "interpreter lock is released around it)")
static HPy fs_call_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    fsargs_t a;
    int op;
    uv_fs_t req;
    char *rbuf = NULL;
    int rbuf_owned = 0;
    uv_dirent_t *dirents = NULL;
    HPy result = HPy_NULL;
    if (nargs < 1) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "fs_call(op, *args)");
        return HPy_NULL;
    }
    if (arg_int(ctx, args[0], "op must be an int", INT32_MIN, INT32_MAX, &op) < 0)
        return HPy_NULL;
    if (parse_args(ctx, op, args + 1, nargs - 1, &a) < 0)
        goto out;
    if (op == UV_FS_READ) {
        rbuf = read_buffer((size_t)a.len, &rbuf_owned);
        if (rbuf == NULL) {
            HPyErr_NoMemory(ctx);
            goto out;
        }
    } else if (op == UV_FS_READDIR) {
        dirents = calloc((size_t)a.len, sizeof(uv_dirent_t));
        if (dirents == NULL) {
            HPyErr_NoMemory(ctx);
            goto out;
        }
    }
    memset(&req, 0, sizeof(req));
    fsdir_t *dir = a.dir;
    if (dir != NULL)
        dir->busy = 1;          /* other threads run while the lock is released */
    HPyThreadState ts = HPy_LeavePythonExecution(ctx);
    int rc = fs_start(NULL, &req, &a, a.bufs, (unsigned)a.nbufs, rbuf, dirents, NULL);
    HPy_ReenterPythonExecution(ctx, ts);
    if (rc >= 0) {
        result = fs_result(ctx, &req, rbuf, dirents);
        fs_after(&req, dir, !HPy_IsNull(result));
    } else {
        uv_raise(ctx, rc);
    }
    fs_cleanup(&req, dir);
out:
    args_release(ctx, &a);
    if (rbuf_owned)
        free(rbuf);
    free(dirents);
    return result;
}

/* ---- asynchronous ---- */

static void fs_cb(uv_fs_t *req)
{
    reqb_t *r = req->data;
    uvcore_t *core = r->core;
    fsx_t *x = r->mem;
    int status = req->result < 0 ? (int)req->result : 0;
    int delivered = 0;
    gil_ensure(core);
    CORE_DRAIN(core);
    HPyContext *ctx = core->ctx;
    if (ctx != NULL && (r->flags & RF_PINNED)) {
        HPy res = status == 0 ? fs_result(ctx, req, x->mem ? NULL : x->data, x->dirents)
                              : HPy_Dup(ctx, ctx->h_None);
        if (HPy_IsNull(res)) {
            HPyErr_Clear(ctx);        /* out of memory building the result */
            status = UV_ENOMEM;
        } else {
            HPy w = HPyField_Load(ctx, core->h_loop, r->self);
            if (HPy_SetAttr_s(ctx, w, "_result", res) < 0)
                HPyErr_Clear(ctx);    /* not a uv.fs request: it gets the status */
            else
                delivered = 1;
            HPy_Close(ctx, w);
            HPy_Close(ctx, res);
        }
    }
    fs_after(req, x->dir, delivered);
    fs_cleanup(req, x->dir);
    fsmem_unref(x->mem);
    reqb_complete(r, status);         /* frees x (r->mem) */
}

HPyDef_SLOT(FSRequest_new, HPy_tp_new)
static HPy FSRequest_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                              HPy_ssize_t nargs, HPy kw)
{
    return request_type_new(ctx, type, args, nargs, UV_FS);
}

HPyDef_METH(FSRequest_start, "start", HPyFunc_VARARGS,
            .doc = "start(wrapper, op, *args): hand the operation to the thread "
                   "pool; wrapper._complete(status) runs with wrapper._result set")
static HPy FSRequest_start_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    fsargs_t a;
    int op;
    HPy ret = HPy_NULL;
    if (nargs < 2) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "start(wrapper, op, *args)");
        return HPy_NULL;
    }
    reqb_t *r = request_unstarted(ctx, self);
    if (r == NULL)
        return HPy_NULL;
    if (arg_int(ctx, args[1], "op must be an int", INT32_MIN, INT32_MAX, &op) < 0)
        return HPy_NULL;
    if (core_check_thread(ctx, r->core) < 0)
        return HPy_NULL;
    if (r->core->closed)
        return uv_raise(ctx, ERR_CLOSED_LOOP);
    if (parse_args(ctx, op, args + 2, nargs - 2, &a) < 0)
        goto out;
    size_t extra = 0;
    if (op == UV_FS_READ)
        extra = (size_t)a.len;
    else if (op == UV_FS_WRITE)
        extra = a.total;
    else if (op == UV_FS_READDIR)
        extra = (size_t)a.len * sizeof(uv_dirent_t);
    fsx_t *x = malloc(sizeof(fsx_t) + extra + 1);
    if (x == NULL) {
        HPyErr_NoMemory(ctx);
        goto out;
    }
    memset(x, 0, sizeof(fsx_t));
    x->op = op;
    x->dir = a.dir;
    x->mem = a.mem;
    uv_buf_t wbuf = buf_make(x->data, a.total);
    if (op == UV_FS_WRITE) {
        size_t off = 0;
        for (size_t i = 0; i < a.nbufs; i++) {
            memcpy(x->data + off, a.bufs[i].base, a.bufs[i].len);
            off += a.bufs[i].len;
        }
    } else if (op == UV_FS_READDIR) {
        x->dirents = (uv_dirent_t *)(void *)x->data;
        memset(x->dirents, 0, extra);
    }
    free(r->mem);
    r->mem = x;
    int rc = fs_start(r->core->loop, &r->u.fs, &a, &wbuf, 1, x->data, x->dirents, fs_cb);
    if (rc >= 0 && x->mem != NULL)
        x->mem->refs++;           /* the thread pool writes into it */
    if (rc < 0) {
        /* nothing was queued: a closedir has freed the stream anyway */
        uv_fs_req_cleanup(&r->u.fs);
        r->mem = NULL;
        free(x);
        ret = uv_raise(ctx, rc);
        goto out;
    }
    if (a.dir != NULL)
        a.dir->busy = 1;
    ret = request_started(ctx, self, r, args[0], 0);
out:
    args_release(ctx, &a);
    return ret;
}

static HPyDef *FSRequest_defines[] = {
    REQUEST_COMMON_DEFINES, &FSRequest_new, &FSRequest_start, NULL
};

HPyType_Spec FSRequest_spec = {
    .name = "uv._uv.FSRequest",
    .basicsize = sizeof(RequestObject),
    .builtin_shape = RequestObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = FSRequest_defines,
    .doc = "native uv_fs_t (use the functions of uv.fs)",
};

/* ---- setup and constants ---- */

int fs_module_init(HPyContext *ctx, HPy mod)
{
    for (int i = 0; i < FSG_COUNT; i++)
        HPyGlobal_Store(ctx, &g_fs[i], ctx->h_None);
    HPy t = HPy_GetAttr_s(ctx, mod, "FSDir");
    if (HPy_IsNull(t))
        return -1;
    HPyGlobal_Store(ctx, &g_fs[FSG_DIRTYPE], t);
    HPy_Close(ctx, t);
    t = HPy_GetAttr_s(ctx, mod, "FSBuffer");
    if (HPy_IsNull(t))
        return -1;
    HPyGlobal_Store(ctx, &g_fs[FSG_BUFTYPE], t);
    HPy_Close(ctx, t);
    return 0;
}

HPyDef_METH(fs_setup, "fs_setup", HPyFunc_VARARGS,
            .doc = "fs_setup(stat_new, timespec_new, statfs_new): the result "
                   "constructors of uv.fs (each called with one tuple)")
static HPy fs_setup_impl(HPyContext *ctx, HPy self, const HPy *args, size_t nargs)
{
    if (nargs != 3) {
        HPyErr_SetString(ctx, ctx->h_TypeError, "fs_setup(stat_new, timespec_new, statfs_new)");
        return HPy_NULL;
    }
    for (size_t i = 0; i < nargs; i++) {
        if (!HPyCallable_Check(ctx, args[i])) {
            HPyErr_SetString(ctx, ctx->h_TypeError, "fs_setup needs callables");
            return HPy_NULL;
        }
    }
    HPyGlobal_Store(ctx, &g_fs[FSG_STAT], args[0]);
    HPyGlobal_Store(ctx, &g_fs[FSG_TIMESPEC], args[1]);
    HPyGlobal_Store(ctx, &g_fs[FSG_STATFS], args[2]);
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(fs_constants, "fs_constants", HPyFunc_NOARGS,
            .doc = "fs_constants() -> dict of libuv's file-system constants")
static HPy fs_constants_impl(HPyContext *ctx, HPy self)
{
    static const struct { const char *name; long value; } table[] = {
#define C(x) { #x, x }
        C(UV_FS_UNKNOWN), C(UV_FS_CUSTOM), C(UV_FS_OPEN), C(UV_FS_CLOSE),
        C(UV_FS_READ), C(UV_FS_WRITE), C(UV_FS_SENDFILE), C(UV_FS_STAT),
        C(UV_FS_LSTAT), C(UV_FS_FSTAT), C(UV_FS_FTRUNCATE), C(UV_FS_UTIME),
        C(UV_FS_FUTIME), C(UV_FS_ACCESS), C(UV_FS_CHMOD), C(UV_FS_FCHMOD),
        C(UV_FS_FSYNC), C(UV_FS_FDATASYNC), C(UV_FS_UNLINK), C(UV_FS_RMDIR),
        C(UV_FS_MKDIR), C(UV_FS_MKDTEMP), C(UV_FS_RENAME), C(UV_FS_SCANDIR),
        C(UV_FS_LINK), C(UV_FS_SYMLINK), C(UV_FS_READLINK), C(UV_FS_CHOWN),
        C(UV_FS_FCHOWN), C(UV_FS_REALPATH), C(UV_FS_COPYFILE), C(UV_FS_LCHOWN),
        C(UV_FS_OPENDIR), C(UV_FS_READDIR), C(UV_FS_CLOSEDIR), C(UV_FS_STATFS),
        C(UV_FS_MKSTEMP), C(UV_FS_LUTIME),
        C(UV_DIRENT_UNKNOWN), C(UV_DIRENT_FILE), C(UV_DIRENT_DIR), C(UV_DIRENT_LINK),
        C(UV_DIRENT_FIFO), C(UV_DIRENT_SOCKET), C(UV_DIRENT_CHAR), C(UV_DIRENT_BLOCK),
        C(UV_FS_COPYFILE_EXCL), C(UV_FS_COPYFILE_FICLONE), C(UV_FS_COPYFILE_FICLONE_FORCE),
        C(UV_FS_SYMLINK_DIR), C(UV_FS_SYMLINK_JUNCTION),
        C(UV_FS_O_APPEND), C(UV_FS_O_CREAT), C(UV_FS_O_EXCL), C(UV_FS_O_RDONLY),
        C(UV_FS_O_RDWR), C(UV_FS_O_TRUNC), C(UV_FS_O_WRONLY), C(UV_FS_O_SYNC),
        C(UV_FS_O_DSYNC), C(UV_FS_O_DIRECTORY), C(UV_FS_O_NOFOLLOW),
        C(UV_FS_O_NONBLOCK), C(UV_FS_O_NOATIME), C(UV_FS_O_NOCTTY),
        C(UV_FS_O_DIRECT), C(UV_FS_O_EXLOCK),
        C(F_OK), C(R_OK), C(W_OK), C(X_OK), C(FS_READ_INTO),
#undef C
    };
    HPy d = HPyDict_New(ctx);
    if (HPy_IsNull(d))
        return HPy_NULL;
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        HPy v = HPyLong_FromInt64_t(ctx, table[i].value);
        if (HPy_IsNull(v) || HPy_SetItem_s(ctx, d, table[i].name, v) < 0) {
            HPy_Close(ctx, v);
            HPy_Close(ctx, d);
            return HPy_NULL;
        }
        HPy_Close(ctx, v);
    }
    return d;
}

/* a path argument (bytes without NUL) of FSEvent/FSPoll; valid while h is */
const char *fs_path_arg(HPyContext *ctx, HPy h)
{
    const char *p;
    return arg_path(ctx, h, &p) < 0 ? NULL : p;
}
