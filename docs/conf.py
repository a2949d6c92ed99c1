"""Sphinx configuration of the uv documentation (built by tools/docs.sh)."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import uv  # noqa: E402  (autodoc reads the real module: the binary must load)

project = "uv"
author = "the uv developers"
copyright = "the uv developers"
version = release = uv.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.doctest",
    "sphinx.ext.intersphinx",
]
intersphinx_mapping = {}        # no network at build time: no inventories

html_theme = "furo"
html_title = "uv %s" % release
html_static_path = []
templates_path = []
exclude_patterns = ["_build"]

autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "undoc-members": False}
autoclass_content = "class"
add_module_names = False
# doctest: every block runs with uv imported, in the docs' directory
doctest_global_setup = """
import os, sys, signal, socket
import uv
ROOT = %r
""" % (ROOT,)
doctest_test_doctest_blocks = "default"
trim_doctest_flags = True

# ---- references -----------------------------------------------------------
# The build runs with -n: every cross-reference must resolve.  The public
# names are uv.TCP, uv.UVError, uv.Address4 ...; each object is documented
# once, under one name (uv.TCP, uv.error.UVError, uv.dns.Address4), and the
# docstrings name them either way, or by a short name relative to their
# class (``cancel``, ``close``, ``RequestType``).  A reference Sphinx cannot
# find is resolved by importing what it names (in its module and class
# context) and linking to wherever that same object is documented.
# The standard library has no inventory here (no network at build time):
# references to it are not checked.
import builtins  # noqa: E402
import importlib  # noqa: E402

from sphinx.util.nodes import make_refnode  # noqa: E402

STDLIB = ("os", "socket", "ssl", "enum", "collections", "abc", "signal",
          "threading", "asyncio", "typing", "io", "errno", "selectors")
nitpick_ignore_regex = [
    (r"py:.*", r"(%s)(\..*)?" % "|".join(STDLIB)),
    (r"py:.*", r"(%s)" % "|".join(n for n in dir(builtins) if not n.startswith("_"))),
    (r"py:.*", r"(.*\.)?_[a-z_]+"),     # private helpers named in docstrings
]


def _find(dotted):
    """The object a dotted name stands for, or None."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except Exception:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _documented(env):
    """id(object) -> the name it is documented under (built once)."""
    cache = getattr(env, "_uv_documented", None)
    if cache is None:
        cache = {}
        for name in env.get_domain("py").objects:
            obj = _find(name)
            if obj is not None:
                cache.setdefault(id(obj), name)
        env._uv_documented = cache
    return cache


def _missing_reference(app, env, node, contnode):
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip("~.")
    module, cls = node.get("py:module"), node.get("py:class")
    candidates = [target]
    if module:
        if cls:
            candidates.append("%s.%s.%s" % (module, cls, target))
        candidates.append("%s.%s" % (module, target))
        owner = _find("%s.%s" % (module, cls)) if cls else None
        if owner is not None and getattr(owner, "__module__", None):
            candidates.append("%s.%s" % (owner.__module__, target))
    candidates.append("uv." + target)
    documented = _documented(env)
    objects = env.get_domain("py").objects
    for candidate in candidates:
        obj = _find(candidate)
        name = documented.get(id(obj)) if obj is not None else None
        if name is not None:
            entry = objects[name]
            return make_refnode(app.builder, node["refdoc"], entry.docname,
                                entry.node_id, contnode, name)
    return None


def setup(app):
    app.connect("missing-reference", _missing_reference)
