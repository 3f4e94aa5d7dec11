#!/usr/bin/env bash
# Coverage-guided fuzzing of the filter parsers with libFuzzer (harness: Fuzz/FilterFuzzer.swift).
# Builds the harness with ASan into .build-fuzz/, seeds the corpus from the conformance cases and the
# example filters, fuzzes for SECONDS and exits non-zero when it found a crash (saved as .build-fuzz/crash-*).
# Usage: scripts/fuzz.sh [SECONDS]   (default 120)
set -euo pipefail

seconds="${1:-120}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS]" >&2
    exit 2
fi

cd "$(dirname "$0")/.."
out=.build-fuzz
binary="$out/filter-fuzzer"
corpus="$out/corpus"
log="$out/fuzz.log"
mkdir -p "$out" "$corpus"

# The library's sources and the harness are compiled as one module: SwiftPM cannot link libFuzzer in.
mapfile -t sources < <(find Sources/PrismFilter -name '*.swift' | sort)
echo "building $binary (${#sources[@]} PrismFilter sources + harness)"
build_status=0
swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name PrismFilterFuzz \
    "${sources[@]}" Fuzz/FilterFuzzer.swift -o "$binary" 2>"$out/build.log" || build_status=$?
# ld.gold warns once per ASan helper symbol ("Cannot export local symbol '__asan_..."): harmless noise.
grep -v "Cannot export local symbol '__asan" "$out/build.log" >&2 || true
if [ "$build_status" -ne 0 ]; then
    echo "fuzz: building the harness failed (exit $build_status); full log in $out/build.log" >&2
    exit "$build_status"
fi

# Seeds: each conformance case's filter (the text before the last ` => `), and each example filter.
seeded=0
for file in filters/conformance/*.test; do
    [ -e "$file" ] || continue
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in
            '#'*) continue ;;
            *' => '*) ;;
            *) continue ;;
        esac
        filter="${line% => *}"
        name="$(basename "$file" .test)-$((++seeded))"
        printf '%s' "$filter" >"$corpus/seed-$name"
    done <"$file"
done
for file in filters/*.filter; do
    [ -e "$file" ] || continue
    cp "$file" "$corpus/seed-$(basename "$file")"
    seeded=$((seeded + 1))
done
echo "seeded $seeded inputs into $corpus"

# Leak checking is off: Swift keeps tag bits in the spare bits of enum payload pointers, so LeakSanitizer
# cannot see references held in enums (a `FilterExpression`, a `Value`) and reports false leaks.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
# Artifacts already there (from earlier runs) are kept and not counted.
list_artifacts() {
    find "$out" -maxdepth 1 \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | sort
}
mapfile -t before < <(list_artifacts)
status=0
"$binary" "$corpus" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 -detect_leaks=0 \
    -artifact_prefix="$out/" 2>&1 | tee "$log" || status=$?

# This run's artifacts: crash-*, and oom-*/timeout-* which libFuzzer also counts as failures.
mapfile -t found < <(comm -13 <(printf '%s\n' "${before[@]}") <(list_artifacts) | sed '/^$/d')
runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
speed="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)"
coverage="$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -n 1 || true)"
summary="fuzz: ${runs:-?} executions (${speed:-?}/s, ${coverage:-cov: ?}) in ${seconds}s"
if [ "$status" -ne 0 ] || [ ${#found[@]} -gt 0 ]; then
    echo "$summary: CRASH found (libFuzzer exit $status): ${found[*]:-see $log}"
    exit 1
fi
echo "$summary: no crash"
