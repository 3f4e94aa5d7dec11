#!/usr/bin/env python3
"""An honest client whose calls hit their deadlines, beside a long-lived Watch stream on the same
channel (one HTTP/2 connection), which must survive.

Opens Watch (namespace default) and reads it in a thread; then for --seconds issues
Subscribe(identities=["deadline-probe"], timeout=20 ms) calls at --rate per second. Each one ends
DEADLINE_EXCEEDED (the client then resets the stream with RST_STREAM). About once a second it also
registers watch-probe-K and requires the Watch stream to report it REGISTERED within 2 s.

At the end it requires: the Watch stream still open and it saw every probe; every Subscribe call ended
DEADLINE_EXCEEDED (in particular none UNAVAILABLE, which means the connection died); at least
rate * seconds * 0.8 deadline calls made.

usage: deadline_client.py GRPC_ADDRESS [--rate 100] [--seconds 20] [--namespace default]
       (PYTHONPATH must hold the stubs generated from proto/, e.g. .build/pyenv/stubs)

Prints `deadline ok: N deadline calls, watch saw M/M probes` and the count per status code, and exits 0
on success; prints what failed and exits 1 otherwise.
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

CALL_TIMEOUT = 0.02  # seconds: the deadline of each Subscribe call
PROBE_WAIT = 2.0  # seconds the Watch stream has to report a probe
PROBE_PREFIX = "watch-probe-"


def log(message):
    print(message, file=sys.stderr, flush=True)


def start_watchdog(seconds):
    def expire():
        print(f"deadline FAILED: not finished after {seconds:.0f} s (hang)", file=sys.stderr, flush=True)
        os._exit(1)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()


class WatchReader:
    """Reads the Watch stream in a thread; remembers the identities it saw REGISTERED and how it ended."""

    def __init__(self, registry, namespace):
        self.call = registry.Watch(api.WatchRequest(namespace=namespace))
        self.condition = threading.Condition()
        self.registered = set()
        self.events = 0
        self.ended = None  # a description of how the stream ended, None while open
        self.headers = threading.Event()
        self.thread = threading.Thread(target=self._run, name="watch", daemon=True)
        self.thread.start()

    def _run(self):
        try:
            # prismd sends the headers once the watch is in place: nothing registered later is missed.
            self.call.initial_metadata()
            self.headers.set()
            for event in self.call:
                with self.condition:
                    self.events += 1
                    if event.kind == api.EVENT_KIND_REGISTERED:
                        self.registered.add(event.identity.identity)
                        self.condition.notify_all()
            ended = f"the server ended it (status {self.call.code().name}: {self.call.details()!r})"
        except grpc.RpcError as error:
            ended = f"{error.code().name}: {error.details()}"
        except Exception as error:  # anything else ends the reader too: report it, never hide it
            ended = f"reader error: {error!r}"
        with self.condition:
            self.ended = ended
            self.condition.notify_all()
        self.headers.set()

    def wait_for(self, identity, timeout):
        end = time.monotonic() + timeout
        with self.condition:
            while identity not in self.registered and self.ended is None:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return False
                self.condition.wait(remaining)
            return identity in self.registered


class Outcomes:
    """Counts the Subscribe calls' final status codes, from the calls' done callbacks."""

    def __init__(self):
        self.lock = threading.Lock()
        self.codes = collections.Counter()
        self.started = 0
        self.finished = 0
        self.all_done = threading.Condition(self.lock)

    def start(self, call):
        with self.lock:
            self.started += 1
        call.add_done_callback(self._done)

    def _done(self, call):
        code = call.code()
        name = code.name if code is not None else "UNKNOWN"
        with self.lock:
            self.codes[name] += 1
            self.finished += 1
            self.all_done.notify_all()

    def wait(self, timeout):
        end = time.monotonic() + timeout
        with self.lock:
            while self.finished < self.started:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return False
                self.all_done.wait(remaining)
            return True


def probe_loop(registry, namespace, watch, stop, results):
    """Registers watch-probe-K about once a second; records (identity, seen by Watch, error)."""
    index = 0
    while not stop.is_set():
        began = time.monotonic()
        name = f"{PROBE_PREFIX}{index}"
        error = None
        try:
            # Unregister first (it succeeds when absent) so that a rerun on the same server also
            # produces a REGISTERED event, not an UPDATED one.
            registry.Unregister(api.UnregisterRequest(namespace=namespace, identity=name), timeout=5)
            meta = struct_pb2.Struct()
            meta.update({"probe": index})
            registry.Register(api.RegisterRequest(namespace=namespace, identity=name, metadata=meta), timeout=5)
        except grpc.RpcError as failure:
            error = f"{failure.code().name}: {failure.details()}"
        seen = error is None and watch.wait_for(name, PROBE_WAIT)
        results.append((name, seen, error))
        if not seen:
            log(f"probe {name}: " + (f"Register failed: {error}" if error else f"not seen by Watch in {PROBE_WAIT} s"))
        index += 1
        stop.wait(max(0.0, 1.0 - (time.monotonic() - began)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("address", metavar="GRPC_ADDRESS", help="host:port of prismd's gRPC listener")
    parser.add_argument("--rate", type=float, default=100.0, help="deadline calls per second (default 100)")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to run (default 20)")
    parser.add_argument("--namespace", default="default")
    # A usage error exits 1 like any other failure (argparse would use 2).
    parser.exit = lambda status=0, message=None: sys.exit((message or "").rstrip() or 1) if status else sys.exit(0)
    args = parser.parse_args()
    if args.rate <= 0 or args.seconds <= 0:
        parser.error("--rate and --seconds must be positive")
    start_watchdog(args.seconds + 60)

    channel = grpc.insecure_channel(args.address)
    try:
        grpc.channel_ready_future(channel).result(timeout=10)
    except grpc.FutureTimeoutError:
        log(f"deadline FAILED: cannot connect to {args.address} within 10 s")
        return 1
    registry = rpc.MulticastRegistryStub(channel)

    watch = WatchReader(registry, args.namespace)
    if not watch.headers.wait(10) or watch.ended is not None:
        log(f"deadline FAILED: the Watch stream did not open: {watch.ended or 'no response headers in 10 s'}")
        return 1

    stop = threading.Event()
    probes = []
    prober = threading.Thread(target=probe_loop, args=(registry, args.namespace, watch, stop, probes), daemon=True)
    prober.start()

    outcomes = Outcomes()
    request = api.SubscribeRequest(namespace=args.namespace, identities=["deadline-probe"])
    interval = 1.0 / args.rate
    began = time.monotonic()
    end = began + args.seconds
    next_call = began
    while True:
        now = time.monotonic()
        if now >= end:
            break
        if now < next_call:
            time.sleep(min(next_call - now, end - now))
            continue
        # Issue every call that is due (catching up after a slow moment keeps the rate).
        while next_call <= now and next_call < end:
            outcomes.start(registry.Subscribe(request, timeout=CALL_TIMEOUT))
            next_call += interval
    elapsed = time.monotonic() - began

    stop.set()
    prober.join(timeout=PROBE_WAIT + 12)
    all_finished = outcomes.wait(10)
    # The Watch stream must still be open now, after all the deadline calls.
    time.sleep(0.2)
    watch_open = watch.ended is None and watch.thread.is_alive()

    with outcomes.lock:
        codes = dict(outcomes.codes)
        started, finished = outcomes.started, outcomes.finished
    seen = sum(1 for _, ok, _ in probes if ok)
    counts = ", ".join(f"{code}={count}" for code, count in sorted(codes.items()))
    log(f"{started} Subscribe calls in {elapsed:.1f} s ({started / elapsed:.0f}/s): {counts or 'none finished'}; "
        f"watch saw {seen}/{len(probes)} probes, {watch.events} events")

    problems = []
    if not watch_open:
        problems.append(f"the Watch stream did not survive: {watch.ended}")
    if not probes:
        problems.append("no probe was registered")
    elif seen != len(probes):
        missed = [name + (f" ({error})" if error else "") for name, ok, error in probes if not ok]
        problems.append(f"the Watch stream missed {len(missed)}/{len(probes)} probes: {', '.join(missed[:5])}")
    if codes.get("UNAVAILABLE"):
        problems.append(f"{codes['UNAVAILABLE']} calls ended UNAVAILABLE: the connection died")
    others = {code: count for code, count in codes.items() if code not in ("DEADLINE_EXCEEDED", "UNAVAILABLE")}
    if others:
        problems.append("calls ended otherwise than DEADLINE_EXCEEDED: "
                        + ", ".join(f"{code}={count}" for code, count in sorted(others.items())))
    if not all_finished:
        problems.append(f"{started - finished} of {started} calls had not finished 10 s after the run")
    needed = int(args.rate * args.seconds * 0.8)
    if started < needed:
        problems.append(f"only {started} deadline calls made, expected at least {needed} (the client fell behind)")
    if problems:
        for problem in problems:
            log(f"deadline FAILED: {problem}")
        print(f"per code: {counts}", flush=True)
        return 1

    watch.call.cancel()
    channel.close()
    print(f"deadline ok: {started} deadline calls, watch saw {seen}/{len(probes)} probes", flush=True)
    print(f"per code: {counts}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
