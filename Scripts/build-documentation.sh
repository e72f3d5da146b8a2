#!/usr/bin/env bash
# Builds the DocC documentation of the Neurite module (the catalog in Sources/Neurite/Neurite.docc
# and every public symbol of the library) into DIR (default: .build/documentation), failing on any
# DocC warning such as a broken symbol link, and reports the public symbols without a doc comment.
#
#   Scripts/build-documentation.sh [DIR]
#
# Why not `swift package generate-documentation` (swift-docc-plugin): `Neurite` is an umbrella
# module that re-exports NeuriteCore, NeuriteNN, …, and the plugin's symbol graphs leave
# re-exported symbols out, so the catalog could not link ``Tensor``. swift-symbolgraph-extract has
# the option that keeps them (-experimental-allowed-reexported-modules); this script runs it and
# then `docc convert`, both of which ship with Swift.
set -euo pipefail
cd "$(dirname "$0")/.."
output=${1:-.build/documentation}
# The modules the umbrella re-exports, as its source lists them.
modules=$(sed -n 's/^@_exported import //p' Sources/Neurite/Neurite.swift | paste -sd, -)

swift build --target Neurite
bin=$(swift build --show-bin-path)
triple=$(swiftc -print-target-info | sed -n 's/^ *"triple": "\(.*\)",*$/\1/p' | head -n 1)
graphs=$(mktemp -d)
trap 'rm -rf "$graphs"' EXIT

swift-symbolgraph-extract -module-name Neurite -target "$triple" -I "$bin/Modules" -I "$bin" \
    -Xcc -fmodule-map-file="$bin/CNeuriteSIMD.build/module.modulemap" -Xcc -I -Xcc Sources/CNeuriteSIMD/include \
    -Xcc -fmodule-map-file=Sources/CZlib/module.modulemap -Xcc -fmodule-map-file=Sources/CLibPNG/module.modulemap \
    -minimum-access-level public -skip-synthesized-members -experimental-allowed-reexported-modules="$modules" \
    -output-dir "$graphs"

rm -rf "$output"
docc convert Sources/Neurite/Neurite.docc --additional-symbol-graph-dir "$graphs" --output-path "$output" \
    --fallback-display-name Neurite --fallback-bundle-identifier org.neurite.Neurite --warnings-as-errors

# Every public symbol has a doc comment, or implements a documented requirement or overrides a
# documented member (DocC then shows that documentation); anything else fails the build.
python3 - "$graphs/Neurite.symbols.json" <<'PYTHON'
import json, sys
graph = json.load(open(sys.argv[1]))
symbols = {s["identifier"]["precise"]: s for s in graph["symbols"]}
inherits = {}
for relation in graph["relationships"]:
    if "sourceOrigin" in relation:
        inherits[relation["source"]] = relation["sourceOrigin"]["identifier"]
    elif relation["kind"] in ("overrides", "defaultImplementationOf"):
        inherits.setdefault(relation["source"], relation["target"])

def documented(identifier, seen=()):
    symbol = symbols.get(identifier)
    if symbol is None:
        return True  # a member of a type outside the library (Swift's own), documented there
    if symbol.get("docComment"):
        return True
    origin = inherits.get(identifier)
    return origin is not None and origin not in seen and documented(origin, seen + (identifier,))

missing = sorted(".".join(s["pathComponents"]) for key, s in symbols.items() if not documented(key))
print(f"documentation: {len(symbols)} public symbols, {len(missing)} without documentation")
for name in missing:
    print(f"  undocumented: {name}")
sys.exit(1 if missing else 0)
PYTHON
echo "documentation written to $output"
