#!/usr/bin/env bash
# The IoT demo (`make demo`): prismd with demo/prismd.yaml on free loopback ports, the device simulator,
# the scripted multicasts of demo/scenario.sh, then prism-top (a few batch snapshots when stdout is not a
# terminal). Everything it starts stops when it exits, Ctrl-C included.
#
#   demo/run.sh            DEMO_DEVICES=1000 demo/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${PRISM_BIN:-$(swift build --show-bin-path)}
devices=${DEMO_DEVICES:-200}
workdir=$(mktemp -d "${TMPDIR:-/tmp}/prism-demo.XXXXXX")
prismd_pid=""
simulator_pid=""

# Sends $2 to process $1 and waits up to 20 s for it to exit, then kills it.
stop_process() {
    kill "-$2" "$1" 2>/dev/null || return 0
    local deadline=$((SECONDS + 20))
    while kill -0 "$1" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            echo "demo: process $1 did not stop within 20 s; killing it" >&2
            kill -KILL "$1" 2>/dev/null || true
            break
        fi
        sleep 0.1
    done
    wait "$1" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # The simulator unregisters its devices on SIGINT, so it stops before prismd.
    if [ -n "$simulator_pid" ]; then
        stop_process "$simulator_pid" INT
        tail -n 1 "$workdir/simulator.log" 2>/dev/null | sed 's/^/demo: simulator: /' || true
    fi
    if [ -n "$prismd_pid" ]; then stop_process "$prismd_pid" TERM; fi
    rm -rf "$workdir"
    echo "demo: stopped prismd and the simulator"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Waits up to $3 seconds for file $1 to contain $2; fails with the file's tail.
wait_for_text() {
    local deadline=$((SECONDS + $3))
    until grep -q -- "$2" "$1" 2>/dev/null; do
        if [ $SECONDS -ge $deadline ]; then
            echo "demo: no '$2' in $1 after $3 s:" >&2
            tail -n 20 "$1" >&2
            exit 1
        fi
        sleep 0.2
    done
}

for tool in prismd prism prism-iot-sim prism-top; do
    [ -x "$bin/$tool" ] || { echo "demo: $bin/$tool is missing; run \`make demo\` (it builds first)" >&2; exit 1; }
done

grpc_port=$(free_port)
http_port=$(free_port)
export PRISM_SERVER="127.0.0.1:$grpc_port" PRISM_NAMESPACE=iot PRISM_BIN="$bin"

# setsid: a Ctrl-C at the terminal reaches this script (which stops both in order), not them directly.
setsid "$bin/prismd" --config demo/prismd.yaml --listen "$PRISM_SERVER" --http "127.0.0.1:$http_port" \
    --data-dir "$workdir/data" >"$workdir/prismd.log" 2>&1 &
prismd_pid=$!
wait_for_text "$workdir/prismd.log" "prismd listening" 30
echo "demo: prismd on $PRISM_SERVER (gRPC) and http://127.0.0.1:$http_port (/metrics /healthz /readyz)"

setsid "$bin/prism-iot-sim" --devices "$devices" --status-every 2s >"$workdir/simulator.log" 2>&1 &
simulator_pid=$!
wait_for_text "$workdir/simulator.log" "all $devices devices registered" 120
echo "demo: $(grep -m 1 "all $devices devices registered" "$workdir/simulator.log") (namespace iot)"

demo/scenario.sh

echo
if [ -t 1 ] && [ -t 0 ]; then
    echo "demo: opening prism-top (q quits and stops the demo; ? lists keys)"
    sleep 2
    "$bin/prism-top" --namespace iot
else
    echo "demo: stdout is not a terminal, so prism-top prints snapshots instead of the live dashboard"
    "$bin/prism-top" --namespace iot --once
    follow=${DEMO_FOLLOW_SECONDS:-20}
    echo
    echo "demo: $follow s later (devices heartbeat; silent ones expire and come back):"
    sleep "$follow"
    "$bin/prism-top" --namespace iot --once
fi
