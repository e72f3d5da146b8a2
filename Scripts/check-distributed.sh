#!/usr/bin/env bash
# Data-parallel training over Open MPI, end to end (issue [Distributed]):
#   1. 2 ranks × batch 16 follow 1 process × batch 32 for 3 epochs: the epochs' losses within
#      1e-5 relative, and the weights within 1e-5 relative per tensor for the MLP (Adam). The CNN
#      runs with plain SGD and its weights are held to 1e-3: its rounding differences (sums over
#      16 + 16 samples rather than 32) grow over the epochs in directions the loss does not see
#      (3e-4 after 3 epochs, losses equal to 1e-8), and Adam's first steps, about lr·sign(g),
#      turn them into 1e-2 (BENCHMARKS.md, "Data-parallel training");
#   2. with --sync-batch-norm, an MLP with batch norm on 2 ranks follows 1 process within 1e-5;
#      two 2-rank runs write byte-identical model files;
#   3. a rank killed mid-run ends the job with a message, and --resume continues it to the end.
# Needs Open MPI (Debian: openmpi-bin libopenmpi-dev) and Python with NumPy.
set -euo pipefail
cd "$(dirname "$0")/.."
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Two ranks on however few cores, over shared memory, one kernel thread each.
mpi=(mpirun -np 2 --oversubscribe --mca btl self,vader)

swift build -c release --traits MPI --scratch-path .build-mpi --product neurite
neurite="$(swift build -c release --traits MPI --scratch-path .build-mpi --show-bin-path)/neurite"
work=$(mktemp -d)
compare=Tests/NeuriteDistributedTests/Fixtures/compare_models.py

# 3,200 Fashion-MNIST images: 2,560 for training (even, so that no rank's share is padded).
python3 - "$work" <<'PY'
import gzip, sys, numpy as np
d = "/usr/share/datasets/fashion-mnist/"
def idx(name):
    b = gzip.open(d + name).read(); n = b[3]
    dims = [int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(n)]
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * n).reshape(dims)
x = idx("train-images-idx3-ubyte.gz")[:3200].astype(np.float32) / 255
y = idx("train-labels-idx1-ubyte.gz")[:3200].astype(np.float32)
np.save(f"{sys.argv[1]}/flat.npy", x.reshape(-1, 784)); np.save(f"{sys.argv[1]}/images.npy", x.reshape(-1, 1, 28, 28))
np.save(f"{sys.argv[1]}/labels.npy", y)
PY

common=(--epochs 3 --validation-split 0 --threads 1 --quiet --seed 7)
for network in mlp cnn; do
    if [ "$network" = mlp ]; then
        data=(--dataset "npy:$work/flat.npy,$work/labels.npy" --hidden 64); bound=1e-5
    else
        data=(--dataset "npy:$work/images.npy,$work/labels.npy" --architecture cnn --no-standardize --optimizer sgd --learning-rate 0.01); bound=1e-3
    fi
    "$neurite" train "${data[@]}" "${common[@]}" --batch-size 32 --output "$work/$network-one"
    "${mpi[@]}" "$neurite" train --distributed "${data[@]}" "${common[@]}" --batch-size 16 --output "$work/$network-two"
    python3 "$compare" "$work/$network-one/model.safetensors" "$work/$network-two/model.safetensors" "$bound"
    python3 - "$work/$network-one/history.csv" "$work/$network-two/history.csv" <<'PY'
import csv, sys
one, two = ([float(r["loss"]) for r in csv.DictReader(open(p))] for p in sys.argv[1:])
assert len(one) == len(two) == 3 and all(abs(a - b) <= 1e-5 * abs(a) for a, b in zip(one, two)), (one, two)
print("losses per epoch agree:", one, two)
PY
done

# Synchronised batch norm: 2 ranks normalising over both batches follow 1 process (plain SGD: the
# bias before a batch norm gets only rounding noise as gradient, which Adam would amplify).
bn=(--dataset "npy:$work/flat.npy,$work/labels.npy" --hidden 64 --batch-norm --optimizer sgd --learning-rate 0.05 "${common[@]}")
"$neurite" train "${bn[@]}" --batch-size 32 --output "$work/bn-one"
"${mpi[@]}" "$neurite" train --distributed --sync-batch-norm "${bn[@]}" --batch-size 16 --output "$work/bn-two"
python3 "$compare" "$work/bn-one/model.safetensors" "$work/bn-two/model.safetensors" 1e-5

# Determinism: the same 2-rank run again gives the same bytes.
"${mpi[@]}" "$neurite" train --distributed --dataset "npy:$work/flat.npy,$work/labels.npy" --hidden 64 "${common[@]}" --batch-size 16 --output "$work/mlp-again"
cmp "$work/mlp-two/model.safetensors" "$work/mlp-again/model.safetensors"
echo "two 2-rank runs: byte-identical model files"

# A rank killed during the second epoch ends the job; --resume finishes it.
run=(train --distributed --dataset fashion-mnist --hidden 256 --epochs 4 --batch-size 64 --threads 1 --quiet --output "$work/killed")
"${mpi[@]}" "$neurite" "${run[@]}" > "$work/killed.log" 2>&1 &
job=$!
for _ in $(seq 600); do [ -f "$work/killed/checkpoint.safetensors" ] && break; sleep 0.1; done
[ -f "$work/killed/checkpoint.safetensors" ] || { cat "$work/killed.log"; exit 1; }
sleep 0.3
victim=$(pgrep -f -- "neurite train --distributed --dataset fashion-mnist" | grep -v "^$job\$" | tail -1)
kill -9 "$victim"
if wait "$job"; then echo "the job survived a killed rank"; exit 1; fi
grep -E "signal 9|killed|Killed" "$work/killed.log" | head -3
[ ! -f "$work/killed/model.safetensors" ] || { echo "a model was written by the failed run"; exit 1; }
"${mpi[@]}" "$neurite" "${run[@]}" --resume
[ "$(wc -l < "$work/killed/history.csv")" -eq 5 ] && [ -f "$work/killed/model.safetensors" ]
echo "resumed after a killed rank: 4 epochs in history.csv, model written"
rm -rf "$work"
