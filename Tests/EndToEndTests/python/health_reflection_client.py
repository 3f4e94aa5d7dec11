"""Asks prismd's grpc.health.v1 and grpc.reflection services with grpcio's own clients (grpcio-health-checking,
grpcio-reflection): no stubs generated from proto/, so what it finds, it found by reflection.

usage: health_reflection_client.py check GRPC_ADDRESS HEALTHY_NAMESPACE UNHEALTHY_NAMESPACE
       health_reflection_client.py watch GRPC_ADDRESS    (prints each status; the test stops prismd meanwhile)
       health_reflection_client.py no-reflection GRPC_ADDRESS
       health_reflection_client.py status GRPC_ADDRESS SERVICE    (prints its status)
"""
import sys

import grpc
from google.protobuf import message_factory
from google.protobuf.descriptor_pb2 import FileDescriptorProto
from google.protobuf.descriptor_pool import DescriptorPool
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection_pb2
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
REGISTRY = "prism.registry.v1.MulticastRegistry"


def check_health(channel, healthy, unhealthy):
    health = health_pb2_grpc.HealthStub(channel)

    def status(service):
        return health.Check(health_pb2.HealthCheckRequest(service=service), timeout=10).status

    assert status("") == SERVING, "prismd as a whole"
    assert status(REGISTRY) == SERVING
    assert status(f"{REGISTRY}/{healthy}") == SERVING
    assert status(f"{REGISTRY}/{unhealthy}") == NOT_SERVING, "a namespace whose Redis is down"
    try:
        status(f"{REGISTRY}/nosuch")
        raise AssertionError("an unknown service was answered")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.NOT_FOUND, error
        assert f"{REGISTRY}/{healthy}" in error.details(), error.details()

    listed = health.List(health_pb2.HealthListRequest(), timeout=10).statuses
    assert listed[""].status == SERVING, listed
    assert listed[f"{REGISTRY}/{unhealthy}"].status == NOT_SERVING, listed

    watch = health.Watch(health_pb2.HealthCheckRequest(service="nosuch"), timeout=10)
    assert next(watch).status == health_pb2.HealthCheckResponse.SERVICE_UNKNOWN
    watch.cancel()


def check_reflection(channel):
    database = ProtoReflectionDescriptorDatabase(channel)
    services = database.get_services()
    for name in [REGISTRY, "prism.registry.v1.Admin", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection"]:
        assert name in services, services
    pool = DescriptorPool(database)
    registry = pool.FindServiceByName(REGISTRY)
    assert {"Register", "Enumerate", "Multicast", "Watch"} <= {m.name for m in registry.methods}, registry.methods
    assert "metadata" in pool.FindMessageTypeByName("prism.registry.v1.Identity").fields_by_name
    try:
        database.FindFileContainingSymbol("prism.registry.v1.NoSuchMessage")
        raise AssertionError("an unknown symbol was found")
    except KeyError:
        pass

    # A call built from nothing but reflected descriptors, as grpcurl makes one.
    method = pool.FindServiceByName("prism.registry.v1.Admin").FindMethodByName("ListPatterns")
    request_class = message_factory.GetMessageClass(method.input_type)
    response_class = message_factory.GetMessageClass(method.output_type)
    call = channel.unary_unary(
        "/prism.registry.v1.Admin/ListPatterns",
        request_serializer=request_class.SerializeToString,
        response_deserializer=response_class.FromString,
    )
    patterns = call(request_class(), timeout=10)
    assert len(patterns.patterns) == 2, patterns

    # v1 has v1alpha's wire format: grpcio's v1alpha messages, sent to the v1 method.
    info = channel.stream_stream(
        "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
        request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
        response_deserializer=reflection_pb2.ServerReflectionResponse.FromString,
    )
    requests = [
        reflection_pb2.ServerReflectionRequest(file_containing_symbol="prism.registry.v1.Admin.ListPatterns"),
        # Already sent on this stream, with its imports: the answer is the file alone.
        reflection_pb2.ServerReflectionRequest(file_by_filename="prism/registry/v1/registry.proto"),
        reflection_pb2.ServerReflectionRequest(file_by_filename="no/such.proto"),
    ]
    answers = list(info(iter(requests), timeout=10))
    assert len(answers) == 3, answers
    first = [FileDescriptorProto.FromString(b) for b in answers[0].file_descriptor_response.file_descriptor_proto]
    assert first[0].name == "prism/registry/v1/registry.proto", [f.name for f in first]
    assert "google/protobuf/timestamp.proto" in [f.name for f in first], [f.name for f in first]
    assert len(answers[1].file_descriptor_response.file_descriptor_proto) == 1, answers[1]
    assert answers[2].error_response.error_code == grpc.StatusCode.NOT_FOUND.value[0], answers[2]
    assert answers[2].original_request.file_by_filename == "no/such.proto"


def watch(channel):
    health = health_pb2_grpc.HealthStub(channel)
    try:
        for response in health.Watch(health_pb2.HealthCheckRequest(service="")):
            print(health_pb2.HealthCheckResponse.ServingStatus.Name(response.status), flush=True)
        print("ended OK", flush=True)
    except grpc.RpcError as error:
        print(f"ended {error.code().name}", flush=True)


def no_reflection(channel):
    try:
        ProtoReflectionDescriptorDatabase(channel).get_services()
        raise AssertionError("reflection answered although the configuration turned it off")
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.UNIMPLEMENTED, error
    status = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10).status
    assert status == SERVING


def main(mode, address, *namespaces):
    channel = grpc.insecure_channel(address)
    if mode == "check":
        check_health(channel, *namespaces)
        check_reflection(channel)
    elif mode == "watch":
        watch(channel)
        return
    elif mode == "status":
        response = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(service=namespaces[0]))
        print(health_pb2.HealthCheckResponse.ServingStatus.Name(response.status))
        return
    elif mode == "no-reflection":
        no_reflection(channel)
    else:
        raise SystemExit(__doc__)
    print(f"{mode} ok")


if __name__ == "__main__":
    main(*sys.argv[1:])
