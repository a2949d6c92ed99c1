"""A worker of the multi-process server (tests/test_ipc.py, examples/).

    python tests/ipc_worker.py MODE

The parent spawns it with an IPC pipe as stdin (``uv.PIPE``) and sends it
the listening TCP socket over that pipe.  The worker accepts the handle
(``pending_accept``), listens on it, writes ``ready PID\\n`` back, and
serves connections: each client gets ``PID\\n`` and then the echo of what
it sends.  MODE ``once``: serve one connection (the listener is closed as
soon as it is accepted), then exit.  MODE ``serve``: serve until the parent
closes the pipe.
"""
import os
import sys

import uv

S = uv.StatusCodes


def main(mode):
    loop = uv.Loop()
    pid = os.getpid()
    channel = uv.Pipe(ipc=True, loop=loop)
    channel.open(0)
    state = {"server": None, "clients": set()}

    def on_client_read(client, status, data):
        if status is S.SUCCESS:
            client.write(data)
            return
        state["clients"].discard(client)
        client.close()
        if mode == "once":
            channel.close()

    def on_connection(server, status):
        if status is not S.SUCCESS:
            return
        client = server.accept()
        if mode == "once":
            server.close()
        state["clients"].add(client)
        client.write(b"%d\n" % pid)
        client.read_start(on_client_read)

    def on_channel(pipe, status, data):
        if status is not S.SUCCESS:
            # the parent is gone: stop serving
            pipe.close()
            if state["server"] is not None:
                state["server"].close()
            for client in list(state["clients"]):
                client.close()
            return
        while pipe.pending_count:
            server = pipe.pending_accept()
            assert isinstance(server, uv.TCP), server
            state["server"] = server
            server.listen(on_connection=on_connection)
            pipe.write(b"ready %d\n" % pid)

    channel.read_start(on_channel)
    loop.run()
    loop.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "serve")
