#!/usr/bin/env bash
# Runs the libFuzzer harness over each reader for SECONDS (default 600) each, two at a time,
# growing the committed corpus in Fuzz/Corpus/<reader>. Crashes land in Fuzz/artifacts/ and
# fail the script. Usage: Fuzz/run.sh [SECONDS] [reader ...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
readers=("$@")
[ ${#readers[@]} -gt 0 ] || readers=(safetensors model description idx npy csv png text onnx)
swift build -c release -Xswiftc -sanitize=fuzzer -Xswiftc -use-ld=lld
mkdir -p artifacts
fuzz() {
    mkdir -p "Corpus/$1"
    NEURITE_FUZZ_TARGET=$1 .build/release/neurite-fuzz "Corpus/$1" -max_total_time="$seconds" -max_len=16384 \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="artifacts/$1-" -print_final_stats=1 >"artifacts/$1.log" 2>&1
}
status=0
for ((i = 0; i < ${#readers[@]}; i += 2)); do
    pids=()
    for reader in "${readers[@]:i:2}"; do
        fuzz "$reader" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || status=1; done
done
for reader in "${readers[@]}"; do
    echo "$reader: $(grep -E '^stat::number_of_executed_units' "artifacts/$reader.log" | awk '{print $2}') runs, $(ls "Corpus/$reader" | wc -l) corpus files"
done
if [ $status -ne 0 ]; then
    echo "a reader crashed; see Fuzz/artifacts/" >&2
    grep -h -A3 -E "ERROR|Fatal error|deadly signal" artifacts/*.log | head -40 >&2
fi
exit $status
