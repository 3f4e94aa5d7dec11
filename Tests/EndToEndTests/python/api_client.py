"""Drives prismd's gRPC API from Python (stubs generated from proto/ by grpcio-tools), then checks
/metrics with prometheus_client's parser: proof that the API works from another language.

usage: api_client.py GRPC_ADDRESS HTTP_ADDRESS
"""
import sys
import threading
import urllib.request

import grpc
from google.protobuf import duration_pb2, struct_pb2
from prometheus_client.parser import text_string_to_metric_families

from prism.registry.v1 import registry_pb2 as api
from prism.registry.v1 import registry_pb2_grpc as rpc


def metadata(**fields):
    value = struct_pb2.Struct()
    value.update(fields)
    return value


def main(grpc_address, http_address):
    channel = grpc.insecure_channel(grpc_address)
    registry = rpc.MulticastRegistryStub(channel)
    for name, kind, floor in [("py-sensor-1", "sensor", 1), ("py-sensor-2", "sensor", 2), ("py-valve-1", "valve", 1)]:
        response = registry.Register(api.RegisterRequest(identity=name, metadata=metadata(type=kind, floor=floor)))
        assert response.identity.identity == name, response
        assert response.identity.metadata["floor"] == floor

    page = registry.Enumerate(api.EnumerateRequest(filter='type == "sensor"', limit=10))
    assert [i.identity for i in page.identities] == ["py-sensor-1", "py-sensor-2"], page
    assert page.total_count == 2

    try:
        registry.Enumerate(api.EnumerateRequest(filter="floor =="))
        raise AssertionError("an invalid filter was accepted")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT, error
        assert "1:9" in error.details(), error.details()

    stream = registry.Subscribe(api.SubscribeRequest(identities=["py-sensor-1"]))
    stream.initial_metadata()  # prismd sends headers once the subscription is in place
    received = []

    def acknowledge():
        for message in stream:
            received.append(message)
            registry.Ack(api.AckRequest(message_id=message.message_id))
            return

    acker = threading.Thread(target=acknowledge)
    acker.start()
    report = registry.Multicast(api.MulticastRequest(
        filter='type == "sensor" and floor == 1', payload=b"read", delivery=api.DELIVERY_ACK,
        ack_timeout=duration_pb2.Duration(seconds=2)))
    acker.join(timeout=5)
    stream.cancel()
    assert report.target_count == 1 and report.delivered_count == 1, report
    assert received and received[0].payload == b"read" and received[0].ack_requested, received

    with urllib.request.urlopen(f"http://{http_address}/metrics", timeout=5) as response:
        text = response.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    registered = samples[("prism_operations_total", (("code", "ok"), ("namespace", "default"), ("op", "register")))]
    assert registered == 3, registered
    assert samples[("prism_identities", (("namespace", "default"),))] == 3
    delivered = samples[("prism_multicast_deliveries_total", (("namespace", "default"), ("status", "delivered")))]
    assert delivered == 1, delivered
    print("python client ok")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
