#!/usr/bin/env python3
"""Many concurrent unary calls on ONE gRPC channel (one HTTP/2 connection): every one must succeed.

Phase 1 starts --calls Register futures at once (identities conc-0 .. conc-N-1, small metadata,
replace=true), all in flight before any is waited on, and requires every one to end OK; then
Enumerate(filter='@id startswith "conc-"', limit=1) must report total_count == --calls.
Phase 2 does the same with --calls concurrent Get futures of those identities.
A hang fails (every call has a deadline, and a watchdog ends the process) instead of hanging.

usage: concurrency_client.py GRPC_ADDRESS [--calls 1000] [--timeout 60] [--namespace default]
       (PYTHONPATH must hold the stubs generated from proto/, e.g. .build/pyenv/stubs)

Prints `concurrency ok N calls` and exits 0 on success; prints what failed and exits 1 otherwise.
"""
import argparse
import collections
import os
import sys
import threading
import time

import grpc
from google.protobuf import struct_pb2

from prism.registry.v1 import registry_pb2 as api
from prism.registry.v1 import registry_pb2_grpc as rpc

PREFIX = "conc-"


def fail(message):
    print(f"concurrency FAILED: {message}", file=sys.stderr, flush=True)
    sys.exit(1)


def start_watchdog(seconds):
    """Ends the process with status 1 if the run is not over in `seconds` (a hang inside grpcio, say)."""

    def expire():
        print(f"concurrency FAILED: not finished after {seconds:.0f} s (hang)", file=sys.stderr, flush=True)
        os._exit(1)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()


def metadata(index):
    value = struct_pb2.Struct()
    value.update({"type": "sensor", "building": "HQ", "floor": index % 5, "n": index})
    return value


def wait_all(futures, deadline):
    """Waits for every future (by the overall deadline); returns the count per status code name and
    a few examples of errors."""
    codes = collections.Counter()
    examples = []
    for name, future in futures:
        remaining = max(0.0, deadline - time.monotonic())
        try:
            future.result(timeout=remaining)
            codes["OK"] += 1
        except grpc.FutureTimeoutError:
            codes["NOT_FINISHED"] += 1
            future.cancel()
        except grpc.RpcError as error:
            code = error.code().name if error.code() is not None else "UNKNOWN"
            codes[code] += 1
            if len(examples) < 5:
                examples.append(f"{name}: {code}: {error.details()}")
    return codes, examples


def check_phase(phase, calls, codes, examples, elapsed):
    if codes.get("OK", 0) != calls:
        summary = ", ".join(f"{code}={count}" for code, count in sorted(codes.items()))
        detail = "".join(f"\n  {example}" for example in examples)
        fail(f"{phase}: {codes.get('OK', 0)}/{calls} concurrent calls succeeded ({summary}){detail}")
    print(f"{phase}: {calls}/{calls} OK in {elapsed:.2f} s", file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("address", metavar="GRPC_ADDRESS", help="host:port of prismd's gRPC listener")
    parser.add_argument("--calls", type=int, default=1000, help="concurrent calls per phase (default 1000)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole run (default 60)")
    parser.add_argument("--namespace", default="default")
    # A usage error exits 1 like any other failure (argparse would use 2).
    parser.exit = lambda status=0, message=None: sys.exit((message or "").rstrip() or 1) if status else sys.exit(0)
    args = parser.parse_args()
    if args.calls < 1:
        parser.error("--calls must be at least 1")
    start_watchdog(args.timeout + 10)
    deadline = time.monotonic() + args.timeout

    channel = grpc.insecure_channel(args.address)
    try:
        grpc.channel_ready_future(channel).result(timeout=min(10.0, args.timeout))
    except grpc.FutureTimeoutError:
        fail(f"cannot connect to {args.address} within 10 s")
    registry = rpc.MulticastRegistryStub(channel)

    # Phase 1: Register, all futures created before any is waited on.
    started = time.monotonic()
    futures = []
    for index in range(args.calls):
        name = f"{PREFIX}{index}"
        request = api.RegisterRequest(
            namespace=args.namespace, identity=name, metadata=metadata(index), replace=True)
        futures.append((name, registry.Register.future(request, timeout=args.timeout)))
    codes, examples = wait_all(futures, deadline)
    check_phase("Register", args.calls, codes, examples, time.monotonic() - started)

    try:
        page = registry.Enumerate(
            api.EnumerateRequest(namespace=args.namespace, filter=f'@id startswith "{PREFIX}"', limit=1),
            timeout=max(1.0, deadline - time.monotonic()))
    except grpc.RpcError as error:
        fail(f"Enumerate after the registrations: {error.code().name}: {error.details()}")
    if page.total_count != args.calls:
        fail(f'Enumerate(@id startswith "{PREFIX}") total_count is {page.total_count}, expected {args.calls} '
             "(is the server fresh?)")

    # Phase 2: Get, the same way.
    started = time.monotonic()
    futures = []
    for index in range(args.calls):
        name = f"{PREFIX}{index}"
        request = api.GetRequest(namespace=args.namespace, identity=name)
        futures.append((name, registry.Get.future(request, timeout=max(1.0, deadline - time.monotonic()))))
    codes, examples = wait_all(futures, deadline)
    check_phase("Get", args.calls, codes, examples, time.monotonic() - started)
    wrong = [name for name, future in futures if future.result().identity.identity != name]
    if wrong:
        fail(f"{len(wrong)} Get calls answered with another identity, e.g. {wrong[0]}")

    channel.close()
    print(f"concurrency ok {args.calls} calls", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
