"""A Neurite CNN in PyTorch: loads a model file written by `neurite train --architecture cnn` into
the same network built with torch.nn, with strict=True, and compares the logits on images with
those `neurite predict --output-kind logits` wrote. Needs torch and safetensors (not part of the
build or the test suite).

Usage: python check_torch_cnn.py MODEL.safetensors IMAGES.npy NEURITE_LOGITS.npy
"""
import sys
import numpy as np
import torch, torch.nn as nn
from safetensors.torch import load_file

model_path, images_path, logits_path = sys.argv[1:4]
state = load_file(model_path)
height, width = np.load(images_path).shape[-2:]
net = nn.Sequential(
    nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * (height // 4) * (width // 4), 128), nn.ReLU(), nn.Linear(128, 10))
net.load_state_dict(state, strict=True)
net.eval()
images = torch.from_numpy(np.load(images_path)).float()
if images.dim() == 3:
    images = images.unsqueeze(1)
with torch.no_grad():
    theirs = net(images).numpy()
ours = np.load(logits_path)
ours = ours[:, -10:] if ours.shape[1] > 10 else ours
difference = np.abs(theirs - ours).max()
print(f"strict load: ok ({len(state)} tensors); max |logit difference| over {len(images)} images: {difference:.2e}")
sys.exit(0 if difference < 1e-4 else 1)
