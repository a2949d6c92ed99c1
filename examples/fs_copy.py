"""Asynchronous file copies with uv.fs.

    python examples/fs_copy.py                # copies files it makes in a temp dir
    python examples/fs_copy.py SOURCE DEST    # copies SOURCE to DEST

Each copy is a chain of requests on libuv's thread pool: open the source,
open the destination, then read a chunk and write it, again and again
until a read returns ``b''``, then fsync and close both files.  Nothing
blocks the loop: several copies run at once, and a timer keeps ticking
while they do.  Without arguments the program makes three source files of
different sizes in a new temporary directory, copies them concurrently,
checks the copies byte for byte, and removes the directory.
"""
import hashlib
import os
import sys
from typing import Callable, List, Optional, Tuple

import uv

S = uv.StatusCodes
CHUNK = 64 * 1024


class Copy(object):
    """Copy *source* to *dest* asynchronously; ``on_done(copy)`` at the end
    (``copy.error`` is None or the exception)."""

    def __init__(self, loop: uv.Loop, source: str, dest: str,
                 on_done: Callable[["Copy"], None]) -> None:
        self.loop = loop
        self.source, self.dest = source, dest
        self.on_done = on_done
        self.src: Optional[int] = None
        self.dst: Optional[int] = None
        self.copied = 0
        self.error: Optional[uv.error.UVError] = None
        uv.fs.open(source, os.O_RDONLY, callback=self.on_source_open, loop=loop)

    def failed(self, request: uv.fs.FSRequest) -> None:
        self.error = request.error      # the exception the call would raise
        self.finish()

    def on_source_open(self, request: uv.fs.FSRequest, status: uv.StatusCodes, fd: int) -> None:
        if status is not S.SUCCESS:
            return self.failed(request)
        self.src = fd
        uv.fs.open(self.dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644,
                   callback=self.on_dest_open, loop=self.loop)

    def on_dest_open(self, request: uv.fs.FSRequest, status: uv.StatusCodes, fd: int) -> None:
        if status is not S.SUCCESS:
            return self.failed(request)
        self.dst = fd
        self.read_next()

    def read_next(self) -> None:
        assert self.src is not None     # opened: on_source_open ran
        uv.fs.read(self.src, CHUNK, self.copied, callback=self.on_read, loop=self.loop)

    def on_read(self, request: uv.fs.FSRequest, status: uv.StatusCodes, data: bytes) -> None:
        if status is not S.SUCCESS:
            return self.failed(request)
        assert self.dst is not None     # opened: on_dest_open ran
        if not data:                    # end of the source
            uv.fs.fsync(self.dst, callback=lambda r, st, _: self.finish(), loop=self.loop)
            return
        uv.fs.write(self.dst, data, self.copied, callback=self.on_write, loop=self.loop)

    def on_write(self, request: uv.fs.FSRequest, status: uv.StatusCodes, written: int) -> None:
        if status is not S.SUCCESS:
            return self.failed(request)
        self.copied += written
        self.read_next()

    def finish(self) -> None:
        # close what is open (asynchronously too), then report
        left = [fd for fd in (self.src, self.dst) if fd is not None]
        self.src = self.dst = None
        if not left:
            return self.on_done(self)

        def on_close(request: uv.fs.FSRequest, status: uv.StatusCodes, _: None) -> None:
            left.pop()
            if not left:
                self.on_done(self)

        for fd in list(left):
            uv.fs.close(fd, callback=on_close, loop=self.loop)


def copy_files(loop: uv.Loop, pairs: List[Tuple[str, str]]) -> List[Copy]:
    """Copy every (source, dest) pair at once; returns the Copy objects."""
    copies: List[Copy] = []
    done: List[Copy] = []
    timer = uv.Timer(loop=loop, on_timeout=lambda t: None)
    timer.start(1, repeat=1)            # the loop stays free while the copies run

    def on_done(copy: Copy) -> None:
        if copy.error is not None:
            print("%s: failed: %s" % (os.path.basename(copy.source), copy.error))
        else:
            print("%s: copied %d bytes" % (os.path.basename(copy.source), copy.copied))
        done.append(copy)
        if len(done) == len(pairs):
            timer.close()               # nothing is left: loop.run() returns

    for source, dest in pairs:
        copies.append(Copy(loop, source, dest, on_done))
    loop.run()
    return copies


def demo() -> int:
    loop = uv.Loop()
    tmp = uv.fs.mkdtemp(os.path.join(uv.misc.os_tmpdir(), "uv-fs-copy.XXXXXX"))
    sizes = {"small": 1000, "medium": 300 * 1024, "large": 3 * 1024 * 1024 + 17}
    pairs: List[Tuple[str, str]] = []
    try:
        for name, size in sorted(sizes.items()):
            path = os.path.join(tmp, name)
            fd = uv.fs.open(path, os.O_WRONLY | os.O_CREAT, 0o644)   # synchronous
            uv.fs.write(fd, os.urandom(size))
            uv.fs.close(fd)
            pairs.append((path, path + ".copy"))
        copies = copy_files(loop, pairs)
        ok = True
        for source, dest in pairs:
            same = _digest(source) == _digest(dest)
            ok = ok and same
            print("%s: %s" % (os.path.basename(dest), "identical" if same else "DIFFERENT"))
        missing = Copy(loop, os.path.join(tmp, "missing"), os.path.join(tmp, "x"),
                       lambda c: print("missing: %s" % type(c.error).__name__))
        loop.run()
        ok = ok and isinstance(missing.error, FileNotFoundError) and all(
            c.error is None for c in copies)
    finally:
        for entry in uv.fs.scandir(tmp):
            uv.fs.unlink(os.path.join(tmp, entry.name))
        uv.fs.rmdir(tmp)
    loop.close()
    print("done" if ok else "done, with errors")
    return 0 if ok else 1


def _digest(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


if __name__ == "__main__":
    if len(sys.argv) == 3:
        loop = uv.Loop()
        (c,) = copy_files(loop, [(sys.argv[1], sys.argv[2])])
        loop.close()
        sys.exit(0 if c.error is None else 1)
    sys.exit(demo())
