"""Imports ONNX files with `neurite import --onnx` and checks that the imported model's outputs
(`neurite predict --output-kind logits`) equal onnxruntime's on the same file within 1e-5, on
random inputs of batch 1 and 37.

    python3 check_onnx_import.py NEURITE MODEL.onnx...
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime

neurite, files = sys.argv[1], sys.argv[2:]
work = tempfile.mkdtemp()
for path in files:
    imported = os.path.join(work, os.path.basename(path) + ".safetensors")
    subprocess.run([neurite, "import", "--onnx", path, "--output", imported], check=True, capture_output=True)
    proto = onnx.load(path)
    initializers = {tensor.name for tensor in proto.graph.initializer}
    (graph_input,) = [value for value in proto.graph.input if value.name not in initializers]
    shape = [dim.dim_value for dim in graph_input.type.tensor_type.shape.dim][1:]
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    worst = 0.0
    for batch in (1, 37):
        inputs = np.random.default_rng(batch).normal(size=[batch] + shape).astype(np.float32)
        np.save(os.path.join(work, "x.npy"), inputs)
        subprocess.run(
            [neurite, "predict", "--model", imported, "--input", os.path.join(work, "x.npy"), "--output-kind", "logits",
             "--output", os.path.join(work, "y.npy")], check=True, capture_output=True)
        got = np.load(os.path.join(work, "y.npy"))
        (expected,) = session.run(None, {graph_input.name: inputs})
        assert got.shape == expected.shape, (path, got.shape, expected.shape)
        difference = np.abs(got - expected)
        assert np.all(difference <= 1e-5 + 1e-5 * np.abs(expected)), (path, batch, float(difference.max()))
        worst = max(worst, float(difference.max()))
    operators = sorted({node.op_type for node in proto.graph.node})
    print(f"onnx import: {os.path.basename(path)}: Neurite equals onnxruntime (max |difference| {worst:.2e}); {', '.join(operators)}")
