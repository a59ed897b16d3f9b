"""Restore and detect some clean paragraphs; print each one's score, probability and edits.

Run before and after a change and compare:

    .venv/bin/python benchmarks/experiments/rescore_paragraphs.py out.json KEY,KEY,...

Keys are slot_signatures.py's: the paragraphs whose candidates a change altered.
Write each key in full ("fiction:168,fiction:165"); a key that names no
paragraph stops the run before the model loads.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from slot_signatures import paragraphs

from unspin.decode import restore
from unspin.detect import detect, detector_settings
from unspin.lm import load_model

if __name__ == "__main__":
    keys = set(sys.argv[2].split(","))
    texts = paragraphs()
    unknown = sorted(keys - texts.keys())
    if unknown:
        # "fiction:168,165" once rescored only fiction:168, silently
        sys.exit(f"no paragraph has the key(s) {', '.join(unknown)}; "
                 f"write each in full, e.g. fiction:168,fiction:165")
    lm = load_model()
    results = {}
    for key, text in sorted(texts.items()):
        if key not in keys:
            continue
        restored = restore(text, model=lm, config=detector_settings(lm))
        found = detect(text, model=lm, restoration=restored)
        results[key] = {"score": found.score, "probability": found.probability,
                        "edits": [(e.spun, e.original) for e in restored.edits]}
        print(key, round(found.score, 4), round(found.probability, 3), results[key]["edits"],
              flush=True)
    Path(sys.argv[1]).write_text(json.dumps(results))
