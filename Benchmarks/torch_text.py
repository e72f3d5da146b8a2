"""The fastText-style text classifier in PyTorch, for the epoch-time comparison in BENCHMARKS.md.

Reads the ids Neurite's encoder made (`swift run -c release train-check text-ids langid DIR` writes
them), so both libraries see the same hashing and the same examples:
DIR/{train,test}.{ids,offsets,labels}.i32 (little-endian int32; offsets has one entry per text
plus the end) and DIR/meta.txt ("rows classes").

Model: EmbeddingBag(rows, 64, mode="mean", sparse=True, padding_idx=0), rows from U(-1/64, 1/64),
then Linear(64, classes); SparseAdam for the table and Adam for the rest, both 1e-2; batch 64,
shuffled; cross-entropy. Prints one line per epoch: 'epoch N seconds S test_acc A'.

Usage: THREADS=2 python torch_text.py DIR [epochs]
"""
import os, sys, time
import numpy as np
import torch, torch.nn as nn

torch.set_num_threads(int(os.environ.get("THREADS", "2")))
torch.manual_seed(0)
directory = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2


def load(split):
    read = lambda name: torch.from_numpy(np.fromfile(os.path.join(directory, f"{split}.{name}.i32"), dtype="<i4").astype(np.int64))
    return read("ids"), read("offsets"), read("labels")


rows, classes = map(int, open(os.path.join(directory, "meta.txt")).read().split())
train, test = load("train"), load("test")


class FastText(nn.Module):
    def __init__(self):
        super().__init__()
        self.bag = nn.EmbeddingBag(rows, 64, mode="mean", sparse=True, padding_idx=0)
        nn.init.uniform_(self.bag.weight, -1 / 64, 1 / 64)
        with torch.no_grad():
            self.bag.weight[0].zero_()
        self.linear = nn.Linear(64, classes)

    def forward(self, ids, offsets):
        return self.linear(self.bag(ids, offsets))


def batches(data, order, size):
    ids, offsets, labels = data
    for start in range(0, len(order), size):
        chosen = order[start:start + size]
        pieces = [ids[offsets[i]:offsets[i + 1]] for i in chosen.tolist()]
        lengths = torch.tensor([len(p) for p in pieces])
        starts = torch.zeros(len(pieces), dtype=torch.int64)
        starts[1:] = torch.cumsum(lengths, 0)[:-1]
        yield torch.cat(pieces), starts, labels[chosen]


model = FastText()
sparse_optimizer = torch.optim.SparseAdam(list(model.bag.parameters()), lr=1e-2)
dense_optimizer = torch.optim.Adam(list(model.linear.parameters()), lr=1e-2)
loss_function = nn.CrossEntropyLoss()
generator = torch.Generator().manual_seed(0)
for epoch in range(epochs):
    started = time.perf_counter()
    model.train()
    for ids, offsets, labels in batches(train, torch.randperm(len(train[2]), generator=generator), 64):
        sparse_optimizer.zero_grad()
        dense_optimizer.zero_grad()
        loss_function(model(ids, offsets), labels).backward()
        sparse_optimizer.step()
        dense_optimizer.step()
    seconds = time.perf_counter() - started
    model.eval()
    correct = 0
    with torch.no_grad():
        for ids, offsets, labels in batches(test, torch.arange(len(test[2])), 1024):
            correct += (model(ids, offsets).argmax(1) == labels).sum().item()
    print(f"epoch {epoch + 1} seconds {seconds:.3f} test_acc {correct / len(test[2]):.4f}", flush=True)
