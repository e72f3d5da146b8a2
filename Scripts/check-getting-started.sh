#!/usr/bin/env bash
# Builds and runs the Getting Started article as a new user would: its package manifest and its
# program, copied out of Sources/Neurite/Neurite.docc/GettingStarted.md into a fresh package beside
# a copy of this one named Neurite (the manifest's `.package(path: "../Neurite")`).
set -euo pipefail
cd "$(dirname "$0")/.."
article=Sources/Neurite/Neurite.docc/GettingStarted.md
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ln -s "$PWD" "$work/Neurite"
mkdir -p "$work/Digits/Sources/Digits"
# The Swift blocks in order: the manifest, the program, then the part that uses the trained model.
python3 - "$article" "$work/Digits" <<'PYTHON'
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"```swift\n(.*?)```", text, re.S)
assert len(blocks) == 3, f"{sys.argv[1]}: expected 3 Swift blocks (manifest, program, use), found {len(blocks)}"
open(f"{sys.argv[2]}/Package.swift", "w").write(blocks[0])
open(f"{sys.argv[2]}/Sources/Digits/main.swift", "w").write(blocks[1] + "\n" + blocks[2])
PYTHON
cd "$work/Digits"
swift build -c release
output=$(swift run -c release Digits)
echo "$output" | tail -n 4
# The program prints the last validation accuracy, then a prediction beside its label.
echo "$output" | grep -Eq '^0\.9[6-9]' || { echo "check-getting-started: no validation accuracy ≥ 0.96 printed" >&2; exit 1; }
test -s digits.safetensors
