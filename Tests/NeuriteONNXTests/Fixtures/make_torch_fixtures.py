"""Writes the ONNX files of PyTorch models that the import check reads (torch_*.onnx beside this
script), with torch.onnx.export's TorchScript exporter at opset 17 and a dynamic batch axis.
Needs PyTorch and onnx; CI does not run it (the files are committed).

    python3 make_torch_fixtures.py
"""
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(0)
here = os.path.dirname(os.path.abspath(__file__))


class Block(nn.Module):
    """A residual block whose skip path is the identity: the graph is not a chain."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        return F.relu(x + self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x))))))


class ViewFlatten(nn.Module):
    """Flattening with x.view(x.size(0), -1): Shape, Gather, Unsqueeze, Concat and Reshape."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3, stride=2, padding=1)
        self.fc = nn.Linear(4 * 4 * 4, 10)

    def forward(self, x):
        x = F.relu(self.conv(x))
        return self.fc(x.view(x.size(0), -1))


class Transformerish(nn.Module):
    """LayerNorm, exact GELU (Div, Erf, Add, Mul), a MatMul on a 3-D input, Softmax."""

    def __init__(self):
        super().__init__()
        self.norm = nn.LayerNorm(16)
        self.up = nn.Linear(16, 32)
        self.down = nn.Linear(32, 16)

    def forward(self, x):
        y = self.down(F.gelu(self.up(self.norm(x))))
        return torch.softmax(x + y, dim=-1)


models = {
    "mlp": (nn.Sequential(nn.Flatten(), nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10)), [1, 1, 8, 8]),
    "cnn": (
        nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, padding=1),
            nn.LeakyReLU(0.1), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10)),
        [1, 1, 8, 8]),
    "resnet": (nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), Block(8), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(8, 10)), [1, 1, 8, 8]),
    "view": (ViewFlatten(), [1, 1, 8, 8]),
    "transformerish": (Transformerish(), [1, 5, 16]),
}
for name, (model, shape) in models.items():
    # Running statistics that are not 0 and 1, so that BatchNormalization's are exercised.
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2)
    model.eval()
    torch.onnx.export(
        model, (torch.randn(*shape),), os.path.join(here, f"torch_{name}.onnx"), input_names=["input"], output_names=["output"],
        dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=17, dynamo=False)
    print(f"torch_{name}.onnx")
