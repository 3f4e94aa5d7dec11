"""A TCP proxy that can freeze: a network cut without a goodbye. Until SIGUSR1 it forwards bytes both
ways; after it, it stops reading and writing but keeps every socket open, as a dead link or a crashed
NAT would, so neither side sees the connection close. Only the server's keepalive can find it dead.

usage: freezing_proxy.py TARGET_HOST:TARGET_PORT

Prints `proxy listening PORT` once it accepts connections, and `frozen` on SIGUSR1.
"""
import signal
import socket
import sys
import threading

frozen = threading.Event()


def pump(source, destination):
    while True:
        if frozen.is_set():
            threading.Event().wait()  # never returns: the socket stays open and unread
        try:
            data = source.recv(65536)
        except OSError:
            data = b""
        if frozen.is_set():
            threading.Event().wait()
        if not data:
            try:
                destination.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            return
        destination.sendall(data)


def main(target):
    host, port = target.rsplit(":", 1)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    # Blocked in every thread and taken by one waiting for it: a handler would run only when the main
    # thread next runs Python code, and it sits in accept().
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1})

    def freeze():
        signal.sigwait({signal.SIGUSR1})
        frozen.set()
        print("frozen", flush=True)

    threading.Thread(target=freeze, daemon=True).start()
    print(f"proxy listening {listener.getsockname()[1]}", flush=True)
    while True:
        client, _ = listener.accept()
        upstream = socket.create_connection((host, int(port)))
        for source, destination in ((client, upstream), (upstream, client)):
            threading.Thread(target=pump, args=(source, destination), daemon=True).start()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(1)
    main(sys.argv[1])
