"""grpcio over TLS against prismd: the foreign client's view of the TLS port.

usage: tls_client.py call GRPC_ADDRESS [CA [CERT KEY]]   one ListPatterns call; prints "ok N" or "error CODE: details"
       tls_client.py peer-cn GRPC_ADDRESS CA              prints the CN of the certificate the server shows
       tls_client.py watch-survives GRPC_ADDRESS CA FLAG  opens a Watch, waits for the file FLAG, registers an
                                                          identity and expects its event on the same stream
"""
import os
import socket
import ssl
import sys
import time

import grpc

from prism.registry.v1 import registry_pb2 as api
from prism.registry.v1 import registry_pb2_grpc as rpc


def channel(address, ca=None, cert=None, key=None):
    if ca is None:
        return grpc.insecure_channel(address)
    read = lambda path: open(path, "rb").read() if path else None
    return grpc.secure_channel(address, grpc.ssl_channel_credentials(read(ca), read(key), read(cert)))


def call(address, *files):
    started = time.monotonic()
    try:
        response = rpc.AdminStub(channel(address, *files)).ListPatterns(api.ListPatternsRequest(), timeout=10)
        print(f"ok {len(response.patterns)}")
    except grpc.RpcError as error:
        print(f"error {error.code().name}: {error.details()}")
    print(f"seconds {time.monotonic() - started:.3f}")


def peer_cn(address, ca):
    host, port = address.rsplit(":", 1)
    context = ssl.create_default_context(cafile=ca)
    context.set_alpn_protocols(["h2"])
    with socket.create_connection((host, int(port)), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname=host) as tls:
            subject = dict(pair[0] for pair in tls.getpeercert()["subject"])
            print(f"cn {subject['commonName']}")


def watch_survives(address, ca, flag):
    watched = channel(address, ca)
    events = rpc.MulticastRegistryStub(watched).Watch(api.WatchRequest(), timeout=60)
    events.initial_metadata()  # prismd sends headers once the watch is set up
    registry = rpc.MulticastRegistryStub(watched)
    registry.Register(api.RegisterRequest(identity="before-reload"), timeout=10)
    assert next(events).identity.identity == "before-reload"
    print("watching", flush=True)
    deadline = time.monotonic() + 30
    while not os.path.exists(flag):
        assert time.monotonic() < deadline, "the test never signalled the reload"
        time.sleep(0.05)
    # A new connection, which must see the reloaded certificate, registers; the old stream must hear of it.
    rpc.MulticastRegistryStub(channel(address, ca)).Register(api.RegisterRequest(identity="after-reload"), timeout=10)
    event = next(events)
    assert event.identity.identity == "after-reload", event
    print("watch survived", flush=True)


if __name__ == "__main__":
    modes = {"call": call, "peer-cn": peer_cn, "watch-survives": watch_survives}
    if len(sys.argv) < 3 or sys.argv[1] not in modes:
        raise SystemExit(__doc__)
    modes[sys.argv[1]](*sys.argv[2:])
