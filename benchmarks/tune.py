"""Tune decoder settings on the DEV split (never test): metrics and calibration per setting.

Run: .venv/bin/python benchmarks/tune.py --paragraphs 40 --rate 0.25 keep_bias=1,2,3

Each KEY=V1,V2 argument varies one Config field; settings are tried one field at
a time around the defaults. Prints accuracy, false-change rate, and the share of
edits with confidence >= 0.9 that were right; with the base run, also each
setting's difference from it with a paired 95 % interval (the same paragraphs
and spins, resampled together).
"""

from __future__ import annotations

import argparse
import time
import zlib
from dataclasses import fields, replace

from unspin.corpora import sample_paragraphs
from unspin.decode import Config, restore, settings_for
from unspin.evaluate import Counts, difference_interval, edit_outcomes, score_restoration
from unspin.lm import load_model
from unspin.spin import THESAURI, spin
from unspin.text import words


def run(config: Config, data, lm, rate: float, thesaurus: str = "lexicon",
        documents: list | None = None) -> str:
    """One setting's figures on ``data`` as a line; each paragraph's Counts are
    appended to ``documents`` when it is given (for :func:`versus`)."""
    counts, outcomes, n_words, began = Counts(), [], 0, time.perf_counter()
    for pid, text in data:
        spun = dev_spin(pid, text, rate, thesaurus)
        restored = restore(spun.text, model=lm, config=config)
        paragraph = score_restoration(text, spun, restored)
        counts += paragraph
        if documents is not None:
            documents.append(paragraph)
        outcomes += edit_outcomes(spun, restored)
        n_words += len(words(spun.text))
    high = [ok for conf, ok in outcomes if conf >= 0.9]
    low = [ok for conf, ok in outcomes if conf < 0.5]
    return (f"acc {counts.accuracy:.1%} false {counts.false_change_rate:.2%} "
            f"P {counts.precision:.3f} R {counts.recall:.3f} "
            f"conf>=0.9 right {sum(high)}/{len(high)} "
            f"conf<0.5 right {sum(low)}/{len(low)} "
            f"{n_words / (time.perf_counter() - began):.0f} w/s")


def dev_spin(pid: str, text: str, rate: float, thesaurus: str = "lexicon"):
    """The spin of paragraph ``pid`` that every dev trial here decodes (its seed from the id)."""
    return spin(text, rate, seed=zlib.crc32(f"{pid}:tune".encode()), thesaurus=thesaurus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--paragraphs", type=int, default=30)
    parser.add_argument("--rate", type=float, default=0.25)
    parser.add_argument("--corpus", default="sotu")
    parser.add_argument("--model", default="smollm2")
    parser.add_argument("--thesaurus", default="lexicon", choices=THESAURI,
                        help="the simulated spinner's thesaurus (unspin.spin)")
    parser.add_argument("--base", default="",
                        help="settings every run starts from, e.g. passes=2,keep_bias=1.5")
    parser.add_argument("--skip-base", action="store_true", help="do not run the base setting")
    parser.add_argument("grid", nargs="*")
    args = parser.parse_args()
    lm = load_model(args.model)
    data = sample_paragraphs(args.corpus, "dev", args.paragraphs)
    base = parse_settings(args.base)
    base_documents: list = []
    if not args.skip_base:
        print(f"base {args.base or 'defaults'}:", run(start(args.model, base), data, lm, args.rate,
                                                         args.thesaurus, base_documents),
              flush=True)
    for item in args.grid:
        key, values = item.split("=")
        for value in values.split(","):
            config = start(args.model, {**base, **dict([_setting(f"{key}={value}")])})
            documents: list = []
            print(f"{key}={value}:", run(config, data, lm, args.rate, args.thesaurus, documents),
                  flush=True)
            if base_documents:
                print("   ", versus(documents, base_documents), flush=True)


def versus(documents: list, base_documents: list) -> str:
    """A setting's difference from the base on the same paragraphs, with paired
    95 % intervals: restored in points, clean words changed in points."""
    total, base_total = Counts(), Counts()
    for mine, theirs in zip(documents, base_documents, strict=True):
        total += mine
        base_total += theirs
    parts = []
    for name, metric, digits in (("restored", "accuracy", 1),
                                 ("false", "false_change_rate", 2)):
        gap = getattr(total, metric) - getattr(base_total, metric)
        lo, hi = difference_interval(documents, base_documents, metric)
        parts.append(f"{name} {gap * 100:+.{digits}f} [{lo * 100:+.{digits}f}, "
                     f"{hi * 100:+.{digits}f}] points")
    return "vs base: " + "; ".join(parts) + " (paired 95 % intervals)"


def start(model: str, changes: dict) -> Config:
    """The model's own settings (decode.settings_for) with ``changes``."""
    return replace(settings_for(model), **changes)


def parse_settings(text: str) -> dict:
    """Config changes from "key=value,key=value" (--base here, --set in other benchmarks)."""
    return dict(_setting(item) for item in text.split(",") if item)


def _setting(item: str) -> tuple[str, int | float | bool]:
    key, value = item.split("=")
    types = {f.name: f.type for f in fields(Config)}
    if types[key] in ("bool", bool):
        return key, value.lower() in ("1", "true", "on")
    cast = int if types[key] in ("int", int) else float
    return key, cast(value)


if __name__ == "__main__":
    main()
