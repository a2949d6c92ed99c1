"""Read valgrind memcheck XML reports and count the errors that concern uv.

    python tools/vgreport.py REPORT.xml...

An error concerns uv when one of its stacks (the error's own, or the stack
of the allocation it is about) passes through the native module
(``_uv.hpy0.so``, or a ``_uv`` build in CPython-ABI mode).  Every such error
is printed with its stacks; the others (CPython's own, rare) are only
counted.  Kinds that count: invalid reads and writes, invalid frees, uses of
uninitialised values, overlapping copies, bad syscall parameters, and
definite leaks.  The exit status is 1 when there is at least one, 2 when a
report cannot be read (valgrind was killed before it finished the file).
"""
import sys
import xml.etree.ElementTree as ET

# kinds of error that are always bugs; "possibly lost" and "still
# reachable" leaks are not counted (the interpreter keeps much alive)
COUNTED = {
    "InvalidRead", "InvalidWrite", "InvalidFree", "MismatchedFree",
    "InvalidJump", "UninitCondition", "UninitValue", "SyscallParam",
    "Overlap", "ClientCheck", "Leak_DefinitelyLost", "FishyValue",
}


def is_uv_frame(frame):
    obj = frame.findtext("obj") or ""
    name = obj.rsplit("/", 1)[-1]
    return name.startswith("_uv.") and name.endswith(".so")


def describe_frame(frame):
    fn = frame.findtext("fn") or "???"
    where = frame.findtext("file")
    if where:
        where = "%s:%s" % (where, frame.findtext("line"))
    else:
        where = (frame.findtext("obj") or "?").rsplit("/", 1)[-1]
    return "    %s (%s)" % (fn, where)


def read(path):
    try:
        return ET.parse(path).getroot()
    except ET.ParseError as exc:
        # valgrind writes the closing tag last: a report cut short is
        # still worth reading up to the last complete error
        with open(path, errors="replace") as f:
            text = f.read()
        cut = text.rfind("</error>")
        if cut < 0:
            if "<valgrindoutput>" in text and "<error>" not in text:
                # a child between fork and exec: no error in it
                return ET.fromstring("<valgrindoutput></valgrindoutput>")
            raise exc
        return ET.fromstring(text[:cut + len("</error>")] + "</valgrindoutput>")


def main(paths):
    ours, others, unreadable = [], 0, 0
    for path in paths:
        try:
            root = read(path)
        except (ET.ParseError, OSError) as exc:
            print("vgreport: cannot read %s: %s" % (path, exc))
            unreadable += 1
            continue
        for error in root.iter("error"):
            kind = error.findtext("kind") or ""
            if kind not in COUNTED:
                continue
            stacks = error.findall("stack")
            if any(is_uv_frame(f) for s in stacks for f in s.iter("frame")):
                ours.append((path, error))
            else:
                others += 1
    for path, error in ours:
        kind = error.findtext("kind")
        what = error.findtext("what") or error.findtext("xwhat/text") or ""
        print("=== %s: %s (%s)" % (kind, what, path.rsplit("/", 1)[-1]))
        for i, stack in enumerate(error.findall("stack")):
            if i:
                print("  --- allocated/freed at:")
            for frame in list(stack.iter("frame"))[:25]:
                print(describe_frame(frame))
    print("vgreport: %d error(s) through _uv, %d elsewhere (not counted), "
          "%d report(s) read, %d unreadable"
          % (len(ours), others, len(paths) - unreadable, unreadable))
    if unreadable:
        return 2
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
