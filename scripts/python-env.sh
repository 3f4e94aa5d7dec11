#!/usr/bin/env bash
# Creates the Python virtualenv the end-to-end tests use (grpcio, grpcio-tools, grpcio-health-checking, grpcio-reflection, prometheus_client, nats-py, jsonschema, joserfc from
# PyPI) under .build/pyenv and generates the Python stubs of proto/ into .build/pyenv/stubs.
# Idempotent: reinstalls only when the requirements or the proto changed.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/pyenv
stubs=$venv/stubs
requirements="grpcio==1.* grpcio-tools==1.* grpcio-health-checking==1.* grpcio-reflection==1.* prometheus_client==0.* nats-py==2.* jsonschema==4.* joserfc==1.*"
stamp=$venv/.installed

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$requirements" ]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check $requirements
    echo "$requirements" > "$stamp"
fi
if [ ! -d "$stubs" ] || [ -n "$(find proto -newer "$stubs" -name '*.proto' | head -1)" ]; then
    rm -rf "$stubs"
    mkdir -p "$stubs"
    "$venv/bin/python" -m grpc_tools.protoc -I proto --python_out="$stubs" --grpc_python_out="$stubs" \
        proto/prism/registry/v1/registry.proto
    touch "$stubs"
fi
