#!/usr/bin/env python3
"""List the Gemma 3 tokens English text is made of (src/unspin/data/gemma3_vocab.txt.gz).

``unspin.lm.trim`` cuts the model's vocabulary to these tokens (see its
docstring for why that keeps the tokenization). A token is kept when
SentencePiece's merge loop forms it on any of:

* every word of wordfreq's English list, every lemma of the built lexicon,
  every word of Moby's lists and every rare word the channel writes (the fast
  detector's tail table), each lower-case, capitalised and in capitals (and
  "McCormick" for "mccormick"), after a space and at the start of a line;
* every gloss and example of WordNet 3.0 (``/usr/share/wordnet``), as
  sentences, so that pieces formed across punctuation are kept too;

and so are the tokens with no letter in them (digits, punctuation, symbols),
the single characters below U+2E80 (Latin, Greek, Cyrillic,
punctuation, symbols) and the emoji, the 256 byte tokens everything else
falls back to, the user-defined tokens (line breaks, runs of spaces), and the
control tokens but the 6,000-odd unused ones. No evaluation corpus is read.
The same bytes for the same inputs, whatever ``--jobs``; about 40 s with two
(``--check`` compares with the committed list instead of writing it)::

    python scripts/build_gemma3_vocab.py --jobs 2
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import sys
from multiprocessing import Pool
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from wordfreq import get_frequency_dict  # noqa: E402

from unspin.lexicon import load_store  # noqa: E402
from unspin.lexicon.moby import _table as moby_table  # noqa: E402
from unspin.lm.registry import model_path  # noqa: E402
from unspin.lm.trim import VOCAB_PATH, read_vocab, spm_merges  # noqa: E402
from unspin.screen_table import load_tail  # noqa: E402

WORDNET_DIR = Path("/usr/share/wordnet")
SPACE = "\u2581"
NAME_PREFIX = re.compile(r"(mc|mac|de|di|la|le|van|von|o')(?=[a-z]{3})")
NORMAL, CONTROL, USER_DEFINED, BYTE = 1, 3, 4, 6
_scores: dict[str, float] = {}


def words() -> list[str]:
    found = set(get_frequency_dict("en")) | set(load_store().words)
    fanouts, listing = moby_table()
    found |= set(fanouts) | set(listing) | set(load_tail()[0])  # the channel's rare words
    return sorted(w for w in found if w)


def glosses(folder: Path = WORDNET_DIR) -> list[str]:
    """WordNet's glosses and quoted examples, one sentence each."""
    out = []
    for part in ("noun", "verb", "adj", "adv"):
        for line in (folder / f"data.{part}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  ") or " | " not in line:
                continue
            gloss = line.split(" | ", 1)[1].strip()
            out += [piece.strip(' "') for piece in re.split(r";\s*", gloss) if piece.strip(' "')]
    return sorted(set(out))


def variants(word: str) -> list[str]:
    forms = {word, word.lower(), word[:1].upper() + word[1:], word.upper()}
    name = NAME_PREFIX.match(word)
    if name:  # wordfreq writes "mccormick"; the text has "McCormick"
        forms.add(name.group(1).capitalize() + word[name.end():].capitalize())
    return [prefix + form.replace(" ", SPACE) for form in sorted(forms) for prefix in ("", SPACE)]


def _init(scores: dict[str, float]) -> None:
    _scores.update(scores)


def _merges(texts: list[str]) -> set[str]:
    formed: set[str] = set()
    for text in texts:
        formed |= spm_merges(text, _scores)
    return formed


def kept_ids(tokens: list[str], scores, types, texts: list[str], jobs: int) -> list[int]:
    table = {token: float(score) for token, score in zip(tokens, scores)}
    chunks = [texts[i::jobs * 8] for i in range(jobs * 8)]
    with Pool(jobs, initializer=_init, initargs=(table,)) as pool:
        formed = set().union(*pool.map(_merges, chunks))
    keep = set()
    for i, (token, kind) in enumerate(zip(tokens, types)):
        if (token in formed or kind in (USER_DEFINED, BYTE)
                or (kind == CONTROL and not token.startswith("<unused"))
                or (kind == NORMAL and len(token) == 1 and _plain_char(token))
                or (kind == NORMAL and all(_no_letter(c) for c in token))):
            keep.add(i)
    return sorted(keep)


def _no_letter(char: str) -> bool:
    """Digits, punctuation, symbols and the space mark, in the ranges English text uses.

    Every piece of a token made of these is made of them too, so keeping them
    all keeps the pieces of any number or run of punctuation ("3%.", "),").
    """
    code = ord(char)
    return char == SPACE or (not char.isalpha() and (
        32 <= code < 127 or 0xA0 <= code <= 0xFF or 0x2000 <= code <= 0x206F
        or 0x20A0 <= code <= 0x20CF))


def _plain_char(char: str) -> bool:
    return ord(char) < 0x2E80 or 0x1F000 <= ord(char) <= 0x1FAFF


def build(jobs: int) -> tuple[bytes, int, int, int]:
    """The gzipped list, with how many tokens it keeps of how many, from how many texts."""
    source = model_path("gemma3", full_vocab=True)
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    tokens, scores, types = read_vocab(source)
    sentences = [g.replace(" ", SPACE) for g in glosses()]
    texts = [v for w in words() for v in variants(w)] + sentences
    texts += [SPACE + g for g in sentences]
    ids = kept_ids(tokens, scores, types, texts, jobs)
    body = f"# gemma3 {digest} {len(tokens)}\n" + "".join(f"{i}\n" for i in ids)
    return gzip.compress(body.encode(), mtime=0), len(ids), len(tokens), len(texts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="Rebuild in memory and compare with the committed list.")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    data, kept, total, n_texts = build(args.jobs)
    if args.check:
        same = VOCAB_PATH.exists() and VOCAB_PATH.read_bytes() == data
        print("gemma3 vocabulary list up to date" if same
              else f"{VOCAB_PATH.name} differs; rebuild it")
        return 0 if same else 1
    VOCAB_PATH.write_bytes(data)
    print(f"{kept} of {total} tokens kept from {n_texts} texts -> {VOCAB_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
