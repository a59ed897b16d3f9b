"""How channel_mix.moby_posterior falls on dev paragraphs, clean and spun by each spinner.

Run: .venv/bin/python benchmarks/experiments/spinner_estimate.py --paragraphs 60

Prints the 10th, 50th and 90th percentile of the estimate (the posterior mean
share of a text's substitutions that follow Moby's lists) per corpus, spinner
and rate, and over the sentences of the tortured-phrase sets
(benchmarks/data). ``decode.Config.moby_full_at`` was set from the dev rows.
No model runs. Spin seeds are detect_calibrate.py's, not tune.py's.
"""

from __future__ import annotations

import argparse
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tortured import DATA, load_cases  # noqa: E402

from unspin.channel_mix import moby_posterior  # noqa: E402
from unspin.corpora import sample_paragraphs  # noqa: E402
from unspin.spin import THESAURI, spin  # noqa: E402

RATES = (0.1, 0.25, 0.4)


def percentiles(values: list[float]) -> str:
    values = sorted(values)
    at = [values[min(len(values) - 1, int(p * len(values)))] for p in (0.1, 0.5, 0.9)]
    return " / ".join(f"{v:.2f}" for v in at)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=60)
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    args = parser.parse_args()
    print("| texts | corpus | m: 10th / 50th / 90th percentile |")
    print("|---|---|---|")
    for name, path in DATA.items():
        values = [moby_posterior(case.sentence) for case in load_cases(path)]
        print(f"| tortured phrases, {name} | - | {percentiles(values)} "
              f"(lowest {min(values):.2f}) |")
    for corpus in ("sotu", "brown"):
        data = sample_paragraphs(corpus, args.split, args.paragraphs)
        print(f"| clean | {corpus} | {percentiles([moby_posterior(t) for _, t in data])} |")
        for thesaurus in THESAURI:
            for rate in RATES:
                values = [moby_posterior(spin(text, rate, seed=zlib.crc32(f"{pid}:{rate}".encode()),
                                              thesaurus=thesaurus).text)
                          for pid, text in data]
                print(f"| {thesaurus} spinner, rate {rate} | {corpus} | {percentiles(values)} |",
                      flush=True)


if __name__ == "__main__":
    main()
