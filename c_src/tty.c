/* tty.c: uv_tty_t, a terminal as a stream (reads and writes are stream.c's).
 *
 * libuv reopens a terminal's slave side (the tty a process has) by its
 * name, so that making it non-blocking does not affect other processes
 * sharing it; it then closes the reopened fd when the handle is closed and
 * leaves the fd it was given open (the caller's).  A terminal it cannot
 * reopen (the master side of a pseudo-terminal) is used as it is, with
 * blocking writes (the interpreter lock is released around them), and
 * closed with the handle, as TCP.open() does.
 *
 * Modes: set_mode() changes the terminal's termios; closing the handle
 * puts back the settings it had before (TCSANOW).  uv.tty.reset_mode()
 * puts back those of the first terminal a handle put out of the normal
 * mode, while that handle is open: libuv's own uv_tty_reset_mode() keeps
 * the fd of that terminal after the handle closed it up to libuv 1.44 (it
 * would then set the termios of whatever file got the number), so it is
 * not used.  The record is guarded by the interpreter lock. */
#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>
#include "uvmod.h"

static int reset_fd = -1;                 /* -1: nothing to reset */
static struct termios reset_termios;
static bridge_t *reset_owner;

void tty_closing(bridge_t *b)
{
    uv_tty_t *t = &b->u.tty;
    uv_os_fd_t fd;
    if (t->mode != UV_TTY_MODE_NORMAL && uv_fileno(&b->u.handle, &fd) == 0) {
        int rc;
        do
            rc = tcsetattr(fd, TCSANOW, &t->orig_termios);
        while (rc == -1 && errno == EINTR);
        t->mode = UV_TTY_MODE_NORMAL;
    }
    if (reset_owner == b) {
        reset_owner = NULL;
        reset_fd = -1;
    }
}

HPyDef_SLOT(TTY_new, HPy_tp_new)
static HPy TTY_new_impl(HPyContext *ctx, HPy type, const HPy *args,
                        HPy_ssize_t nargs, HPy kw)
{
    HPy loop, hfd, hreadable;
    bridge_t *b;
    int fd;
    if (!HPyArg_Parse(ctx, NULL, args, nargs, "OOO", &loop, &hfd, &hreadable))
        return HPy_NULL;
    if (arg_fd(ctx, hfd, &fd) < 0)
        return HPy_NULL;
    int readable = HPy_IsTrue(ctx, hreadable);
    if (readable < 0)
        return HPy_NULL;
    if (!isatty(fd))
        return uv_raise(ctx, UV_ENOTTY);   /* libuv says EINVAL for files only */
    HPy h = handle_new(ctx, type, loop, K_TTY, &b);
    if (HPy_IsNull(h))
        return HPy_NULL;
    int rc = uv_tty_init(b->core->loop, &b->u.tty, fd, readable);
    if (rc < 0) {
        HPy_Close(ctx, h);
        return uv_raise(ctx, rc);
    }
    bridge_opened(b);
    /* a terminal libuv could not reopen stays blocking: libuv's writes to
     * it block (stream.c releases the interpreter lock around them) */
    uv_os_fd_t ufd;
    int fl;
    if (uv_fileno(&b->u.handle, &ufd) == 0 && (fl = fcntl(ufd, F_GETFL)) >= 0
        && !(fl & O_NONBLOCK))
        b->kstate = TTY_BLOCKING_WRITES;
    return h;
}

HPyDef_METH(TTY_set_mode, "set_mode", HPyFunc_O, .doc = "set_mode(mode): uv_tty_set_mode")
static HPy TTY_set_mode_impl(HPyContext *ctx, HPy self, HPy hmode)
{
    int64_t mode;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL || arg_int64(ctx, hmode, "the mode must be an int", &mode) < 0)
        return HPy_NULL;
    if (mode < UV_TTY_MODE_NORMAL || mode > UV_TTY_MODE_IO)
        return uv_raise(ctx, UV_EINVAL);
    uv_tty_t *t = &b->u.tty;
    int was_normal = t->mode == UV_TTY_MODE_NORMAL;
    /* tcsetattr(TCSADRAIN) waits until the output is sent */
    HPyThreadState ts = HPy_LeavePythonExecution(ctx);
    int rc = uv_tty_set_mode(t, (uv_tty_mode_t)mode);
    HPy_ReenterPythonExecution(ctx, ts);
    if (rc < 0)
        return uv_raise(ctx, rc);
    if (was_normal && mode != UV_TTY_MODE_NORMAL && reset_fd < 0) {
        uv_os_fd_t fd;
        if (uv_fileno(&b->u.handle, &fd) == 0) {
            reset_fd = fd;
            reset_termios = t->orig_termios;
            reset_owner = b;
        }
    }
    return HPy_Dup(ctx, ctx->h_None);
}

HPyDef_METH(TTY_get_winsize, "get_winsize", HPyFunc_NOARGS,
            .doc = "get_winsize() -> (width, height)")
static HPy TTY_get_winsize_impl(HPyContext *ctx, HPy self)
{
    int width, height;
    bridge_t *b = handle_usable(ctx, self);
    if (b == NULL)
        return HPy_NULL;
    int rc = uv_tty_get_winsize(&b->u.tty, &width, &height);
    if (rc < 0)
        return uv_raise(ctx, rc);
    return HPy_BuildValue(ctx, "ii", width, height);
}

HPyDef_METH(TTY_get_mode, "get_mode", HPyFunc_NOARGS, .doc = "get_mode() -> int")
static HPy TTY_get_mode_impl(HPyContext *ctx, HPy self)
{
    bridge_t *b = HandleObject_AsStruct(ctx, self)->b;
    int mode = (b->flags & BF_OPEN) ? b->u.tty.mode : UV_TTY_MODE_NORMAL;
    return HPyLong_FromInt32_t(ctx, mode);
}

HPyDef_METH(tty_reset_mode, "tty_reset_mode", HPyFunc_NOARGS,
            .doc = "tty_reset_mode(): put back the termios of the first terminal "
                   "put out of the normal mode (while its handle is open)")
static HPy tty_reset_mode_impl(HPyContext *ctx, HPy self)
{
    int rc = 0;
    if (reset_fd >= 0) {
        do
            rc = tcsetattr(reset_fd, TCSANOW, &reset_termios);
        while (rc == -1 && errno == EINTR);
        if (rc < 0)
            return uv_raise(ctx, uv_translate_sys_error(errno));
    }
    return HPy_Dup(ctx, ctx->h_None);
}

static HPyDef *TTY_defines[] = {
    HANDLE_COMMON_DEFINES, STREAM_COMMON_DEFINES,
    &TTY_new, &TTY_set_mode, &TTY_get_winsize, &TTY_get_mode,
    NULL
};

HPyType_Spec TTY_spec = {
    .name = "uv._uv.TTY",
    .basicsize = sizeof(HandleObject),
    .builtin_shape = HandleObject_SHAPE,
    .flags = HPy_TPFLAGS_DEFAULT | HPy_TPFLAGS_HAVE_GC,
    .defines = TTY_defines,
    .doc = "native uv_tty_t (use uv.TTY)",
};
