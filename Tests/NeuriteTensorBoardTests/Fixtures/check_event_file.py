"""Reads a `neurite train --tensorboard` log with TensorBoard's own EventAccumulator and checks it
against the run directory written beside it: the scalars equal history.csv, the images are the
PNG files byte for byte, every histogram's counts add up, and the settings are there.

    python3 check_event_file.py TENSORBOARD_DIR RUN_DIR
"""
import csv
import math
import sys

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

board, run = sys.argv[1], sys.argv[2]
events = EventAccumulator(board, size_guidance={"scalars": 0, "images": 0, "histograms": 0, "tensors": 0})
events.Reload()
tags = events.Tags()

with open(f"{run}/history.csv") as file:
    history = list(csv.DictReader(file))
checked = 0
for column in history[0]:
    if column in ("epoch", "seconds"):
        continue
    points = {event.step: event.value for event in events.Scalars(column)}
    for row in history:
        expected, got = float(row[column]), points[int(row["epoch"])]
        assert math.isclose(expected, got, rel_tol=1e-6, abs_tol=1e-7), (column, row["epoch"], expected, got)
        checked += 1
assert checked >= 2 * len(history), f"only {checked} scalars compared"

images = tags["images"]
assert {"learning-curves", "confusion-matrix"} <= set(images), images
for tag in images:
    (image,) = events.Images(tag)
    with open(f"{run}/{tag}.png", "rb") as file:
        assert image.encoded_image_string == file.read(), f"{tag}: differs from {tag}.png"

histograms = tags["histograms"]
assert any(tag.startswith("weights/") for tag in histograms) and any(tag.startswith("gradients/") for tag in histograms), histograms
for tag in histograms:
    for event in events.Histograms(tag):
        value = event.histogram_value
        assert sum(value.bucket) == value.num > 0, (tag, event.step)
        assert value.min <= value.max and len(value.bucket) == len(value.bucket_limit), tag

(settings,) = events.Tensors("hyperparameters")
text = settings.tensor_proto.string_val[0].decode()
assert "| optimizer | adam |" in text, text

print(f"tensorboard: {checked} scalars equal history.csv, {len(images)} images equal their PNGs, "
      f"{len(histograms)} histograms add up, settings present")
