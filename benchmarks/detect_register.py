"""False positives on clean text from other registers than the calibration data.

The detector was calibrated on dev paragraphs of State of the Union addresses
and the Brown corpus. This counts how many clean paragraphs of 50+ words are
called spun at the mode's default threshold in:

* Brown's fiction genres (k-r), test split: same corpus, a register the
  speeches lack, with dialogue and rare words;
* software licences from Debian's /usr/share/common-licenses (GPL-3, Apache-2.0,
  MPL-2.0, GFDL-1.3, Artistic, CC0-1.0): legal prose, in neither corpus.

Run: .venv/bin/python benchmarks/detect_register.py --mode fast --paragraphs 400
     .venv/bin/python benchmarks/detect_register.py --mode full --paragraphs 25
     .venv/bin/python benchmarks/detect_register.py --mode full --scores-in scores.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from unspin.corpora import _numbered, load_corpus, split
from unspin.detect import CALIBRATION, THRESHOLD, calibrated, detect, settings_key
from unspin.text import words

LICENCES = ["GPL-3", "Apache-2.0", "MPL-2.0", "GFDL-1.3", "Artistic", "CC0-1.0"]
FICTION = set("klmnpr")


def fiction_paragraphs() -> list[str]:
    docs = [d for d in split(load_corpus("brown"), "test") if d.genre in FICTION]
    return [text for d in docs for _, text in _numbered(d, 50)]


def licence_paragraphs() -> list[str]:
    found = []
    for name in LICENCES:
        path = Path("/usr/share/common-licenses") / name
        if not path.exists():
            continue
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
            text = " ".join(block.split())   # licences wrap lines at 72 columns
            if len(text.split()) >= 50:
                found.append(text)
    return found


def spread(items: list[str], n: int) -> list[str]:
    """``n`` items evenly spread over the list, so every source is represented."""
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mode", choices=["fast", "full"], default="fast")
    parser.add_argument("--paragraphs", type=int, default=400)
    parser.add_argument("--model", default=None)
    parser.add_argument("--scores-out", help="save each paragraph's register and score "
                                             "(JSON lines), to count again at another threshold")
    parser.add_argument("--scores-in", help="count a --scores-out file again with the packaged "
                                            "calibration and threshold; no decoding")
    parser.add_argument("--fiction-only", action="store_true",
                        help="count Brown fiction only, not the licences")
    parser.add_argument("--skip", type=int, default=0,
                        help="leave out each register's first N sampled paragraphs "
                             "(to go on with a stopped --scores-out run)")
    args = parser.parse_args()
    if args.scores_in:
        recount(args.scores_in, settings_key(args.mode, args.model))
        return
    # Each score is written as soon as it is known: a full-mode run takes most of
    # an hour, and one stopped early still leaves what it counted.
    saved = (open(args.scores_out, "a" if args.skip else "w", encoding="utf-8")
             if args.scores_out else None)
    print("| mode | register | paragraphs | flagged (default threshold) | mean probability "
          "| words/s |")
    print("|---|---|---|---|---|---|")
    registers = (("Brown fiction (test)", fiction_paragraphs()),
                 ("software licences", licence_paragraphs()))
    for register, texts in registers[:1] if args.fiction_only else registers:
        sample = spread(texts, args.paragraphs)[args.skip:]
        began = time.perf_counter()
        results = []
        for text in sample:
            results.append(detect(text, mode=args.mode, model=args.model))
            if saved:
                saved.write(json.dumps({"register": register, "score": results[-1].score}) + "\n")
                saved.flush()
        seconds = time.perf_counter() - began
        flagged = sum(r.is_spun for r in results)
        mean = sum(r.probability for r in results) / len(results)
        n_words = sum(len(words(t)) for t in sample)
        print(f"| {args.mode} | {register} | {len(sample)} | {flagged} "
              f"({flagged / len(sample):.1%}) | {mean:.3f} | {n_words / seconds:,.0f} |",
              flush=True)
    if saved:
        saved.close()


def recount(path: str, key: str) -> None:
    """Print, per register, how many saved scores the default threshold calls spun
    (``key``: the mode, or the full mode and model, as ``detect.settings_key``)."""
    by_register: dict[str, list[float]] = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            # Files saved before detections had a score hold the full mode's
            # spun fraction, which is its score.
            score = row.get("score", row.get("spun_fraction"))
            by_register.setdefault(row["register"], []).append(
                calibrated(score, CALIBRATION[key]))
    for register, probabilities in by_register.items():
        flagged = sum(p >= THRESHOLD[key] for p in probabilities)
        print(f"{register}: {flagged} of {len(probabilities)} called spun at "
              f"{THRESHOLD[key]} ({flagged / len(probabilities):.1%}); mean probability "
              f"{sum(probabilities) / len(probabilities):.3f}, highest {max(probabilities):.3f}")


if __name__ == "__main__":
    main()
