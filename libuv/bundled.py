"""The bundled libuv: a pinned libuv source compiled into the extension.

The source is the upstream tarball inside Debian's source package ``libuv1``
1.50.0-2 (trixie): the ``.orig.tar.gz`` in Debian's archive pool, checked
against the sha256 below (the one the package's ``.dsc`` lists).  Nothing of
libuv is kept in this repository.  The build downloads the tarball once into
its cache (see ``setup.py``), extracts it under the build directory and
compiles libuv's Linux sources straight into ``_uv``, with hidden visibility:
the module then exports none of libuv's symbols and needs only libc.

Offline: put the tarball at ``$UV_LIBUV_TARBALL`` (or into the cache), or use
the system libuv (``UV_LIBUV=system``, see ``find.py``).
"""
import os
import sys
import tarfile

VERSION = "1.50.0"
DEBIAN_SOURCE = "libuv1 1.50.0-2"          # the Debian source package
TARBALL = "libuv1_1.50.0.orig.tar.gz"
SHA256 = "ec9de6ecf2a780fd2afb3b007947d2cd57c3bb17f3b9e721a66774980d35cd4d"
POOL_PATH = "pool/main/libu/libuv1/" + TARBALL
DEFAULT_MIRROR = "http://deb.debian.org/debian"
TOP = "libuv1-1.50.0"                       # the tarball's top directory

# libuv's sources for Linux, as its own build lists them for that system
COMMON = ["fs-poll.c", "idna.c", "inet.c", "random.c", "strscpy.c",
          "strtok.c", "thread-common.c", "threadpool.c", "timer.c",
          "uv-common.c", "uv-data-getter-setters.c", "version.c"]
UNIX = ["async.c", "core.c", "dl.c", "fs.c", "getaddrinfo.c",
        "getnameinfo.c", "loop-watcher.c", "loop.c", "pipe.c", "poll.c",
        "process.c", "random-devurandom.c", "signal.c", "stream.c", "tcp.c",
        "thread.c", "tty.c", "udp.c", "proctitle.c"]
LINUX = ["linux.c", "procfs-exepath.c", "random-getrandom.c",
         "random-sysctl-linux.c"]

# macros for libuv's own sources: Linux's, plus UV_EXTERN empty so that
# -fvisibility=hidden applies to libuv's API too
DEFINES = [("_FILE_OFFSET_BITS", "64"), ("_LARGEFILE_SOURCE", None),
           ("_GNU_SOURCE", None), ("_POSIX_C_SOURCE", "200112"),
           ("UV_EXTERN", "")]
CFLAGS = ["-fvisibility=hidden", "-fno-strict-aliasing", "-std=gnu11",
          "-Wno-unused-parameter", "-Wno-sign-compare"]
LIBRARIES = ["pthread", "dl", "rt"]


def supported():
    """Why the bundled build cannot run here, or None when it can."""
    if not sys.platform.startswith("linux"):
        return ("the bundled libuv is built for Linux only; on %s use the "
                "system libuv: UV_LIBUV=system" % sys.platform)
    return None


def urls():
    mirror = os.environ.get("UV_DEBIAN_MIRROR", "").rstrip("/")
    out = [m + "/" + POOL_PATH for m in (mirror, DEFAULT_MIRROR) if m]
    return list(dict.fromkeys(out))


def tarball(fetch):
    """Path of the verified tarball; fetch(name, urls, sha256, override) gets it."""
    return fetch(TARBALL, urls(), SHA256, os.environ.get("UV_LIBUV_TARBALL"))


def extract(path, dest_dir):
    """Extracts the tarball into dest_dir; returns libuv's top directory there."""
    top = os.path.join(dest_dir, TOP)
    stamp = os.path.join(top, ".uv-extracted")
    if os.path.exists(stamp) and open(stamp).read() == SHA256:
        return top
    os.makedirs(dest_dir, exist_ok=True)
    with tarfile.open(path) as tar:
        members = [m for m in tar.getmembers()
                   if m.name.startswith(TOP + "/include/")
                   or m.name.startswith(TOP + "/src/")
                   or m.name == TOP + "/LICENSE"]
        for m in members:
            if not (m.isfile() or m.isdir()) or ".." in m.name.split("/"):
                raise SystemExit("unexpected member in %s: %s" % (path, m.name))
        kw = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
        tar.extractall(dest_dir, members=members, **kw)
    with open(stamp, "w") as f:
        f.write(SHA256)
    return top


def sources(top):
    return ([os.path.join(top, "src", f) for f in COMMON]
            + [os.path.join(top, "src", "unix", f) for f in UNIX]
            + [os.path.join(top, "src", "unix", f) for f in LINUX])


def include_dirs(top):
    """For the extension's own sources (uv.h)."""
    return [os.path.join(top, "include")]


def private_include_dirs(top):
    """For libuv's sources."""
    return [os.path.join(top, "include"), os.path.join(top, "src")]
