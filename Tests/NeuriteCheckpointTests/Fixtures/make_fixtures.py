#!/usr/bin/env python3
"""Writes torch_layout.safetensors with the reference `safetensors` library (pip install
safetensors numpy): the state_dict of a PyTorch model

    nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.BatchNorm1d(3), nn.Linear(3, 2))

(keys, shapes and dtypes as `model.state_dict()` gives them: weights [out, in], float32, and
`num_batches_tracked` int64), after some training steps, plus an input batch `input` and the
model's eval-mode output `expected_output` computed with PyTorch's formulas in float64:
Linear x·Wᵀ + b, ReLU, BatchNorm1d (x − running_mean)/√(running_var + 1e-5)·weight + bias.
"""
import numpy as np
from safetensors.numpy import save_file

rng = np.random.default_rng(2026)
f32 = lambda a: np.asarray(a, dtype=np.float32)
tensors = {
    "0.weight": f32(rng.uniform(-0.5, 0.5, (3, 4))),
    "0.bias": f32(rng.uniform(-0.5, 0.5, 3)),
    "2.weight": f32(rng.uniform(0.5, 1.5, 3)),
    "2.bias": f32(rng.uniform(-0.2, 0.2, 3)),
    "2.running_mean": f32(rng.uniform(-0.1, 0.3, 3)),
    "2.running_var": f32(rng.uniform(0.5, 2.0, 3)),
    "2.num_batches_tracked": np.array(7, dtype=np.int64),
    "3.weight": f32(rng.uniform(-0.5, 0.5, (2, 3))),
    "3.bias": f32(rng.uniform(-0.5, 0.5, 2)),
}
x = f32(rng.uniform(-1, 1, (5, 4)))
d = {k: v.astype(np.float64) for k, v in tensors.items()}
h = np.maximum(x.astype(np.float64) @ d["0.weight"].T + d["0.bias"], 0)
h = (h - d["2.running_mean"]) / np.sqrt(d["2.running_var"] + 1e-5) * d["2.weight"] + d["2.bias"]
y = h @ d["3.weight"].T + d["3.bias"]
save_file({**tensors, "input": x, "expected_output": f32(y)}, "torch_layout.safetensors", metadata={"format": "pt"})
