"""How the build finds libuv.

The build links the system libuv, located with pkg-config.  When libuv's
development files are missing, :func:`build_flags` raises ``SystemExit`` with
one message that names the package to install.
"""
import shlex
import shutil
import subprocess

MISSING = (
    "libuv development files were not found (pkg-config could not find "
    "'libuv').\nInstall them, for example on Debian or Ubuntu:\n"
    "    apt-get install libuv1-dev pkg-config\n"
    "or set PKG_CONFIG_PATH to the directory that holds libuv.pc."
)


def _pkg_config(*args):
    out = subprocess.run(["pkg-config"] + list(args) + ["libuv"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True)
    if out.returncode != 0:
        raise SystemExit(MISSING)
    return shlex.split(out.stdout)


def build_flags():
    """Return (include_dirs, library_dirs, libraries, version) for libuv."""
    if shutil.which("pkg-config") is None:
        raise SystemExit(MISSING)
    version = _pkg_config("--modversion")[0]
    cflags = _pkg_config("--cflags")
    libs = _pkg_config("--libs")
    include_dirs = [f[2:] for f in cflags if f.startswith("-I")]
    library_dirs = [f[2:] for f in libs if f.startswith("-L")]
    libraries = [f[2:] for f in libs if f.startswith("-l")]
    major, minor = (int(x) for x in version.split(".")[:2])
    if (major, minor) < (1, 44):
        raise SystemExit("libuv %s is too old: uv needs libuv 1.44 or newer."
                         % version)
    return include_dirs, library_dirs, libraries, version
