"""A device on prismd's Session stream, from Python (grpcio): it registers through the stream, then
answers every message in-band with an ack that carries a reply, until it is killed (which cuts the
stream: prismd must notice and end the subscription).

usage: session_device.py GRPC_ADDRESS NAMESPACE IDENTITY

Prints `registered IDENTITY` once prismd confirmed the registration (the session is subscribed by then),
and `acked MESSAGE_ID PAYLOAD` for each message it answered.
"""
import queue
import sys

import grpc

from prism.registry.v1 import registry_pb2 as api
from prism.registry.v1 import registry_pb2_grpc as rpc


def main(address, namespace, identity):
    outgoing = queue.Queue()

    def requests():
        while True:
            request = outgoing.get()
            if request is None:
                return
            yield request

    channel = grpc.insecure_channel(address)
    stub = rpc.MulticastRegistryStub(channel)
    outgoing.put(api.SessionRequest(
        request_id=1, register=api.RegisterRequest(namespace=namespace, identity=identity, replace=True)))
    events = stub.Session(requests())

    next_id = 2
    for event in events:
        kind = event.WhichOneof("event")
        if kind == "result":
            result = event.result
            if result.code != 0:
                print(f"failed request {result.request_id}: {result.code} {result.message}", flush=True)
                return 1
            if result.request_id == 1:
                print(f"registered {identity}", flush=True)
        elif kind == "message":
            message = event.message
            outgoing.put(api.SessionRequest(
                request_id=next_id,
                ack=api.AckRequest(message_id=message.message_id, reply=b"reply-from-" + identity.encode())))
            next_id += 1
            print(f"acked {message.message_id} {message.payload.decode(errors='replace')}", flush=True)
    print("session ended", flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        sys.exit(1)
    sys.exit(main(*sys.argv[1:]))
