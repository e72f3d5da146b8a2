"""Exports Neurite models to ONNX with `neurite export` and checks them with the real tools:
`onnx.checker` (full check, with shape inference) accepts each file, and onnxruntime's outputs
equal Neurite's (`neurite predict --output-kind logits`) within 1e-5 on random inputs of batch 1
and 37.

    python3 check_onnx_export.py NEURITE MODEL.safetensors...
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime

neurite, models = sys.argv[1], sys.argv[2:]
work = tempfile.mkdtemp()
for model in models:
    path = os.path.join(work, os.path.basename(os.path.dirname(model)) + ".onnx")
    subprocess.run([neurite, "export", "--model", model, "--output", path], check=True, capture_output=True)
    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    metadata = {entry.key: entry.value for entry in proto.metadata_props}
    shape = [int(size) for size in metadata["neurite.input_shape"].split(",")]
    ids = int(metadata.get("neurite.text_ids", "0"))
    session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
    worst = 0.0
    for batch in (1, 37):
        generator = np.random.default_rng(batch)
        if ids:
            # A text model reads ids [texts, length], padded with 0 (rows of different lengths).
            inputs = generator.integers(1, ids, size=[batch, 12]).astype(np.float32)
            inputs[:, 9:] = 0
            inputs[0, 3:] = 0
        else:
            inputs = generator.uniform(-1, 2, size=[batch] + shape).astype(np.float32)
        np.save(os.path.join(work, "x.npy"), inputs)
        subprocess.run(
            [neurite, "predict", "--model", model, "--input", os.path.join(work, "x.npy"), "--output-kind", "logits",
             "--output", os.path.join(work, "y.npy")], check=True, capture_output=True)
        expected = np.load(os.path.join(work, "y.npy"))
        (got,) = session.run(["output"], {"input": inputs})
        assert got.shape == expected.shape, (model, got.shape, expected.shape)
        difference = np.abs(got - expected)
        assert np.all(difference <= 1e-5 + 1e-5 * np.abs(expected)), (model, batch, float(difference.max()))
        worst = max(worst, float(difference.max()))
    operators = sorted({node.op_type for node in proto.graph.node})
    print(f"onnx: {model}: checker passed, onnxruntime equals Neurite (max |difference| {worst:.2e}); {', '.join(operators)}")
