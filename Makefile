# Prism — see README.md. Everything here works from a fresh clone on Debian 12 with Swift 6.1+.
SWIFT ?= swift
# Services `make test` starts for the suite (scripts/with-services.sh); tests that need one fail without it.
TEST_SERVICES ?= redis nats
# Debian packages the build and the tests need beyond the toolchain (scripts/install-deps.sh installs them).
DEBIAN_PACKAGES ?= libsqlite3-dev libhiredis-dev libnats-dev libncurses-dev python3-venv redis-server nats-server tmux nghttp2-client
BENCH_ARGS ?=
FUZZ_SECONDS ?= 120

.PHONY: all deps build build-minimal test lint format bench bench-api fuzz demo proto clean

all: build

deps:
	@scripts/install-deps.sh $(DEBIAN_PACKAGES)

build: deps
	$(SWIFT) build

## Builds everything, then runs the unit and end-to-end tests and the filter conformance corpus.
test: deps
	$(SWIFT) build --build-tests
	scripts/python-env.sh
	PRISM_TEST_PYTHON=$(CURDIR)/.build/pyenv/bin/python PRISM_TEST_PYTHON_STUBS=$(CURDIR)/.build/pyenv/stubs \
		scripts/with-services.sh $(TEST_SERVICES) -- scripts/run-tests.sh $(SWIFT)
	$(SWIFT) run --skip-build prism filter test filters/conformance

lint:
	$(SWIFT) format lint --strict --recursive --parallel Package.swift Sources Tests Fuzz Plugins

format:
	$(SWIFT) format format --in-place --recursive --parallel Package.swift Sources Tests Fuzz Plugins

## PrismServer without its optional backends (package traits Redis and NATS off): what an embedder
## that wants only memory and SQLite builds. Its own scratch folder, since traits change the flags.
build-minimal:
	$(SWIFT) build --disable-default-traits --target PrismServer --scratch-path .build-minimal

## Benchmarks run on a release build; each scenario prints one JSON object.
bench: deps
	$(SWIFT) build -c release --product prism-bench
	.build/release/prism-bench filter $(BENCH_ARGS)

## The gRPC front door under h2load: prismd (memory, SQLite), a bare grpc-swift-2 server and the grpc-go
## reference, all started here in one run; prints one JSON object (scripts/bench_api.py).
bench-api: deps
	$(SWIFT) build -c release --product prismd
	$(SWIFT) build -c release --product prism-bench
	scripts/python-env.sh
	@test -x .build/tools/grpc-ref || ../shared/tools/grpc-ref/build.sh .build/tools/grpc-ref >/dev/null \
		|| echo "grpc-ref (../shared/tools/grpc-ref) not built: the grpc-go reference is left out" >&2
	PYTHONPATH=.build/pyenv/stubs .build/pyenv/bin/python scripts/bench_api.py $(BENCH_ARGS)

## Coverage-guided fuzzing of the filter parsers (libFuzzer), for FUZZ_SECONDS.
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS)

## Regenerates Sources/PrismAPI/Generated from proto/ (needs protobuf-compiler and libprotobuf-dev).
proto:
	@scripts/install-deps.sh protobuf-compiler libprotobuf-dev
	scripts/generate-proto.sh

## The IoT demo: prismd, 200 simulated devices, scripted multicasts, then prism-top (see demo/README.md).
demo: deps
	$(SWIFT) build
	demo/run.sh

clean:
	rm -rf .build .build-fuzz .build-proto .build-minimal
