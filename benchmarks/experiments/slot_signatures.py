"""Which clean paragraphs a lexicon change gives different decoder candidates.

Run once on main and once with a patch applied, then compare the two files:

    .venv/bin/python benchmarks/experiments/slot_signatures.py before.json

Each paragraph gets a hash of its slots and their options: the 300 dev and 300
test paragraphs per corpus, 400 Brown fiction and 116 licence paragraphs (those
of detect_register.py). Paragraphs whose hash is unchanged decode the same.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from detect_register import fiction_paragraphs, licence_paragraphs, spread

from unspin.corpora import sample_paragraphs
from unspin.decode import Config, _slots
from unspin.text import words


def paragraphs() -> dict[str, str]:
    """The clean paragraphs by key ("dev:<id>", "test:<id>", "fiction:<n>", "licence:<n>")."""
    found = {}
    for corpus in ("sotu", "brown"):
        for which in ("dev", "test"):
            for pid, text in sample_paragraphs(corpus, which, 300):
                found[f"{which}:{pid}"] = text
    for i, text in enumerate(spread(fiction_paragraphs(), 400)):
        found[f"fiction:{i}"] = text
    for i, text in enumerate(spread(licence_paragraphs(), 116)):
        found[f"licence:{i}"] = text
    return found


def signature(text: str) -> str:
    slots = [(s.start, s.end, sorted(o.text for o in s.options))
             for s in _slots(text, words(text), Config())]
    return hashlib.md5(json.dumps(slots).encode()).hexdigest()


if __name__ == "__main__":
    signatures = {key: signature(text) for key, text in paragraphs().items()}
    Path(sys.argv[1]).write_text(json.dumps(signatures))
    print(f"{len(signatures)} paragraphs")
