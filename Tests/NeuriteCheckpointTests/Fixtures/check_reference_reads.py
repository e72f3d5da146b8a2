#!/usr/bin/env python3
"""Reads a model file written by Neurite (`swift run -c release train-check export PATH`) with the
reference safetensors implementation and checks its keys, dtypes, shapes and metadata: Neurite's
files must load in the ecosystem's tools. Run by .ci/run; needs `pip install safetensors numpy`."""
import json
import sys

from safetensors import safe_open
from safetensors.numpy import load_file

path = sys.argv[1]
tensors = load_file(path)
expected = {
    "1.weight": ("float32", (32, 64)), "1.bias": ("float32", (32,)),
    "2.weight": ("float32", (32,)), "2.bias": ("float32", (32,)),
    "2.running_mean": ("float32", (32,)), "2.running_var": ("float32", (32,)),
    "2.num_batches_tracked": ("int64", ()),
    "4.weight": ("float32", (10, 32)), "4.bias": ("float32", (10,)),
}
found = {name: (str(t.dtype), t.shape) for name, t in tensors.items()}
assert found == expected, f"keys, dtypes or shapes differ: {found}"
assert tensors["2.num_batches_tracked"] > 0
with safe_open(path, "np") as f:
    metadata = f.metadata()
assert metadata["format"] == "pt", metadata
architecture = json.loads(metadata["neurite.architecture"])
assert architecture["type"] == "Sequential" and len(architecture["children"]) == 5, architecture
print(f"reference safetensors read {path}: {len(tensors)} tensors, metadata {sorted(metadata)}")
