"""How long each model takes to read the speed article once: the floor under any restore.

Run: .venv/bin/python benchmarks/experiments/read_once.py

The article of ``benchmarks/speed.py`` (test SOTU paragraphs up to 1,000 words,
spun at 0.25, seed 1) is read paragraph by paragraph with the next-token
distribution at every position, which is what the decoder's cheap pass takes
from the model (``prefix_logprobs``), twice per model, after loading it. A
restore that asks the model anything about every word pays at least this,
before a single candidate is scored in context.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from unspin.lm import load_model

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from speed import article  # noqa: E402  (benchmarks/ is not a package)


def main() -> None:
    paragraphs = article()[0].split("\n\n")
    for name in ("gemma3", "smollm2"):
        began = time.perf_counter()
        lm = load_model(name)
        load = time.perf_counter() - began
        n_tokens = sum(len(lm.tokenize(paragraph)) for paragraph in paragraphs)
        for trial in range(2):
            began = time.perf_counter()
            for paragraph in paragraphs:
                lm.prefix_logprobs(paragraph)
            seconds = time.perf_counter() - began
            print(f"{name} read {trial + 1}: load {load:.2f} s, {n_tokens} tokens in "
                  f"{seconds:.2f} s ({n_tokens / seconds:.0f} tokens/s)", flush=True)
        del lm


if __name__ == "__main__":
    main()
