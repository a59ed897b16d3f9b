"""How spun is a document, and which phrases look tortured.

Two modes:

* ``fast``: the lexicon and word frequencies only; no model is loaded. A word
  is a span when the lexicon knows an original for it that is much more common
  than the word itself ("volition" could be "will"). The document score is a
  likelihood ratio under the channel with English word frequencies in place of
  the language model: per word, the log of how much likelier the text is if a
  small share of its words were spun than if none were
  (:func:`~unspin.screen_table.spin_ratio`, mixed with
  :func:`~unspin.screen_table.moby_spin_ratio` for spinners broader than the
  built channel), plus the same for the two- and
  three-word phrases a spinner writes as one, averaged over the words.
* ``full``: the restorer's decoder with its language model. Spans are its
  edits (score: the edit's confidence) and its doubts, words it left alone
  that may be spun all the same (score: the probability they were, each read
  again in the restored text, :mod:`unspin.doubt`); the document score is the
  decoder's expected share of changed words.

Scores become probabilities through a logistic curve fitted on the dev split
(``benchmarks/detect_calibrate.py`` prints the fit; the constants live below).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import pairwise

from .casing import fold_headlines, recase
from .decode import Config, settings_for
from .screen_table import (
    FAST_MIN_GAP,
    likely_original,
    load_phrase_table,
    moby_spin_ratio,
    phrase_starts,
    spin_ratio,
)
from .text import Edit, Restoration, is_name, match_case, words

# Logistic calibration a*score + b, fitted on dev paragraphs at rates 0..0.4
# (benchmarks/detect_calibrate.py; the full mode with each model's restorer
# settings: "full" for the default model, "full:<model>" for another). Refit
# when the scoring changes: "full:smollm2" was refitted for session 12's channel
# in session 15, "fast" for Moby's ratios in session 23, and "full" for Moby's
# options in session 24, over both simulated spinners (benchmarks/full_refit.py:
# 230 clean paragraphs, 90 spun by each spinner, each spinner half the spun weight).
CALIBRATION = {"fast": (88.59, -3.59), "full": (173.16, -8.87),
               "full:smollm2": (133.79, -5.36)}
# Default verdict thresholds (benchmarks/verdict_threshold.py). The probability
# is calibrated on an even mix of clean and spun paragraphs, but a screener's
# inputs are mostly clean and a false accusation costs more than a miss, so the
# full mode's verdict needs a score above every clean dev paragraph scored with
# the model's own decode and calibration: 230 for each model (sessions 24 and
# 15; sessions 5 and 6 checked the thresholds they placed on 600). The default
# model's line sits on one paragraph, brown/cg27#7 (probability 0.876); the next
# highest of the 230 is at 0.425. On test it calls 2 of 530 clean paragraphs and
# 2 of 400 clean Brown fiction paragraphs spun (session 25).
# The fast mode is a screen for sorting: the same rule would put its threshold
# at 1.00, so it keeps the balanced 0.5. On dev (300 paragraphs per corpus, session
# 23's refit with Moby's ratios) it flags 8.0 % of clean paragraphs, 95.8 % of those
# spun from the built channel at 0.25 and 98.0 % of those spun from Moby's lists;
# 0.93 would flag 0.5 %, 82.3 % and 86.0 % (before Moby's ratios: 6.3 % of clean
# ones at 0.5, 96.5 % and 79.2 % of spun ones).
THRESHOLD = {"fast": 0.5, "full": 0.88, "full:smollm2": 0.57}
# The fast score's share of spun words under the alternative: the likelihood
# ratio is steepest for light spinning at small values. Dev AUC at rates
# 0.10 / 0.25 (300 paragraphs per corpus, sotu): 0.899 / 0.990 at 0.01, 0.897 / 0.991 at
# 0.02, 0.875 / 0.991 at 0.10 (benchmarks/fast_prior.py).
FAST_SPIN_PRIOR = 0.02
# Weight of a two- or three-word phrase's evidence, added to its words'
# (benchmarks/fast_prior.py). Dev AUC at rate 0.10, sotu / brown: 0.897 / 0.871
# without phrases, 0.914 / 0.893 at 1, 0.919 / 0.900 at 2, 0.920 / 0.901 at 3.
FAST_PHRASE_WEIGHT = 2.0
# Share of a word's spin ratio taken from Moby's lists (screen_table.moby_spin_ratio),
# for spinners broader than the built channel. Dev AUC at rate 0.10 (300 paragraphs
# per corpus, sotu / brown; benchmarks/fast_prior.py --moby-shares), spun from the
# built channel / from Moby's lists: 0: 0.921 / 0.901 and 0.773 / 0.800; 0.3:
# 0.912 / 0.898 and 0.907 / 0.913; 0.5: 0.902 / 0.892 and 0.926 / 0.928. The
# largest share whose built-channel AUCs stay within 0.01 of 0's.
FAST_MOBY_SHARE = 0.3


# The full mode's calibration and thresholds were fitted on the restorer's
# decodes with two words of right context and no text before each sentence
# (refitted with these settings and session 12's channel in sessions 14 and 15). The
# restorer now reads six words to the right (session 8) and the 100 words before
# a sentence (session 10), restoring more spun words on dev, but refitting the
# full mode takes hours of decoding, so it keeps what it was fitted with. On
# dev, six words would not lift its span recall much (session 9: 0.84 / 0.80
# against 0.83 / 0.77 at precision 0.90, BENCHMARKS.md). Nor does it bound the
# right context's say against a change (``tail_margin``, session 12), and it
# keeps the keep bias it was fitted with (the restorer's is 1.5 since session 13),
# nor the restorer's narrowings (session 20), which were not there either. It does
# take the restorer's Moby options (session 24's refit): with them off it changed
# few of the words a spinner outside the built channel writes, and its dev AUC at
# rate 0.10 on the simulator's Moby spinner was 0.965 / 0.915 (1.000 / 0.998 on).
# Nor does it leave out options far behind on their own words (``head_margin``,
# session 28), which would move its probabilities a little off their calibration.
FITTED_WITH = {"right_context": 2, "left_context": 0, "tail_margin": math.inf,
               "head_margin": math.inf, "keep_bias": 2.0, "narrow_share": 0.0,
               "temperature": 1.0}
# Which words left alone the full mode reports as spans (they do not move the
# document score, which comes from the decode): those whose own posterior of
# having been spun, read in the restored text (``doubt.posterior_doubts``), is
# above 1 - doubt_below = 0.3. Chosen on dev in session 36 as the loosest rule
# with span precision 0.90 in all four cells (Gemma 3, rate 0.25, the built
# channel's and Moby's spins, 6 paragraphs per corpus;
# benchmarks/experiments/posterior_spans.py, then benchmarks/span_rule.py):
# recall 0.86-0.90 there, against 0.76-0.80 for the decoder's doubts at that
# precision. Test figures: BENCHMARKS.md, "Detection, session 36".
SPAN_RULE = {"posterior_doubts": True, "doubt_below": 0.7}
# Where a model's full mode was fitted with other settings than FITTED_WITH: SmolLM2's
# (session 15) decoded with Moby's options off, which its restorer has taken since
# session 26. It keeps the decoder's doubts and its own rule for them (Config's
# ONE_PASS): the posterior's was chosen on Gemma 3 alone.
MODEL_FITTED_WITH: dict[str, dict] = {"smollm2": {"moby_share": 0.0, "posterior_doubts": False,
                                                  "doubt_below": 0.985}}


def detector_settings(model: object = None) -> Config:
    """The decoder settings of the full mode for a model (a registry name, a loaded
    model, or None): the model's restorer settings (``decode.settings_for``) with
    those the full mode's calibration was fitted under.

    >>> detector_settings("gemma3").right_context, detector_settings("smollm2").passes
    (2, 1)
    >>> detector_settings("smollm2").moby_share, detector_settings("smollm2").temperature
    (0.0, 1.0)
    """
    name = _model_name(model)
    return replace(settings_for(name), **{**FITTED_WITH, **SPAN_RULE,
                                          **MODEL_FITTED_WITH.get(name or "", {})})


@dataclass(frozen=True)
class Span:
    """A phrase that looks spun: where, what it says, what it probably was, how sure."""

    start: int
    end: int
    text: str
    likely_original: str
    score: float

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text,
                "likely_original": self.likely_original, "score": round(self.score, 4)}


@dataclass(frozen=True)
class Detection:
    """The verdict on one text: probability it was spun, and the spans that say so."""

    probability: float
    is_spun: bool
    spun_fraction: float
    spans: list[Span] = field(default_factory=list)
    mode: str = "fast"
    score: float | None = None  # what the probability was calibrated from

    def to_dict(self) -> dict:
        return {"probability": round(self.probability, 4), "is_spun": self.is_spun,
                "spun_fraction": round(self.spun_fraction, 4), "mode": self.mode,
                "score": None if self.score is None else round(self.score, 6),
                "spans": [s.to_dict() for s in self.spans]}


def detect(text: str, *, mode: str = "full", threshold: float | None = None,
           model: object = None, lexicon: list | None = None,
           restoration: Restoration | None = None, config: Config | None = None,
           progress: Callable[[int, int], None] | None = None) -> Detection:
    """Judge whether ``text`` was spun, and point at the words that say so.

    >>> d = detect("Xi volition hold talks successful Moscow, arsenic helium said.", mode="fast")
    >>> d.is_spun, {"will", "in", "as", "he"} <= {s.likely_original for s in d.spans}
    (True, True)
    >>> detect("The cat sat on the mat and looked at the door.", mode="fast").is_spun
    False

    ``threshold`` is the probability at which ``is_spun`` turns true; by default
    the mode's (and in the full mode, the model's) entry in :data:`THRESHOLD`.
    ``lexicon`` takes user entries (``unspin.userlex.load_lexicon``); their
    matches are reported with score 1 and count towards the spun fraction.
    ``restoration`` (full mode) is ``restore(text, model=model,
    config=detector_settings(model))`` already made without a user lexicon; it
    is used instead of decoding the text again. ``config`` sets the full mode's
    decoder; by default :func:`detector_settings`, with which the model's
    calibration was fitted. ``progress`` (full mode) is passed on to
    :func:`~unspin.decode.restore`.
    """
    if mode == "fast":
        spans, fraction, score = _fast_headline_spans(text)
    elif mode == "full":
        spans, fraction = _full_spans(text, model, restoration, config, progress)
    else:
        raise ValueError(f"mode must be 'fast' or 'full', not {mode!r}")
    if lexicon:
        before = fraction
        spans, fraction = _with_user_spans(text, spans, fraction, lexicon)
        if mode == "fast":
            # A user-lexicon phrase adds to the fast score what it adds to the
            # spun fraction: a bit less than a typical spun word's evidence.
            score += fraction - before
    if mode == "full":
        score = fraction
    key = settings_key(mode, model)
    probability = calibrated(score, CALIBRATION[key])
    threshold = THRESHOLD[key] if threshold is None else threshold
    return Detection(probability, probability >= threshold, fraction, spans, mode, score)


def settings_key(mode: str, model: object = None) -> str:
    """The key of :data:`CALIBRATION` and :data:`THRESHOLD` for a mode and a model
    (a registry name, a loaded model, or None for the default): the full mode
    has its own entry for each model it was calibrated with.

    >>> settings_key("full"), settings_key("full", "smollm2"), settings_key("fast", "smollm2")
    ('full', 'full:smollm2', 'fast')
    """
    key = f"{mode}:{_model_name(model)}"
    return key if key in CALIBRATION else mode


def _model_name(model: object) -> str | None:
    """A registry name for a name, a loaded model, or None."""
    return model if isinstance(model, str) else getattr(model, "name", None)


def calibrated(score: float, calibration: tuple[float, float]) -> float:
    """The probability of spinning for a document score, by the logistic curve ``(a, b)``.

    >>> round(calibrated(0.0, (10.0, 0.0)), 2), round(calibrated(0.5, CALIBRATION["full"]), 2)
    (0.5, 1.0)
    """
    a, b = calibration
    return 1.0 / (1.0 + math.exp(-(a * score + b)))


def _fast_headline_spans(text: str) -> tuple[list[Span], float, float]:
    """``_fast_spans`` with headlines read as prose (``casing``), spans in the input's case."""
    folded, headlines = fold_headlines(text)
    spans, fraction, score = _fast_spans(folded)
    if headlines:
        as_edits = [Edit(s.start, s.end, s.text, s.likely_original) for s in spans]
        spans = [replace(s, text=e.spun, likely_original=e.original)
                 for s, e in zip(spans, recase(text, as_edits, headlines), strict=True)]
    return spans, fraction, score


def _fast_spans(text: str) -> tuple[list[Span], float, float]:
    """Spans, spun fraction and score of the fast mode (see the module docstring)."""
    tokens = words(text)
    spans, evidence = [], 0.0
    keep = 1.0 - FAST_SPIN_PRIOR
    lowered = [token.text.lower() for token in tokens]
    names = [is_name(text, token) for token in tokens]
    mix = 1.0 - FAST_MOBY_SHARE
    for token, word, name in zip(tokens, lowered, names, strict=True):
        if name:
            continue
        ratio = mix * spin_ratio(word) + FAST_MOBY_SHARE * moby_spin_ratio(word)
        evidence += math.log(keep + FAST_SPIN_PRIOR * ratio)
        found = likely_original(word)
        if found is not None:
            original, gap = found
            spans.append(Span(token.start, token.end, token.text, original, _gap_score(gap)))
    found_phrases = _phrases(text, tokens, lowered, names)
    evidence += FAST_PHRASE_WEIGHT * sum(
        math.log(keep + FAST_SPIN_PRIOR * ratio) for _, _, ratio, _ in found_phrases)
    spans = _with_phrase_spans(text, spans, found_phrases)
    n = len(tokens) or 1
    mass = sum(s.score * (s.text.count(" ") + 1) for s in spans)
    return spans, mass / n, evidence / n


def _gap_score(gap: float) -> float:
    """A word span's score from how much more common (Zipf) its likely original is.

    >>> round(_gap_score(FAST_MIN_GAP), 2), _gap_score(6.0) > 0.99
    (0.39, True)
    """
    return 1.0 - math.exp(-(gap - FAST_MIN_GAP + 0.5))


def _phrases(text: str, tokens: list, lowered: list[str],
             names: list[bool]) -> list[tuple[int, int, float, str]]:
    """(start, end, spin ratio, likely original) of each phrase a spinner writes as one.

    A phrase's words may each look ordinary ("think factories"); only phrases
    likelier as a spinner's output than as themselves count (the table keeps no
    others). A phrase is words joined by single spaces, none of them a name
    (``text.phrase_span``'s rule, with the names and joins worked out once per
    text: calling it for every window cost the fast mode 60 % of its speed).
    ``lowered`` and ``names`` are each token's lower-cased text and ``is_name``.
    """
    table, starts = load_phrase_table(), phrase_starts()
    joined = [a.end + 1 == b.start and text[a.end] == " " for a, b in pairwise(tokens)]
    found = []
    for i, glued in enumerate(joined):
        if not glued or names[i] or names[i + 1] or lowered[i] not in starts:
            continue
        phrase = lowered[i] + " " + lowered[i + 1]
        for end in (i + 2, i + 3):
            entry = table.get(phrase)
            if entry:
                found.append((tokens[i].start, tokens[end - 1].end, *entry))
            if end >= len(tokens) or not joined[end - 1] or names[end]:
                break
            phrase += " " + lowered[end]
    return found


def _with_phrase_spans(text: str, spans: list[Span],
                       phrases: list[tuple[int, int, float, str]]) -> list[Span]:
    """Phrase spans, strongest first where they overlap, in place of the word spans they cover.

    A phrase's score is its probability of being spun at a prior share of one
    in four: ratio / (ratio + 3).
    """
    chosen: list[Span] = []
    for start, end, ratio, original in sorted(phrases, key=lambda p: -p[2]):
        if not any(s.start < end and start < s.end for s in chosen):
            phrase = text[start:end]
            chosen.append(Span(start, end, phrase, match_case(original, phrase),
                               ratio / (ratio + 3)))
    kept = [s for s in spans if not any(c.start < s.end and s.start < c.end for c in chosen)]
    return sorted(kept + chosen, key=lambda s: s.start)


def _full_spans(text: str, model: object, restored: Restoration | None,
                config: Config | None,
                progress: Callable[[int, int], None] | None = None) -> tuple[list[Span], float]:
    if restored is None:
        from .decode import restore

        restored = restore(text, model=model, config=config or detector_settings(model),
                           progress=progress)
    # Doubts are words the restorer left alone but thinks may be spun: a screener
    # wants to look at them even where the original is too uncertain to put in.
    spans = [Span(e.start, e.end, e.spun, e.original, e.confidence)
             for e in sorted(restored.edits + restored.doubts, key=lambda e: e.start)]
    return spans, restored.spun_score


def _with_user_spans(text: str, spans: list[Span], fraction: float,
                     lexicon: list) -> tuple[list[Span], float]:
    """Add user-lexicon matches (score 1), replacing the spans they overlap."""
    from .userlex import match_entries

    n_words = len(words(text)) or 1
    for match in match_entries(text, lexicon):
        overlapped = [s for s in spans if s.start < match.end and match.start < s.end]
        spans = [s for s in spans if s not in overlapped]
        spans.append(Span(match.start, match.end, match.text, match.original, 1.0))
        fraction += (len(words(match.text)) - sum(s.score for s in overlapped)) / n_words
    return sorted(spans, key=lambda s: s.start), fraction
