"""The fast detector on paragraphs under a headline, clean and spun.

Run: .venv/bin/python benchmarks/headline_screen.py [--split test] [--paragraphs 300]
         [--mode fast|full]

Each drawn paragraph gets a headline: the first sentence of 6-20 words of
the next drawn paragraph, without its full stop, set as a title
(``headlines.set_as``). The clean text is that headline and paragraph; the
spun text is both spun at rate 0.25 (the lexicon's spinner, the seed ``unspin
eval`` would use for the paragraph), the headline as prose before it is set
as a title. Prints, per corpus, how many clean and spun texts the mode
calls spun at its default threshold, the AUC, and the mean probabilities;
then the same for the clean paragraphs without their titles.
"""

from __future__ import annotations

import argparse
import zlib

from headlines import first_sentence, set_as

from unspin import detect
from unspin.corpora import sample_paragraphs
from unspin.evaluate import auc
from unspin.spin import spin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="test")
    parser.add_argument("--paragraphs", type=int, default=300, help="drawn per corpus")
    parser.add_argument("--mode", choices=("fast", "full"), default="fast")
    args = parser.parse_args()
    print("| corpus | texts | clean called spun | spun called spun | AUC | mean probability, "
          "clean / spun |")
    print("|---|---|---|---|---|---|")
    for corpus in ("sotu", "brown"):
        drawn = sample_paragraphs(corpus, args.split, args.paragraphs)
        clean, spun, untitled = [], [], []
        for k, (pid, paragraph) in enumerate(drawn):
            head = first_sentence(drawn[(k + 1) % len(drawn)][1])
            if not head:
                continue
            head = head.rstrip(".")
            seed = zlib.crc32(f"{pid}:0.25".encode())
            clean.append(detect(f"{set_as('title', head)}\n\n{paragraph}", mode=args.mode))
            untitled.append(detect(paragraph, mode=args.mode))
            spun_head = set_as("title", spin(head, 0.25, seed).text)
            spun_paragraph = spin(paragraph, 0.25, seed).text
            spun.append(detect(f"{spun_head}\n\n{spun_paragraph}", mode=args.mode))
        p_clean, p_spun = [d.probability for d in clean], [d.probability for d in spun]
        print(f"| {corpus} | {len(clean)} | {sum(d.is_spun for d in clean)} | "
              f"{sum(d.is_spun for d in spun)} | {auc(p_spun, p_clean):.4f} | "
              f"{sum(p_clean) / len(p_clean):.3f} / {sum(p_spun) / len(p_spun):.3f} |")
        p_untitled = [d.probability for d in untitled]
        print(f"| {corpus}, clean without the titles | {len(untitled)} | "
              f"{sum(d.is_spun for d in untitled)} | | | {sum(p_untitled) / len(p_untitled):.3f} |",
              flush=True)


if __name__ == "__main__":
    main()
