#!/usr/bin/env python3
"""tools/hash-requirements.py: requirements/*.in -> requirements/*.txt with hashes.

Each line of a .in file pins one release, `name==version` with an optional
environment marker.  The .txt file gets, for that release, the sha256 of
every file PyPI serves for it (wheels and sdist), so that `pip install
--require-hashes -r FILE.txt` accepts whichever file pip picks for the
interpreter at hand and nothing else.  Run it after changing a .in file:

    python3 tools/hash-requirements.py            # every requirements/*.in
    python3 tools/hash-requirements.py test       # requirements/test.in only
"""
import glob
import json
import os
import re
import sys
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INDEX = os.environ.get("UV_PYPI_SIMPLE", "https://pypi.org/simple")
_cache = {}


def release_hashes(name, version):
    """sorted sha256 of every file of name==version on PyPI."""
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key not in _cache:
        req = urllib.request.Request("%s/%s/" % (INDEX, key),
                                     headers={"Accept": "application/vnd.pypi.simple.v1+json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            _cache[key] = json.load(r)["files"]
    norm = re.sub(r"[-_.]+", "_", name).lower()
    out = set()
    for f in _cache[key]:
        fn = f["filename"]
        base = re.sub(r"[-_.]+", "_", fn.lower())
        if fn.endswith(".whl"):
            parts = fn[:-4].split("-")
            match = re.sub(r"[-_.]+", "_", parts[0]).lower() == norm and parts[1] == version
        else:
            stem = re.sub(r"\.(tar\.gz|zip|tar\.bz2)$", "", fn)
            match = base.startswith(norm + "_") and stem.rsplit("-", 1)[-1] == version
        if match and not f.get("yanked") and "sha256" in f.get("hashes", {}):
            out.add(f["hashes"]["sha256"])
    if not out:
        raise SystemExit("no files for %s==%s on %s" % (name, version, INDEX))
    return sorted(out)


def convert(path_in):
    lines = ["# Generated from %s by tools/hash-requirements.py: edit that, then run it."
             % os.path.basename(path_in)]
    for raw in open(path_in):
        line = raw.strip()
        if not line or line.startswith("#"):
            lines.append(line)
            continue
        m = re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)\s*(;.*)?$", line)
        if not m:
            raise SystemExit("%s: not name==version[; marker]: %s" % (path_in, line))
        name, version, marker = m.group(1), m.group(2), (m.group(3) or "").strip()
        head = "%s==%s%s" % (name, version, (" " + marker) if marker else "")
        hashes = release_hashes(name, version)
        lines.append(" \\\n".join([head] + ["    --hash=sha256:%s" % h for h in hashes]))
    out = path_in[:-3] + ".txt"
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote %s" % os.path.relpath(out, ROOT))


def main(names):
    paths = ([os.path.join(ROOT, "requirements", n + ".in") for n in names]
             or sorted(glob.glob(os.path.join(ROOT, "requirements", "*.in"))))
    for p in paths:
        convert(p)


if __name__ == "__main__":
    main(sys.argv[1:])
