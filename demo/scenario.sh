#!/usr/bin/env bash
# The demo's scripted round of multicasts, each printed before it runs. Needs PRISM_SERVER and
# PRISM_NAMESPACE (demo/run.sh sets them); runs `prism` from $PRISM_BIN, or from PATH.
set -uo pipefail
cd "$(dirname "$0")/.."
prism=${PRISM_BIN:+$PRISM_BIN/}prism

bold="" plain=""
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; fi

# An argument as you would type it: bare when that is safe, else in single quotes.
shell_word() {
    local quote="'"
    if [[ $1 =~ ^[A-Za-z0-9_./:=@,+-]+$ ]]; then
        printf '%s' "$1"
    else
        printf "'%s'" "${1//$quote/$quote\\$quote$quote}"
    fi
}

step() {
    printf '\n%s# %s%s\n$ prism' "$bold" "$1" "$plain"
    shift
    for word in "$@"; do printf ' %s' "$(shell_word "$word")"; done
    printf '\n'
    local output status
    output=$("$prism" "$@")
    status=$?
    local lines
    lines=$(printf '%s\n' "$output" | wc -l)
    printf '%s\n' "$output" | head -n 14
    if [ "$lines" -gt 14 ]; then echo "... ($((lines - 14)) more lines)"; fi
    # A multicast exits 1 when some target was not delivered, which the demo shows on purpose; any other
    # failure (prismd unreachable, a refusal, a bad filter) stops the demo.
    if [ "$status" -ne 0 ] && ! { [ "$status" -eq 1 ] && [[ $output == targets=* ]]; }; then
        echo "demo: prism exited $status; stopping" >&2
        exit "$status"
    fi
}

step "Count the devices a filter selects: a dry run sends nothing" \
    multicast --filter-file filters/floor1-sensors.filter --payload '{"command":"read"}' --dry-run
step "Read every sensor on floor 1 and wait for each ack; each reply carries a reading" \
    multicast --filter-file filters/floor1-sensors.filter --payload '{"command":"read"}' --ack --ack-timeout 2s \
    --show delivered
step "Which devices run firmware below 2.0 (dotted-version comparison: 1.10 > 1.9)" \
    enumerate --filter-file filters/old-firmware.filter --limit 8
step "Update them to 2.1.0; each device reports its new firmware before it acks" \
    multicast --filter-file filters/old-firmware.filter --payload '{"command":"update_firmware","version":"2.1.0"}' \
    --ack --ack-timeout 5s
step "Left below 2.0: none, unless a device was silent just now (it shows as TIMEOUT above)" \
    enumerate --filter-file filters/old-firmware.filter
step "Replace the batteries of sensors below 20 %" \
    multicast --filter-file filters/low-battery-sensors.filter --payload '{"command":"replace_battery"}' --ack
step "Reboot the valves and relays in HQ: they ack, go offline for a few seconds, then register again" \
    multicast --filter-file filters/hq-actuators.filter --payload '{"command":"reboot"}' --ack
step "Ask the gateways for a reading they cannot take: FAILED, with each device's reason" \
    multicast --filter 'type == "gateway"' --payload '{"command":"read"}' --ack
