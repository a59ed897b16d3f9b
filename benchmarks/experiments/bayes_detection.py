"""How well any detector built on the model could find spun words: the Bayes posterior ceiling.

Run: .venv/bin/python benchmarks/experiments/bayes_detection.py --paragraphs 8 -o /tmp/bayes.jsonl
     .venv/bin/python benchmarks/experiments/bayes_detection.py --thesaurus moby -o /tmp/moby.jsonl
     .venv/bin/python benchmarks/experiments/bayes_detection.py --curve /tmp/bayes.jsonl \
         [--spans S]   (S: detect_calibrate.py --split dev --paragraphs N --rates 0.25
                        --doubt-below 0.995 --spans-out S, the same paragraphs)

Issue #4 asks for span precision and recall of 0.90 each at spin rate 0.25.
This asks what the best word-by-word decision could reach if authors wrote as
the language model predicts and the spinner were known exactly. For each word
``x`` of a spun paragraph, with every other word put back to its original
(a perfect context, which no real detector has), the probability that ``x``
was written by the spinner is

    A = sum over originals o of  P(o | context) * r(o) * ch(x | o)
    B = P(x | context) * (1 - r(x))
    P(spun) = A / (A + B)

where ``ch`` is the simulator's own choice among a word's substitutes (weights
squared for the lexicon, uniform for Moby; ``spin._choose``), ``r`` its chance
of spinning a word in this paragraph (``spin.spin``'s scaled chance and its
function-word factor), and ``P(. | context)`` the model's probability of the
sentence with that word, read with the eight words after it. Flagging words
in decreasing order of this posterior traces the best precision-recall curve
a detector can have under that model (up to the pruning below), and a real
one has less to go on: it sees spun neighbours, and must guess the spinner's
thesaurus and rate. ``--context spun`` reads each word among the words the
spinner left, as a detector must.

Simplifications, each said in the output: single-word spins only (phrase
spins and the words inside them are left out of both counts, about a fifth
of spun spans); the originals of each word are pruned to the ``--keep``
likeliest by channel and word frequency before the model reads them (60 by
default: at 10 the true original of "statement", "advance" or "person" is
cut, which lowered the curve by 3-7 points in session 35). Dev split only
(``detect_calibrate.py``'s paragraphs and spins). About a minute per paragraph.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import random
import sys
from pathlib import Path

from wordfreq import zipf_frequency

from unspin.casing import fold_headlines
from unspin.corpora import sample_paragraphs
from unspin.lexicon import moby_from, moby_spins_to, restores_from, spins_to
from unspin.lexicon.kept import WH_WORDS, never_spun
from unspin.lm import load_model
from unspin.text import words

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from detect_calibrate import spin_seed  # noqa: E402  (benchmarks/ is not a package)

# The module, not the function the package exports under the same name.
spinner = importlib.import_module("unspin.spin")

RATE = 0.25
RIGHT_WORDS = 8


def logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def substitutes(word: str, thesaurus: str) -> list:
    """What the simulator may write for ``word`` (its own lookup and filter)."""
    return spinner._usable((moby_spins_to if thesaurus == "moby" else spins_to)(word))


def channel(original: str, written: str, thesaurus: str) -> float:
    """The simulator's chance of writing ``written`` when it spins ``original``."""
    links = substitutes(original, thesaurus)
    total = sum(link.weight ** 2 for link in links)
    hit = sum(link.weight ** 2 for link in links if link.word == written)
    return hit / total if total else 0.0


def spin_chance(word: str, chance: float, thesaurus: str) -> float:
    """The chance the simulator spins ``word`` in a paragraph spun at ``chance``."""
    if never_spun(word) or word in WH_WORDS or not substitutes(word, thesaurus):
        return 0.0
    factor = spinner.FUNCTION_WORD_FACTOR if word in spinner.FUNCTION_WORDS else 1.0
    return min(1.0, chance * factor)


def paragraph_chance(text: str, thesaurus: str) -> float:
    """``spin.spin``'s per-unit chance for this paragraph at RATE."""
    folded, _ = fold_headlines(text)
    tokens = words(folded)
    plans = spinner._eligible(folded, tokens, moby=thesaurus == "moby")
    weight = sum(factor for _, _, factor, _ in plans)
    return min(1.0, RATE * len(tokens) / weight) if weight else 0.0


def cased(candidate: str, like: str) -> str:
    return candidate[0].upper() + candidate[1:] if like[:1].isupper() else candidate


def posterior(lm, text: str, tokens, j: int, shown: str, chance: float,
              thesaurus: str, keep: int) -> float | None:
    """P(spun) of word ``j`` of the original ``text`` showing ``shown``; None without originals."""
    lower = shown.lower()
    invert = moby_from if thesaurus == "moby" else restores_from
    priors = {}
    for link in invert(lower):
        o = link.word
        if o == lower or o in priors:
            continue
        weight = channel(o, lower, thesaurus) * spin_chance(o, chance, thesaurus)
        if weight > 0:
            priors[o] = weight
    if not priors:
        return None
    best = sorted(priors, key=lambda o: -(math.log(priors[o])
                                          + zipf_frequency(o, "en") * math.log(10)))[:keep]
    token = tokens[j]
    cut = len(text[:token.start].rstrip())
    for right_words in (RIGHT_WORDS, RIGHT_WORDS // 2, 0):
        # Fewer words after it where numbers and symbols make the reading too long.
        right_end = tokens[min(j + right_words, len(tokens) - 1)].end if right_words else token.end
        gap, right = text[cut:token.start], text[token.end:right_end]
        conts = [gap + cased(w, shown) + right for w in [shown] + best]
        try:
            scores = lm.continuation_logprobs(text[:cut], conts)
            break
        except ValueError:
            if not right_words:
                raise
    a = logsumexp([s + math.log(priors[o]) for s, o in zip(scores[1:], best)])
    kept = 1.0 - spin_chance(lower, chance, thesaurus)
    if kept <= 0.0:
        return 1.0
    b = scores[0] + math.log(kept)
    return 1.0 / (1.0 + math.exp(b - a))


def record(args) -> None:
    lm = load_model(args.model)
    with open(args.out, "w", encoding="utf-8") as out:
        for corpus in args.corpora.split(","):
            for pid, text in sample_paragraphs(corpus, "dev", args.paragraphs)[args.skip:]:
                spun = spinner.spin(text, RATE, seed=spin_seed(pid, RATE), thesaurus=args.thesaurus)
                chance = paragraph_chance(text, args.thesaurus)
                tokens = words(text)
                # Which original words were spun, into what, and where each
                # original word lies in the spun text.
                shown, skip, shift, at = {}, set(), 0, {}
                for e in spun.edits:
                    start = e.start - shift
                    covered = [j for j, t in enumerate(tokens)
                               if t.start < start + len(e.original) and start < t.end]
                    if len(covered) == 1 and " " not in e.spun and "-" not in e.spun:
                        shown[covered[0]] = e.spun
                        at[covered[0]] = (e.start, e.end)
                    else:
                        skip.update(covered)
                    shift += len(e.spun) - len(e.original)
                shift, edits = 0, iter(spun.edits)
                edit = next(edits, None)
                for j, token in enumerate(tokens):
                    while (edit is not None
                           and edit.start - shift + len(edit.original) <= token.start):
                        shift += len(edit.spun) - len(edit.original)
                        edit = next(edits, None)
                    if j not in at:
                        at[j] = (token.start + shift, token.end + shift)
                        assert j in skip or spun.text[at[j][0]:at[j][1]] == token.text
                spun_tokens = words(spun.text)
                spun_index = {t.start: k for k, t in enumerate(spun_tokens)}
                for j, token in enumerate(tokens):
                    if j in skip or not token.text[:1].isalpha():
                        continue
                    word = shown.get(j, token.text)
                    if args.context == "spun":
                        if at[j][0] not in spun_index:
                            continue
                        p = posterior(lm, spun.text, spun_tokens, spun_index[at[j][0]], word,
                                      chance, args.thesaurus, args.keep)
                    else:
                        p = posterior(lm, text, tokens, j, word, chance, args.thesaurus, args.keep)
                    out.write(json.dumps({"corpus": corpus, "id": pid, "spun": j in shown,
                                          "word": word, "original": token.text,
                                          "p": p if p is not None else 0.0,
                                          "read": p is not None, "at": at[j]}) + "\n")
                out.flush()
                print(f"{corpus} {pid} done", flush=True)


def operating_points(part: list[dict], score) -> tuple[float, float]:
    """(best recall at precision >= 0.90, best precision at recall >= 0.90),
    flagging words in decreasing order of ``score``."""
    spun = max(sum(r["spun"] for r in part), 1)
    ranked = sorted(part, key=lambda r: -score(r))
    recall_at_90 = precision_at_90 = 0.0
    right = 0
    for k, r in enumerate(ranked, 1):
        right += r["spun"]
        if k < len(ranked) and score(ranked[k]) == score(r):
            continue     # ties are flagged together
        precision, recall = right / k, right / spun
        if precision >= 0.90:
            recall_at_90 = max(recall_at_90, recall)
        if recall >= 0.90:
            precision_at_90 = max(precision_at_90, precision)
    return recall_at_90, precision_at_90


def span_points(part: list[dict], score) -> tuple[float, float]:
    """:func:`operating_points` counted as ``span_rule.py`` counts: flagged words next
    to each other (one space apart) make one span, right when any of its words was spun."""
    spun = max(sum(r["spun"] for r in part), 1)
    values = sorted({score(r) for r in part}, reverse=True)
    cuts = values if len(values) <= 400 else [values[i * len(values) // 400] for i in range(400)]
    recall_at_90 = precision_at_90 = 0.0
    for cut in cuts:
        spans = right = hit = 0
        previous, open_span, span_right = None, False, False
        for r in part:
            flagged = score(r) >= cut
            joined = (open_span and flagged and previous["id"] == r["id"]
                      and r["at"][0] - previous["at"][1] <= 1)
            if open_span and not joined:
                spans, right = spans + 1, right + span_right
                open_span = False
            if flagged:
                span_right = (span_right or r["spun"]) if joined else r["spun"]
                open_span = True
                hit += r["spun"]
            previous = r
        if open_span:
            spans, right = spans + 1, right + span_right
        precision, recall = right / max(spans, 1), hit / spun
        if precision >= 0.90:
            recall_at_90 = max(recall_at_90, recall)
        if recall >= 0.90:
            precision_at_90 = max(precision_at_90, precision)
    return recall_at_90, precision_at_90


def bootstrap(part: list[dict], score, draws: int = 1000) -> tuple[tuple, tuple]:
    """95 % intervals of :func:`operating_points`, resampling paragraphs."""
    by_paragraph: dict[str, list[dict]] = {}
    for r in part:
        by_paragraph.setdefault(r["id"], []).append(r)
    groups = list(by_paragraph.values())
    rng = random.Random(0)
    results = [operating_points([r for g in rng.choices(groups, k=len(groups)) for r in g], score)
               for _ in range(draws)]
    recalls, precisions = sorted(x[0] for x in results), sorted(x[1] for x in results)
    lo, hi = int(0.025 * draws), int(0.975 * draws) - 1
    return (recalls[lo], recalls[hi]), (precisions[lo], precisions[hi])


def detector_scores(path: str) -> dict:
    """Each paragraph's found spans, from a ``detect_calibrate.py --spans-out`` file."""
    found = {}
    for line in open(path, encoding="utf-8"):
        row = json.loads(line)
        found[row["id"]] = row["found"]
    return found


def curve(paths: list[str], spans: list[str]) -> None:
    rows = [json.loads(line) for path in paths for line in open(path, encoding="utf-8")]
    for r in rows:
        # The channel's inverse cannot read some made-up forms back ("activenesses"):
        # under the exact channel their posterior is positive, and as non-words it is
        # near one, so they count as found, which can only flatter the ceiling.
        if r["spun"] and not r["read"]:
            r["p"] = 1.0
    found = {k: v for path in spans for k, v in detector_scores(path).items()} or None

    def detector(r: dict) -> float:
        # The detector's doubt of the word: its highest-scoring found span over it.
        a, b = r["at"]
        return max((f[2] for f in found[r["id"]] if f[0] < b and a < f[1]), default=0.0)

    for corpus in ("sotu", "brown", None):
        part = [r for r in rows if corpus is None or r["corpus"] == corpus]
        spun = sum(r["spun"] for r in part)
        if not spun:
            continue
        never = sum(r["spun"] and not r["read"] for r in part)
        recall, precision = operating_points(part, lambda r: r["p"])
        (r_lo, r_hi), (p_lo, p_hi) = bootstrap(part, lambda r: r["p"])
        print(f"{corpus or 'both'}: {len(part)} words, {spun} spun by single-word swaps "
              f"({never} of them not read back by the channel's inverse, counted as found)")
        print(f"   Bayes posterior: best recall at precision >= 0.90: {recall:.3f} "
              f"[{r_lo:.3f}-{r_hi:.3f}]; best precision at recall >= 0.90: {precision:.3f} "
              f"[{p_lo:.3f}-{p_hi:.3f}]")
        recall, precision = span_points(part, lambda r: r["p"])
        print(f"   the same, adjacent flagged words one span: {recall:.3f}; {precision:.3f}")
        if found is not None:
            recall, precision = operating_points(part, detector)
            print(f"   the detector (same words): best recall at precision >= 0.90: {recall:.3f}; "
                  f"best precision at recall >= 0.90: {precision:.3f}")
            recall, precision = span_points(part, detector)
            print(f"   the same, adjacent flagged words one span: {recall:.3f}; {precision:.3f}")
        for cut in (0.9, 0.7, 0.5, 0.3, 0.2, 0.1, 0.05):
            flagged = [r for r in part if r["p"] >= cut]
            hits = sum(r["spun"] for r in flagged)
            line = (f"   P(spun) >= {cut}: precision {hits / max(len(flagged), 1):.3f}, "
                    f"recall {hits / spun:.3f}")
            if found is not None:
                flagged = [r for r in part if detector(r) > 1.0 - DOUBT_BELOW[cut]] \
                    if cut in DOUBT_BELOW else []
                if flagged:
                    hits = sum(r["spun"] for r in flagged)
                    line += (f"   | detector, doubt below {DOUBT_BELOW[cut]}: precision "
                             f"{hits / len(flagged):.3f}, recall {hits / spun:.3f}")
            print(line)


# Rows of the detector's own rules printed beside the posterior's cuts.
DOUBT_BELOW = {0.9: 0.9, 0.7: 0.95, 0.5: 0.97, 0.3: 0.99, 0.2: 0.995}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paragraphs", type=int, default=8, help="per corpus, dev")
    parser.add_argument("--thesaurus", choices=spinner.THESAURI, default="lexicon")
    parser.add_argument("--model", default="gemma3")
    parser.add_argument("--context", choices=("original", "spun"), default="original",
                        help="the words around each word: put back (a perfect context) "
                             "or as the spinner left them (what a detector sees)")
    parser.add_argument("--corpora", default="sotu,brown")
    parser.add_argument("--skip", type=int, default=0, help="leave out the first N per corpus")
    parser.add_argument("--keep", type=int, default=60, help="originals read per word "
                        "(10 cuts the true original often enough to lower the curve)")
    parser.add_argument("-o", "--out", help="where to write each word's posterior (JSON lines)")
    parser.add_argument("--curve", nargs="+", help="print the precision-recall curve of "
                                                   "written files, taken together")
    parser.add_argument("--spans", nargs="*", default=[],
                        help="with --curve: detect_calibrate.py --spans-out files of the "
                             "same paragraphs, to print the detector beside it")
    args = parser.parse_args()
    if args.curve:
        curve(args.curve, args.spans)
    elif args.out:
        record(args)
    else:
        parser.error("give -o FILE to record or --curve FILE to read")


if __name__ == "__main__":
    main()
