#!/usr/bin/env bash
# Runs a command with backend servers started on free loopback ports, then stops them.
#
#   scripts/with-services.sh [redis] [nats] -- COMMAND [ARG...]
#
# Each server runs in its own temporary directory and is stopped on exit (also on failure or Ctrl-C).
# The command sees their addresses in the environment:
#   redis: PRISM_TEST_REDIS=127.0.0.1:PORT
#   nats:  PRISM_TEST_NATS=nats://127.0.0.1:PORT
# A server that cannot start is an error (exit 1): tests that need it must not skip silently.
set -euo pipefail

services=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
    services+=("$1")
    shift
done
if [ "${1:-}" != "--" ] || [ $# -lt 2 ]; then
    echo "usage: $0 [redis] [nats] -- COMMAND [ARG...]" >&2
    exit 2
fi
shift

workdir=$(mktemp -d "${TMPDIR:-/tmp}/prism-services.XXXXXX")
pids=()
cleanup() {
    for pid in "${pids[@]:-}"; do
        [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]:-}"; do
        [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
    done
    rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits until something accepts TCP connections on 127.0.0.1:$1, for at most 10 s.
wait_for_port() {
    for _ in $(seq 1 100); do
        if python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$1" \
            2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

start_redis() {
    local port
    port=$(free_port)
    mkdir -p "$workdir/redis"
    redis-server --bind 127.0.0.1 --port "$port" --dir "$workdir/redis" --save "" --appendonly no \
        --logfile "$workdir/redis/redis.log" &
    pids+=($!)
    wait_for_port "$port" || { echo "redis-server did not start; log:" >&2; cat "$workdir/redis/redis.log" >&2; exit 1; }
    export PRISM_TEST_REDIS="127.0.0.1:$port"
    echo "redis-server on $PRISM_TEST_REDIS"
}

start_nats() {
    local port
    port=$(free_port)
    mkdir -p "$workdir/nats"
    # Debian installs it in /usr/sbin, which is not on every user's PATH.
    "$(command -v nats-server || echo /usr/sbin/nats-server)" -a 127.0.0.1 -p "$port" -l "$workdir/nats/nats.log" &
    pids+=($!)
    wait_for_port "$port" || { echo "nats-server did not start; log:" >&2; cat "$workdir/nats/nats.log" >&2; exit 1; }
    export PRISM_TEST_NATS="nats://127.0.0.1:$port"
    echo "nats-server on $PRISM_TEST_NATS"
}

for service in "${services[@]:-}"; do
    case "$service" in
        "") ;;
        redis) start_redis ;;
        nats) start_nats ;;
        *) echo "unknown service '$service'; known: redis nats" >&2; exit 2 ;;
    esac
done

"$@"
