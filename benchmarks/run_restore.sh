#!/usr/bin/env bash
# The restorer's benchmark tables for BENCHMARKS.md, on the test split. Run on an idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
out=benchmarks/results
mkdir -p "$out"
N=${PARAGRAPHS:-20}
.venv/bin/unspin eval --system restore --model gemma3 --paragraphs "$N" > "$out/restore_gemma3.md"
.venv/bin/unspin eval --system restore --model smollm2 --paragraphs "$N" --rates 0.25 > "$out/restore_smollm2.md"
{ .venv/bin/python benchmarks/speed.py --model gemma3
  .venv/bin/python benchmarks/speed.py --model smollm2; } > "$out/speed.md"
