"""Compare two safetensors model files tensor by tensor.

Usage: python3 compare_models.py A.safetensors B.safetensors RELATIVE
Fails unless both hold the same tensors and, for each, ||a - b|| <= RELATIVE * ||a|| (Euclidean
norms: the relative error of the tensor); the largest element-wise difference against the
tensor's largest magnitude is printed beside it.
Reads the format directly (8-byte little-endian header length, JSON header, raw data), so it
needs only NumPy.
"""
import json, struct, sys
import numpy as np

def read(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        types = {"F32": "<f4", "F64": "<f8", "I64": "<i8", "I32": "<i4"}
        assert entry["dtype"] in types, (path, name, entry["dtype"])
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(body[start:end], dtype=types[entry["dtype"]]).reshape(entry["shape"])
    return tensors

a, b, bound = read(sys.argv[1]), read(sys.argv[2]), float(sys.argv[3])
assert a.keys() == b.keys(), (sorted(a), sorted(b))
worst = worst_element = 0.0
for name in sorted(a):
    x, y = a[name].astype(np.float64), b[name].astype(np.float64)
    norm = float(np.linalg.norm(x)) or 1.0
    relative = float(np.linalg.norm(x - y)) / norm
    element = float(np.abs(x - y).max()) / (float(np.abs(x).max()) or 1.0)
    worst, worst_element = max(worst, relative), max(worst_element, element)
    if relative > bound:
        sys.exit(f"{name}: relative difference {relative:.3g} > {bound} (largest element-wise {element:.3g})")
print(f"{len(a)} tensors agree: largest relative difference {worst:.3g} (bound {bound}); largest element-wise {worst_element:.3g} of the tensor's largest value")
