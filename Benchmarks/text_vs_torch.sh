#!/bin/bash
# Epoch time of the fastText-style langid model, PyTorch against Neurite, alternating (BENCHMARKS.md).
# Run from the repository root after `swift build -c release`; PYTHON names a Python with torch.
#   swift run -c release train-check text-ids langid /tmp/langid-ids
#   PYTHON=/path/to/venv/bin/python bash Benchmarks/text_vs_torch.sh
set -euo pipefail
ids=${IDS:-/tmp/langid-ids}
out=${OUT:-/tmp/langid-cmp}
for run in A B C; do
    echo "== run $run"
    THREADS=2 "${PYTHON:-python3}" Benchmarks/torch_text.py "$ids" 2 2>&1 | sed 's/^/torch /'
    rm -rf "$out"
    .build/release/neurite train --dataset langid --validation-split 0 --epochs 2 --quiet --output "$out" | sed 's/^/neurite /'
    tail -n +2 "$out/history.csv" | sed 's/^/neurite epoch /'
done
