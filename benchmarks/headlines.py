"""Headlines: spun sentences set in title case or in capitals, restored.

Run: .venv/bin/python benchmarks/headlines.py [--split dev|test] [--sentences N]
         [--corpus sotu,brown] [--rate 0.25] [--cases prose,title,upper]
         [--thesaurus lexicon|moby] [--model gemma3] [--set KEY=V ...]

Spinners rewrite titles and headings as they rewrite prose, but inside a
sentence a capital marks a name, which the restorer leaves alone; a headline
is read as prose instead (``unspin.casing``). The corpora have no headlines,
so this makes them: the first sentence of 6-20 words of each drawn paragraph
is spun as prose by the simulator (the same seed as ``unspin eval`` would
use for the paragraph), then set as a title ("The New Leader Will Hold Talks
in Moscow.", small words in lower case) or in capitals, spun and original
alike, letter for letter so the spinner's offsets still hold. Each case is
restored and scored as ``unspin eval`` scores paragraphs, words compared
without case. ``prose`` is the sentence as it was: what the same words give
when they need no folding.
"""

from __future__ import annotations

import argparse
import time
import zlib
from dataclasses import replace

from tune import parse_settings

from unspin.corpora import sample_paragraphs
from unspin.decode import restore, sentences, settings_for
from unspin.evaluate import Counts, edit_outcomes, score_restoration
from unspin.lm import load_model
from unspin.spin import Spun, spin
from unspin.text import TITLE_SMALL_WORDS, cased_lines, words


def set_as(case: str, text: str) -> str:
    """``text`` as prose, a title or capitals, letter for letter.

    >>> set_as("title", "the new leader of the talks"), set_as("upper", "straße")
    ('The New Leader of the Talks', 'STRAßE')
    """
    if case == "prose":
        return text
    chars = list(text)
    for i, token in enumerate(words(text)):
        if case == "upper":
            span = range(token.start, token.end)
        elif i == 0 or token.text.lower() not in TITLE_SMALL_WORDS:
            span = range(token.start, token.start + 1)
        else:
            continue
        for at in span:
            upper = chars[at].upper()
            chars[at] = upper if len(upper) == 1 else chars[at]
    return "".join(chars)


def first_sentence(paragraph: str) -> str | None:
    """The paragraph's first sentence of 6-20 words, if any."""
    for start, end in sentences(paragraph):
        if 6 <= len(words(paragraph[start:end])) <= 20:
            return paragraph[start:end]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--sentences", type=int, default=30, help="per corpus")
    parser.add_argument("--corpus", default="sotu,brown")
    parser.add_argument("--rate", type=float, default=0.25)
    parser.add_argument("--cases", default="prose,title,upper")
    parser.add_argument("--thesaurus", default="lexicon")
    parser.add_argument("--model", default="gemma3")
    parser.add_argument("--set", default="", metavar="KEY=V,...")
    args = parser.parse_args()
    lm = load_model(args.model)
    config = replace(settings_for(args.model), **parse_settings(args.set))
    cases = args.cases.split(",")
    print(f"split {args.split}, rate {args.rate}, spinner {args.thesaurus}, model "
          f"{args.model}, {args.sentences} sentences per corpus\n")
    print("| corpus | set as | sentences read as headlines | spun words | restored | "
          "clean words changed | edits | confident (>= 0.9) right | words/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for corpus in args.corpus.split(","):
        drawn = []
        for pid, paragraph in sample_paragraphs(corpus, args.split, 10 * args.sentences):
            sentence = first_sentence(paragraph)
            if sentence:
                seed = zlib.crc32(f"{pid}:{args.rate}".encode())
                drawn.append((sentence, spin(sentence, args.rate, seed, args.thesaurus)))
            if len(drawn) == args.sentences:
                break
        for case in cases:
            counts, outcomes, seconds, n_words, headlines = Counts(), [], 0.0, 0, 0
            for sentence, spun in drawn:
                text = set_as(case, spun.text)
                cased = Spun(text, [replace(e, spun=text[e.start:e.end]) for e in spun.edits])
                headlines += bool(cased_lines(text))
                began = time.perf_counter()
                restored = restore(text, model=lm, config=config)
                seconds += time.perf_counter() - began
                n_words += len(words(text))
                counts += score_restoration(sentence, cased, restored)
                outcomes += edit_outcomes(cased, restored)
            confident = [right for confidence, right in outcomes if confidence >= 0.9]
            print(f"| {corpus} | {case} | {headlines}/{len(drawn)} | {counts.spun_words} | "
                  f"{counts.restored_words} ({counts.accuracy:.1%}) | "
                  f"{counts.changed_clean_words}/{counts.clean_words} "
                  f"({counts.false_change_rate:.2%}) | {counts.edits} | "
                  f"{sum(confident)}/{len(confident)} | {n_words / seconds:.1f} |", flush=True)


if __name__ == "__main__":
    main()
