"""The CPython 3.13+ fix for hpy 0.9.0's runtime, applied at build time.

hpy 0.9.0 marks the types it creates with a private ``tp_flags`` bit,
``1 << 2``, which CPython 3.13 took for ``Py_TPFLAGS_INLINE_VALUES``: every
``HPy_New`` then crashes.  The fix changes hpy's ``ctx_type.c`` only, and
only for ``PY_VERSION_HEX >= 0x030D0000``:

1. the private flag is 0, so hpy sets no bit of ``tp_flags``;
2. ``_is_HPyType(tp)`` recognises hpy's types by the name buffer hpy already
   installs on them (since 3.11): a heap type whose ``_ht_tpname`` points at
   an ``HPyType_Extra_t`` whose ``name`` is ``tp_name`` and whose ``magic``
   is ``HPy_TYPE_MAGIC``.

Below 3.13 the patched file compiles to exactly what it was.  ``patch()``
checks the sha256 of the file it is given (hpy 0.9.0's, unchanged) and that
every replacement matched once, and writes the patched copy elsewhere: hpy's
own files are never changed.
"""
import hashlib

CTX_TYPE_SHA256 = "1fdd864d9358fbb849d4713371cc4c3421ca6ca5bc3e7984e05f4db0f2c77917"

_FLAG_OLD = "#define HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE (1UL << 2)\n"
_FLAG_NEW = """\
#if PY_VERSION_HEX >= 0x030D0000
/* uv's build: CPython 3.13 uses bit 2 (Py_TPFLAGS_INLINE_VALUES); set no
   private flag and recognise HPy types by their HPyType_Extra_t (below) */
#define HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE 0
#else
#define HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE (1UL << 2)
#endif
"""

_IS_OLD = """\
static inline bool _is_HPyType(PyTypeObject *tp) {
    return tp->tp_flags & HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE;
}
"""
_IS_NEW = """\
static inline bool _is_HPyType(PyTypeObject *tp) {
#if PY_VERSION_HEX >= 0x030D0000
    /* uv's build: HPyType_FromSpec points _ht_tpname at the type's
       HPyType_Extra_t and tp_name at its name; no other type has both */
    if (!(tp->tp_flags & Py_TPFLAGS_HEAPTYPE))
        return false;
    const char *buf = ((PyHeapTypeObject *)tp)->_ht_tpname;
    if (buf == NULL || tp->tp_name != buf + offsetof(HPyType_Extra_t, name))
        return false;
    return ((const HPyType_Extra_t *)buf)->magic == HPy_TYPE_MAGIC;
#else
    return tp->tp_flags & HPy_TPFLAGS_INTERNAL_IS_HPY_TYPE;
#endif
}
"""

REPLACEMENTS = [(_FLAG_OLD, _FLAG_NEW), (_IS_OLD, _IS_NEW)]


def patch(src_path, dst_path):
    """Writes the fixed copy of hpy 0.9.0's ctx_type.c at src_path to dst_path."""
    with open(src_path, "rb") as f:
        data = f.read()
    got = hashlib.sha256(data).hexdigest()
    if got != CTX_TYPE_SHA256:
        raise SystemExit("%s is not hpy 0.9.0's ctx_type.c (sha256 %s, expected %s): "
                         "the 3.13 fix applies to that file only" % (src_path, got, CTX_TYPE_SHA256))
    text = data.decode("utf-8")
    for old, new in REPLACEMENTS:
        if text.count(old) != 1:
            raise SystemExit("the 3.13 fix does not apply to %s: %r found %d times"
                             % (src_path, old.splitlines()[0], text.count(old)))
        text = text.replace(old, new)
    with open(dst_path, "w") as f:
        f.write(text)
