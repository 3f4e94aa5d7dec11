#!/usr/bin/env python3
"""The gRPC front door under h2load: prismd (memory and SQLite registries) against a bare grpc-swift-2
server and a grpc-go reference server, on this machine, in one run.

usage: PYTHONPATH=.build/pyenv/stubs .build/pyenv/bin/python scripts/bench_api.py [--quick]
           [--bin DIR] [--grpc-ref PATH] [--connections 16] [--streams 4] [--identities 100000]
       (`make bench-api` builds the release binaries first, then runs this)

Servers, each started fresh on 127.0.0.1:0 and killed when measured (also on an error or Ctrl-C):
  grpc-go        .build/tools/grpc-ref (canned replies)
  bare           DIR/prism-bench bare-server (grpc-swift 2, empty handlers, on prismd's transport); an
                 "error" entry if it does not start
  bare-posix     the same on grpc-swift's stock HTTP2ServerTransport.Posix
  prismd-memory  DIR/prismd, memory registry
  prismd-sqlite  DIR/prismd, SQLite registry (temporary data directory)
Each run is h2load -c 16 -m 4 -t 1 (by default) with -n sized from a short calibration run so that it
lasts about 4 s (1.5 s with --quick). Before and after each run one grpcio call with the same request
must end OK (h2load only sees HTTP 200; gRPC errors hide in the trailers).
Calls: Get of a registered identity (every server), Heartbeat of it, Register with replace, Unregister
of an absent identity (prismd only); Enumerate of a page of 100 with metadata from --identities
identities (a third match; a selective filter), prismd-memory (and prismd-sqlite unless --quick), with
prismd's RSS after the preload; PrismClient's Get rate at h2load's concurrency (prism-bench
client-load); heartbeats over 16 Session streams, without and with a metadata patch (prism-bench
session-heartbeats); a concurrency check, h2load -c 1 -m 500 -n 20000 Get against a fresh
prismd-memory (it must be 20000 succeeded, 0 failed).

Prints ONE JSON object on stdout, progress on stderr. Exit status 0 when every prismd measurement was
made (a missing bare server and a failing concurrency check are recorded, not fatal); 1 otherwise.
"""
import argparse
import collections
import ctypes
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

try:
    import grpc
    from google.protobuf import duration_pb2, struct_pb2

    from prism.registry.v1 import registry_pb2 as api
    from prism.registry.v1 import registry_pb2_grpc as rpc
except ImportError as error:
    sys.exit(f"bench_api: {error}: run with .build/pyenv/bin/python and PYTHONPATH=.build/pyenv/stubs "
             "(scripts/python-env.sh creates them)")

SERVICE = "/prism.registry.v1.MulticastRegistry/"
BENCH_ID = "bench-1"  # the identity Get and Heartbeat name; grpc-ref's canned reply names it too
CONFIG = """namespaces:
  - name: default
    indexed_fields: [type, building]
    slots:
      registry: {{ backend: {registry} }}
      messaging: {{ backend: inproc }}
"""
ENUMERATE_FILTERS = {
    "enumerate_100k_third": 'type == "sensor"',
    "enumerate_100k_selective": 'type == "sensor" and floor == 2 and building == "HQ"',
}


def log(message):
    print(f"bench_api: {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


# Servers


def _die_with_parent():
    """Runs in the child before exec: the kernel kills it if this script dies, even by SIGKILL."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


class Server:
    """A server process whose output is read in threads; `start` waits for the line with its address."""

    running = []

    def __init__(self, name, argv, ready, cwd=None, env=None):
        self.name = name
        self.env = env
        self.argv = [str(arg) for arg in argv]
        self.ready = re.compile(ready)
        self.cwd = cwd
        self.process = None
        self.address = None
        self.output = collections.deque(maxlen=40)
        self.found = threading.Event()

    def start(self, timeout=30):
        log(f"starting {self.name}: {' '.join(self.argv)}")
        try:
            self.process = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                cwd=self.cwd, env=self.env, preexec_fn=_die_with_parent, start_new_session=True)
        except OSError as error:
            raise BenchError(f"{self.name}: cannot start {self.argv[0]}: {error}") from None
        Server.running.append(self)
        for stream in (self.process.stdout, self.process.stderr):
            threading.Thread(target=self._read, args=(stream,), daemon=True).start()
        end = time.monotonic() + timeout
        while not self.found.wait(0.05):
            if self.process.poll() is not None:
                time.sleep(0.1)  # let the readers catch the last lines
                raise BenchError(f"{self.name} exited with status {self.process.returncode} before listening: "
                                 + self.tail())
            if time.monotonic() > end:
                raise BenchError(f"{self.name} printed no listening line in {timeout} s: " + self.tail())
        log(f"{self.name} listening on {self.address} (pid {self.process.pid})")
        return self

    def _read(self, stream):
        for raw in stream:
            line = raw.decode(errors="replace").rstrip()
            self.output.append(line)
            if not self.found.is_set():
                match = self.ready.search(line)
                if match:
                    self.address = match.group(1)
                    self.found.set()

    def tail(self):
        return " | ".join(self.output) or "(no output)"

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def rss_mib(self):
        with open(f"/proc/{self.process.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
        return None

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self in Server.running:
            Server.running.remove(self)

    @classmethod
    def stop_all(cls):
        for server in list(cls.running):
            server.stop()


# Requests


def struct(fields):
    value = struct_pb2.Struct()
    value.update(fields)
    return value


def unary_requests():
    """method name -> (result key, request) for the unary calls h2load drives."""
    return {
        "Get": ("get", api.GetRequest(identity=BENCH_ID)),
        "Heartbeat": ("heartbeat", api.HeartbeatRequest(identity=BENCH_ID)),
        "Register": ("register", api.RegisterRequest(
            identity="bench-register", metadata=struct({"type": "bench", "building": "HQ", "floor": 2}),
            replace=True)),
        "Unregister": ("unregister_absent", api.UnregisterRequest(identity="bench-absent")),
    }


TYPES = ["sensor", "actuator", "gateway"]
KINDS = {"sensor": ["temperature", "humidity", "co2"], "actuator": ["valve", "relay", "fan"],
         "gateway": ["lte", "wifi", "lora"]}
BUILDINGS = ["HQ", "Lab", "Plant"]
CAPABILITIES = {"sensor": ["read", "reboot", "update_firmware"], "actuator": ["set", "reboot"],
                "gateway": ["relay", "reboot", "update_firmware"]}


def device(index):
    """7-key device metadata: type in exact thirds, building and floor independent of it."""
    kind = TYPES[index % 3]
    return {
        "type": kind,
        "kind": KINDS[kind][(index // 45) % 3],
        "building": BUILDINGS[(index // 3) % 3],
        "floor": (index // 9) % 5,
        "firmware": f"1.{(index // 7) % 10}.{(index // 11) % 20}",
        "battery": round(((index * 7919) % 1000) / 1000, 3),
        "capabilities": CAPABILITIES[kind],
    }


def frame_file(directory, name, request):
    """A gRPC frame (flag byte 0, 4-byte big-endian length, protobuf) in a file, for h2load -d."""
    payload = request.SerializeToString()
    path = os.path.join(directory, f"{name}.frame")
    with open(path, "wb") as out:
        out.write(b"\x00" + len(payload).to_bytes(4, "big") + payload)
    return path


def grpc_check(address, method, request, timeout=10):
    """One grpcio call of `method`; None when it ends OK, else what went wrong."""
    with grpc.insecure_channel(address) as channel:
        call = getattr(rpc.MulticastRegistryStub(channel), method)
        try:
            call(request, timeout=timeout)
        except grpc.RpcError as error:
            return f"{method} by grpcio: {error.code().name}: {error.details()}"
    return None


# h2load


def h2load(address, method, frame, requests, connections, streams, directory, timeout):
    log_path = os.path.join(directory, "h2load.log")
    argv = ["h2load", "-n", str(requests), "-c", str(connections), "-m", str(streams), "-t", "1",
            "-N", "15s", "-d", frame, "-H", "content-type: application/grpc", "-H", "te: trailers",
            "--log-file", log_path, f"http://{address}{SERVICE}{method}"]
    try:
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise BenchError(f"h2load did not finish in {timeout:.0f} s: {' '.join(argv)}") from None
    text = done.stdout
    finished = re.search(r"finished in ([\d.]+)(m?s), ([\d.]+) req/s", text)
    counts = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, "
                       r"(\d+) errored, (\d+) timeout", text)
    if not finished or not counts:
        raise BenchError(f"h2load exited with status {done.returncode} without a summary: "
                         + (done.stderr.strip() or text.strip())[-500:])
    seconds = float(finished.group(1)) / (1000 if finished.group(2) == "ms" else 1)
    total, _, _, succeeded, failed, errored, timed_out = (int(value) for value in counts.groups())
    latencies = []
    if os.path.exists(log_path):
        with open(log_path) as lines:
            for line in lines:
                columns = line.split("\t")
                if len(columns) >= 3 and columns[1] == "200":
                    latencies.append(int(columns[2]))
        os.remove(log_path)
    latencies.sort()
    result = {
        "calls_per_second": round(float(finished.group(3)), 1),
        "p50_us": percentile(latencies, 50),
        "p99_us": percentile(latencies, 99),
        "requests": total,
        "succeeded": succeeded,
        "failed": failed,
        "errored": errored,
        "timeout": timed_out,
        "seconds": round(seconds, 3),
    }
    return result


def percentile(values, rank):
    if not values:
        return None
    index = max(0, min(len(values) - 1, int(round(rank / 100 * len(values))) - 1))
    return values[index]


class Bench:
    def __init__(self, args, directory):
        self.args = args
        self.directory = directory
        self.results = collections.defaultdict(dict)
        self.errors = []
        self.fatal = []
        self.frames = {}

    def record_error(self, section, server, message, fatal):
        log(f"ERROR {section} {server}: {message}")
        self.results[section][server] = {"error": message}
        self.errors.append(f"{section} {server}: {message}")
        if fatal:
            self.fatal.append(f"{section} {server}: {message}")

    def frame(self, name, request):
        if name not in self.frames:
            self.frames[name] = frame_file(self.directory, name, request)
        return self.frames[name]

    def measure(self, section, server, method, request, frame_name=None):
        """One h2load figure: a grpcio check, calibration, the timed run, a grpcio check again."""
        fatal = server.name.startswith("prismd")
        try:
            problem = grpc_check(server.address, method, request)
            if problem:
                raise BenchError(f"before h2load: {problem}")
            frame = self.frame(frame_name or method, request)
            args = self.args
            per_round = args.connections * args.streams
            run = lambda n: h2load(server.address, method, frame, n, args.connections, args.streams,
                                   self.directory, timeout=max(60, args.seconds * 10))
            calibration = run(max(per_round * 8, 500))
            rate = calibration["calls_per_second"]
            if calibration["seconds"] < 0.3 and rate > 0:
                calibration = run(max(per_round * 8, int(rate * 0.5)))
                rate = calibration["calls_per_second"]
            # A short run underestimates the rate (connection set-up, warm-up): rerun the timed run with
            # its own rate when it ended well before the target duration.
            for attempt in range(3):
                requests = max(per_round * 4, min(args.max_requests, int(rate * args.seconds)))
                result = run(requests)
                if result["seconds"] >= 0.6 * args.seconds or requests >= args.max_requests or attempt == 2:
                    break
                rate = max(rate, result["calls_per_second"])
            if not server.alive():
                raise BenchError(f"{server.name} died during h2load: {server.tail()}")
            problem = grpc_check(server.address, method, request)
            if problem:
                raise BenchError(f"after h2load: {problem}")
            if result["succeeded"] != result["requests"]:
                result["error"] = (f"{result['failed']} failed, {result['errored']} errored, "
                                   f"{result['timeout']} timed out of {result['requests']}")
                self.errors.append(f"{section} {server.name}: {result['error']}")
                if fatal:
                    self.fatal.append(f"{section} {server.name}: {result['error']}")
            self.results[section][server.name] = result
            log(f"{section} {server.name}: {result['calls_per_second']:.0f} calls/s, p50 {result['p50_us']} us, "
                f"p99 {result['p99_us']} us, {result['succeeded']}/{result['requests']} succeeded")
        except BenchError as error:
            self.record_error(section, server.name, str(error), fatal)

    # The servers

    def prismd(self, name, registry, env=None):
        config = os.path.join(self.directory, f"{name}.yaml")
        with open(config, "w") as out:
            out.write(CONFIG.format(registry=registry))
        data = tempfile.mkdtemp(prefix=f"{name}-", dir=self.directory)
        argv = [os.path.join(self.args.bin, "prismd"), "--config", config, "--listen", "127.0.0.1:0",
                "--http", "127.0.0.1:0", "--data-dir", data, "--log-level", "error"]
        server = Server(name, argv, r"prismd listening grpc=(\S+)", env=env).start()
        # Device metadata, but not a device type: the Enumerate figures count only the dev- identities.
        register = api.RegisterRequest(identity=BENCH_ID, metadata=struct(dict(device(0), type="bench")),
                                       ttl=duration_pb2.Duration(seconds=3600), replace=True)
        problem = grpc_check(server.address, "Register", register)
        if problem:
            server.stop()
            raise BenchError(f"registering {BENCH_ID}: {problem}")
        return server

    def reference_servers(self):
        for name, argv, ready in [
            ("grpc-go", [self.args.grpc_ref, "-listen", "127.0.0.1:0"], r"listening (\S+)"),
            ("bare", [os.path.join(self.args.bin, "prism-bench"), "bare-server", "--listen", "127.0.0.1:0"],
             r"^listening (\S+)"),
            ("bare-posix", [os.path.join(self.args.bin, "prism-bench"), "bare-server", "--transport", "posix",
                            "--listen", "127.0.0.1:0"], r"^listening (\S+)"),
        ]:
            try:
                server = Server(name, argv, ready).start()
            except BenchError as error:
                self.record_error("get", name, str(error), fatal=False)
                continue
            try:
                self.measure("get", server, "Get", unary_requests()["Get"][1])
            finally:
                server.stop()

    def prismd_servers(self):
        for name, registry in [("prismd-memory", "memory"), ("prismd-sqlite", "sqlite")]:
            try:
                server = self.prismd(name, registry)
            except BenchError as error:
                for section, _ in unary_requests().values():
                    self.record_error(section, name, str(error), fatal=True)
                continue
            try:
                for method, (section, request) in unary_requests().items():
                    self.measure(section, server, method, request)
                if registry == "memory":
                    self.prism_client(server)
                    self.sessions(server)
                if registry == "memory" or not self.args.quick:
                    self.enumerate(server)
            finally:
                server.stop()

    def bench_json(self, arguments, timeout):
        """Runs a prism-bench scenario and returns the JSON object it prints."""
        argv = [os.path.join(self.args.bin, "prism-bench"), *arguments]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise BenchError(f"{' '.join(argv)}: {error}") from None
        if done.returncode != 0:
            raise BenchError(f"{' '.join(argv)} exited {done.returncode}: {done.stderr.strip()[-400:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def prism_client(self, server):
        """PrismClient (the Swift client) making the same Get calls as h2load, with as many in flight."""
        try:
            result = self.bench_json([
                "client-load", "--server", server.address, "--call", "get", "--identity", BENCH_ID,
                "--connections", str(self.args.connections), "--streams", str(self.args.streams),
                "--seconds", str(self.args.seconds)], timeout=120)
            self.results["get"]["prismclient-memory"] = {
                key: result[key] for key in ("calls_per_second", "p50_us", "p99_us", "calls")}
            log(f"get prismclient-memory: {result['calls_per_second']:.0f} calls/s")
        except BenchError as error:
            self.record_error("get", "prismclient-memory", str(error), fatal=True)

    def sessions(self, server):
        """Heartbeats over 16 Session streams (one connection each), without and with a metadata patch."""
        for key, extra in [("session_heartbeats", []), ("session_heartbeats_patch", ["--patch"])]:
            try:
                result = self.bench_json([
                    "session-heartbeats", "--server", server.address, "--sessions", "16", "--identities", "100",
                    "--seconds", str(self.args.seconds), *extra], timeout=180)
                self.results[key] = result
                log(f"{key}: {result['heartbeats_per_second']:.0f} heartbeats/s, {result['failures']} failures")
                if result["failures"]:
                    self.fatal.append(f"{key}: {result['failures']} heartbeats failed")
            except BenchError as error:
                self.results[key] = {"error": str(error)}
                self.fatal.append(f"{key}: {error}")

    def enumerate(self, server):
        count = self.args.identities
        try:
            started = time.monotonic()
            preload(server.address, count)
            seconds = time.monotonic() - started
            rss = server.rss_mib()
            key = "memory" if server.name == "prismd-memory" else "sqlite"
            self.results["preload"][server.name] = {
                "identities": count, "seconds": round(seconds, 1), "registers_per_second": round(count / seconds),
                "rss_mib": rss}
            if key == "memory":
                self.results["rss_mib_100k"] = rss
            else:
                self.results["rss_mib_100k_sqlite"] = rss
            log(f"preloaded {count} identities into {server.name} in {seconds:.1f} s; RSS {rss} MiB")
        except BenchError as error:
            for section in ENUMERATE_FILTERS:
                self.record_error(section, server.name, f"preload: {error}", fatal=True)
            return
        for section, text in ENUMERATE_FILTERS.items():
            request = api.EnumerateRequest(filter=text, limit=100)
            with grpc.insecure_channel(server.address) as channel:
                try:
                    page = rpc.MulticastRegistryStub(channel).Enumerate(request, timeout=30)
                except grpc.RpcError as error:
                    self.record_error(section, server.name, f"Enumerate by grpcio: {error.code().name}: "
                                      f"{error.details()}", fatal=True)
                    continue
            self.measure(section, server, "Enumerate", request, frame_name=section)
            entry = self.results[section].get(server.name, {})
            entry.update({"filter": text, "identities": count, "matching": page.total_count,
                          "page": len(page.identities)})

    def concurrency_check(self):
        """h2load -c 1 -m 500 -n 20000 Get on one connection of a fresh prismd-memory."""
        section, requests = "concurrency_get_c1_m500", 20000
        try:
            server = self.prismd("prismd-memory", "memory")
        except BenchError as error:
            self.record_error(section, "prismd-memory", str(error), fatal=True)
            return
        try:
            request = unary_requests()["Get"][1]
            result = h2load(server.address, "Get", self.frame("Get", request), requests, 1, 500, self.directory,
                            timeout=120)
            result["ok"] = result["succeeded"] == requests and result["failed"] == 0
            result["alive_after"] = server.alive()
            result["grpc_check_after"] = (grpc_check(server.address, "Get", request) if server.alive()
                                          else "prismd died") or "OK"
            self.results[section] = result
            log(f"{section}: {result['succeeded']} succeeded, {result['failed']} failed, {result['errored']} "
                f"errored of {requests}" + ("" if result["ok"] else " (NOT OK)"))
        except BenchError as error:
            self.results[section] = {"ok": False, "error": str(error)}
            log(f"ERROR {section}: {error}")
        finally:
            server.stop()

    def ratios(self):
        def rate(section, server):
            value = self.results.get(section, {}).get(server, {})
            return value.get("calls_per_second") if "error" not in value else None

        # name: (section, server) over (section, server)
        pairs = {
            "get_memory_vs_bare": (("get", "prismd-memory"), ("get", "bare")),
            "get_memory_vs_grpc_go": (("get", "prismd-memory"), ("get", "grpc-go")),
            "get_sqlite_vs_bare": (("get", "prismd-sqlite"), ("get", "bare")),
            "get_sqlite_vs_grpc_go": (("get", "prismd-sqlite"), ("get", "grpc-go")),
            "get_bare_vs_grpc_go": (("get", "bare"), ("get", "grpc-go")),
            "get_bare_vs_bare_posix": (("get", "bare"), ("get", "bare-posix")),
            "get_prismclient_vs_h2load": (("get", "prismclient-memory"), ("get", "prismd-memory")),
            "heartbeat_memory_vs_bare_get": (("heartbeat", "prismd-memory"), ("get", "bare")),
            "register_memory_vs_bare_get": (("register", "prismd-memory"), ("get", "bare")),
        }
        ratios = {}
        for name, (top, bottom) in pairs.items():
            x, y = rate(*top), rate(*bottom)
            ratios[name] = round(x / y, 3) if x and y else None
        return ratios


def preload(address, count, channels=4, window=128):
    """Registers dev-0 .. dev-(count-1) with many concurrent Register futures over a few channels."""
    pool = [grpc.insecure_channel(address) for _ in range(channels)]
    stubs = [rpc.MulticastRegistryStub(channel) for channel in pool]
    try:
        pending = list(range(count))
        for attempt in range(3):
            permits = threading.Semaphore(channels * window)
            lock = threading.Lock()
            failed, codes = [], collections.Counter()

            def done(future, index):
                if future.code() != grpc.StatusCode.OK:
                    with lock:
                        failed.append(index)
                        codes[future.code().name] += 1
                permits.release()

            for position, index in enumerate(pending):
                permits.acquire()
                request = api.RegisterRequest(identity=f"dev-{index}", metadata=struct(device(index)), replace=True)
                future = stubs[position % channels].Register.future(request, timeout=60)
                future.add_done_callback(lambda future, index=index: done(future, index))
                if position and position % 20000 == 0:
                    log(f"preload: {position}/{len(pending)} registered")
            for _ in range(channels * window):
                permits.acquire()
            if not failed:
                break
            log(f"preload: {len(failed)} registrations failed ({dict(codes)}), retrying")
            pending = sorted(failed)
        else:
            raise BenchError(f"{len(failed)} registrations still failing after 3 attempts: {dict(codes)}")
        page = stubs[0].Enumerate(api.EnumerateRequest(filter='@id startswith "dev-"', limit=1), timeout=60)
        if page.total_count != count:
            raise BenchError(f"{page.total_count} dev- identities registered, expected {count}")
    except grpc.RpcError as error:
        raise BenchError(f"{error.code().name}: {error.details()}") from None
    finally:
        for channel in pool:
            channel.close()


def machine():
    info = {"nproc": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)), "kernel": platform.release(),
            "python": platform.python_version(), "grpcio": grpc.__version__}
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as meminfo:
            info["memory_mib"] = int(meminfo.readline().split()[1]) // 1024
    except OSError:
        pass
    try:
        info["h2load"] = subprocess.run(["h2load", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        pass
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs; enumerate on prismd-memory only")
    parser.add_argument("--bin", default=".build/release", help="where prismd and prism-bench are")
    parser.add_argument("--grpc-ref", default=".build/tools/grpc-ref", help="the grpc-go reference server")
    parser.add_argument("--connections", type=int, default=16, help="h2load -c (default 16)")
    parser.add_argument("--streams", type=int, default=4, help="h2load -m (default 4)")
    parser.add_argument("--identities", type=int, default=100_000, help="preloaded for Enumerate (default 100000)")
    parser.add_argument("--seconds", type=float, help="seconds per h2load run (default 4, 1.5 with --quick)")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="cap on h2load -n")
    # A usage error exits 1 like any other failure (argparse would use 2).
    parser.exit = lambda status=0, message=None: sys.exit((message or "").rstrip() or 1) if status else sys.exit(0)
    args = parser.parse_args()
    if args.seconds is None:
        args.seconds = 1.5 if args.quick else 4.0
    if shutil.which("h2load") is None:
        log("h2load is not installed (Debian package nghttp2-client)")
        return 1
    if not os.access(os.path.join(args.bin, "prismd"), os.X_OK):
        log(f"{os.path.join(args.bin, 'prismd')} is missing: build it first (make bench-api builds release)")
        return 1

    def terminate(signum, _frame):
        raise SystemExit(f"bench_api: stopped by signal {signum}")

    signal.signal(signal.SIGTERM, terminate)
    report = {
        "machine": machine(),
        "h2load": f"-c {args.connections} -m {args.streams} -t 1",
        "quick": args.quick,
        "bin": args.bin,
        "seconds_per_run": args.seconds,
    }
    with tempfile.TemporaryDirectory(prefix="bench-api-") as directory:
        bench = Bench(args, directory)
        try:
            bench.reference_servers()
            bench.prismd_servers()
            bench.concurrency_check()
        except KeyboardInterrupt:
            log("interrupted")
            Server.stop_all()
            return 1
        except Exception as error:  # report it with whatever was measured, and still clean up
            bench.fatal.append(f"unexpected: {error!r}")
            log(f"ERROR unexpected: {error!r}")
        finally:
            Server.stop_all()
    order = ["get", "heartbeat", "register", "unregister_absent", *ENUMERATE_FILTERS, "preload"]
    for section in order:
        if section in bench.results:
            report[section] = bench.results[section]
    for key, value in bench.results.items():
        if key not in report:
            report[key] = value
    report["ratios"] = bench.ratios()
    report["errors"] = bench.errors
    print(json.dumps(report, indent=2), flush=True)
    if bench.fatal:
        log(f"{len(bench.fatal)} prismd measurement(s) failed: " + "; ".join(bench.fatal))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
