"""How much would the decoder restore if only one span per text were spun? (DEV)

Run: .venv/bin/python benchmarks/experiments/clean_context.py --paragraphs 8 [--corpus brown]

The tune paragraphs (``benchmarks/tune.py``'s paragraphs and seeds, rate 0.25)
are spun as usual; then, for each spun span, the sentence that holds it is
restored with that span spun and every other word original (the sentence
alone, without the text before it, which the usual decode reads: restoring the
whole paragraph once per span took too long). What the decoder restores there
is what it would restore with a perfect context, and the gap to the usual
figure is what the spun context costs. The rest, lost with every other word
right, is lost to the model and the channel themselves.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tune import dev_spin, start  # noqa: E402

from unspin.corpora import sample_paragraphs  # noqa: E402
from unspin.decode import restore, sentences  # noqa: E402
from unspin.evaluate import Counts, score_restoration  # noqa: E402
from unspin.lm import load_model  # noqa: E402
from unspin.spin import Spun  # noqa: E402
from unspin.text import Edit, apply_edits  # noqa: E402


def one_span_texts(spun: Spun):
    """For every edit of ``spun``, a Spun of the same text with only that edit spun."""
    for i, kept in enumerate(spun.edits):
        undone = [e for j, e in enumerate(spun.edits) if j != i]
        text = apply_edits(spun.text, undone)
        shift = sum(len(e.original) - len(e.spun) for e in undone if e.end <= kept.start)
        yield Spun(text, [Edit(kept.start + shift, kept.end + shift, kept.spun, kept.original)])


def score_sentence(single: Spun, lm, config) -> Counts:
    """Restore only the sentence holding ``single``'s one spun span, and score it."""
    kept = single.edits[0]
    start, end = next((a, b) for a, b in sentences(single.text) if a <= kept.start < b)
    part = Spun(single.text[start:end], [Edit(kept.start - start, kept.end - start,
                                              kept.spun, kept.original)])
    original = apply_edits(part.text, part.edits)
    return score_restoration(original, part, restore(part.text, model=lm, config=config))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=8)
    parser.add_argument("--corpus", default="sotu")
    parser.add_argument("--model", default="gemma3")
    parser.add_argument("--rate", type=float, default=0.25)
    args = parser.parse_args()
    lm, config = load_model(args.model), start(args.model, {})
    alone, together, began = Counts(), Counts(), time.perf_counter()
    for pid, text in sample_paragraphs(args.corpus, "dev", args.paragraphs):
        spun = dev_spin(pid, text, args.rate)
        together += score_restoration(text, spun, restore(spun.text, model=lm, config=config))
        for single in one_span_texts(spun):
            alone += score_sentence(single, lm, config)
        print(f"{pid}: {alone.restored_words}/{alone.spun_words} alone, "
              f"{together.restored_words}/{together.spun_words} together", flush=True)
    print(f"{args.corpus} dev, rate {args.rate}, {args.paragraphs} paragraphs: "
          f"spun together {together.accuracy:.1%} restored "
          f"({together.false_change_rate:.2%} of clean words changed); "
          f"one span at a time {alone.accuracy:.1%} "
          f"({alone.false_change_rate:.2%} changed); {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
