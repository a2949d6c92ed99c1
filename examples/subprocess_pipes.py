"""A child process with its stdin, stdout and stderr on pipes.

    python examples/subprocess_pipes.py

The parent starts a child (this interpreter running a small filter: it
sorts the lines of its stdin, writes them to stdout upper-cased, reports
on stderr, and exits with the number of lines), writes lines to the
child's stdin, shuts the pipe's writing side down so that the child sees
end-of-file, reads stdout and stderr as they come, and prints the exit
status.  Everything happens on one loop; the program ends when the
child has exited and its pipes are closed.
"""
import sys
from typing import Callable, Dict

import uv

S = uv.StatusCodes

CHILD = r"""
import sys
lines = sys.stdin.read().splitlines()
for line in sorted(lines):
    sys.stdout.write(line.upper() + "\n")
sys.stderr.write("child: sorted %d lines\n" % len(lines))
sys.exit(len(lines))
"""


def main() -> int:
    loop = uv.Loop()
    output = {"stdout": bytearray(), "stderr": bytearray()}
    result: Dict[str, int] = {}

    def reader(name: str) -> Callable[[uv.Pipe, uv.StatusCodes, bytes], None]:
        def on_read(pipe: uv.Pipe, status: uv.StatusCodes, data: bytes) -> None:
            if status is S.SUCCESS:
                output[name].extend(data)
            else:                       # EOF: the child closed its end
                pipe.close()
        return on_read

    def on_exit(process: uv.Process, returncode: int, signum: "uv.Signals | int") -> None:
        result["returncode"] = returncode
        result["signal"] = signum
        process.close()

    child = uv.Process(
        [sys.executable, "-c", CHILD],
        # as seen from the child: it reads stdin, writes stdout and stderr
        stdin=uv.CreatePipe(readable=True, ipc=False),
        stdout=uv.CreatePipe(writable=True, ipc=False),
        stderr=uv.CreatePipe(writable=True, ipc=False),
        loop=loop, on_exit=on_exit)
    print("started child %s" % child.pid)

    child.stdout.read_start(reader("stdout"))
    child.stderr.read_start(reader("stderr"))
    for word in ["pear", "apple", "fig", "banana"]:
        child.stdin.write(word.encode() + b"\n")
    # end-of-file for the child once the writes are out; then close our end
    child.stdin.shutdown(on_shutdown=lambda request, status: request.stream.close())

    loop.run()
    loop.close()
    print("stdout: %r" % output["stdout"].decode().splitlines())
    print("stderr: %s" % output["stderr"].decode().strip())
    print("exit status: %d, signal: %d" % (result["returncode"], result["signal"]))
    return 0 if result["returncode"] == 4 else 1


if __name__ == "__main__":
    sys.exit(main())
