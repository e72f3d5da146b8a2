"""The 2-conv network between PyTorch and Neurite, both ways. Needs torch, numpy and safetensors
(not part of the build or the test suite).

  python check_torch_cnn.py export NEURITE_MODEL.safetensors IMAGES.npy NEURITE_LOGITS.npy
      loads a model file written by `neurite train --architecture cnn` into the same network built
      with torch.nn (strict=True) and compares its logits with those `neurite predict
      --output-kind logits` wrote.
  python check_torch_cnn.py import NEURITE_BINARY IMAGES.npy WORK_DIRECTORY
      saves a PyTorch-initialised network's state dict with safetensors, imports it with `neurite
      import` and a model description, and compares `neurite predict` with PyTorch's logits.

Both exit 1 when a logit differs by more than 1e-4.
"""
import json, os, subprocess, sys
import numpy as np
import torch, torch.nn as nn
from safetensors.torch import load_file, save_file


def network(height, width):
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * (height // 4) * (width // 4), 128), nn.ReLU(), nn.Linear(128, 10))


def logits(net, images):
    net.eval()
    with torch.no_grad():
        return net(torch.from_numpy(images).float()).numpy()


def compare(theirs, ours, what):
    difference = np.abs(theirs - ours).max()
    print(f"{what}: max |logit difference| over {len(theirs)} images: {difference:.2e}")
    return difference < 1e-4


mode = sys.argv[1]
images = np.load(sys.argv[3]).astype(np.float32)
if images.ndim == 3:
    images = images[:, None]
height, width = images.shape[-2:]
if mode == "export":
    state = load_file(sys.argv[2])
    net = network(height, width)
    net.load_state_dict(state, strict=True)
    ok = compare(logits(net, images), np.load(sys.argv[4]), f"Neurite file in PyTorch (strict load of {len(state)} tensors)")
else:
    binary, work = sys.argv[2], sys.argv[4]
    torch.manual_seed(0)
    net = network(height, width)
    save_file({k: v.contiguous() for k, v in net.state_dict().items()}, os.path.join(work, "torch.safetensors"))
    layers = [
        {"type": "Conv2D", "config": {"in": 1, "out": 32, "kernel": 3, "padding": 1}}, {"type": "ReLU"},
        {"type": "MaxPool2D", "config": {"kernel": 2}},
        {"type": "Conv2D", "config": {"in": 32, "out": 64, "kernel": 3, "padding": 1}}, {"type": "ReLU"},
        {"type": "MaxPool2D", "config": {"kernel": 2}}, {"type": "Flatten"},
        {"type": "Dense", "config": {"in": 64 * (height // 4) * (width // 4), "out": 128}}, {"type": "ReLU"},
        {"type": "Dense", "config": {"in": 128, "out": 10}},
    ]
    with open(os.path.join(work, "cnn.json"), "w") as f:
        json.dump({"type": "Sequential", "children": layers}, f)
    model = os.path.join(work, "imported.safetensors")
    subprocess.run([binary, "import", "--description", os.path.join(work, "cnn.json"), "--weights",
                    os.path.join(work, "torch.safetensors"), "--input-shape", f"1,{height},{width}", "--output", model], check=True)
    predicted = os.path.join(work, "imported-logits.npy")
    subprocess.run([binary, "predict", "--model", model, "--input", sys.argv[3], "--output-kind", "logits", "--output", predicted],
                   check=True)
    ok = compare(logits(net, images), np.load(predicted), "PyTorch state dict imported into Neurite")
sys.exit(0 if ok else 1)
