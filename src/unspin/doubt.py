"""Which words the restorer left alone were probably spun: their posterior in the restored text.

The decoder knows how sure it was to keep a word, but it weighs only the few
options its cheap pass keeps, and words its gate passes over get no say. For
the detector's spans this reads every word, and two- or three-word phrase,
that the channel can read back and no edit covers, in the restored text (the
edits in place, so spun neighbours mislead the model less), and asks

    P(spun) = sum_o P(o | ctx) ch(x | o)  /  (that + P(x | ctx) (1 - rate))

over its likeliest originals ``o``, each read with a few words after it
(``ch`` and the rate are the decoder's: :func:`unspin.decode._options`, with
Moby's and the narrowing links; no keep bias, and the channel at weight 1).
A cheap pass first gives every slot the model's next-token distribution in
its left context, which ranks the originals; a slot whose posterior from
first tokens alone is under 0.01 is not read further.

Session 36 chose the settings on dev (Gemma 3, rate 0.25, 6 paragraphs per
corpus spun by each simulated spinner; ``benchmarks/experiments/posterior_spans.py``):
at span precision 0.90 on both corpora the edits and these doubts find
0.89-0.90 of the spun spans on SOTU and 0.86-0.89 on Brown, against
0.76-0.80 for the decoder's doubts on the same decodes. 8 originals lose
nothing against 12 with 9 continuations read per slot, not 13; 6 words read
after a slot found about 2 points more than 4; the 0.01 gate reads 67-70 %
of the slots and moves no figure by more than half a point.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from .casing import fold_headlines
from .decode import (Config, Option, _back, _boundary, _edited_spans, _options, first_token_score,
                     sentence_pieces)
from .errors import StoppedError
from .text import Edit, Restoration, Token, apply_edits, match_case, phrase_span, words

# The most characters of restored text read before a piece: about the
# restorer's 100 words, and with a piece still inside the model's context.
LEFT_CHARS = 700
MAX_PHRASE = 3


@dataclass(frozen=True)
class DoubtSettings:
    """How the posterior is read: ``keep`` originals per slot read in full, with
    ``right`` words after them; slots whose cheap-pass posterior is under
    ``gate`` are not read in full; slots of up to ``phrases`` words; the
    channel weighs ``weight`` against the model (1: the posterior as such)."""

    keep: int = 8
    right: int = 6
    gate: float = 0.01
    phrases: int = MAX_PHRASE
    weight: float = 1.0


def posterior_doubts(text: str, edits: list[Edit], lm, config: Config,
                     settings: DoubtSettings = DoubtSettings(), *,
                     should_stop: Callable[[], bool] | None = None,
                     progress: Callable[[int, int], None] | None = None) -> list[Edit]:
    """The slots of ``text`` left alone by ``edits`` whose posterior of having been
    spun (:func:`spun_posteriors`) exceeds ``1 - config.doubt_below``: where two
    overlap, the likelier; none overlapping an edit. Sorted by position.
    ``should_stop`` and ``progress`` as for :func:`spun_posteriors`.

    >>> from unspin.lm.fake import FakeModel
    >>> spun = "Xi volition hold talks in Moscow."
    >>> found = posterior_doubts(spun, [], FakeModel(), Config(doubt_below=0.5))
    >>> ("volition", "will") in [(e.spun, e.original) for e in found]
    True
    """
    restoration = Restoration(apply_edits(text, edits), edits)
    found = [e for e in spun_posteriors(text, restoration, lm, config, settings,
                                        should_stop=should_stop, progress=progress)
             if e.confidence > 1.0 - config.doubt_below]
    return sorted(likeliest_apart(found, edits), key=lambda e: e.start)


def likeliest_apart(found: list, taken: list) -> list:
    """Of ``found`` (anything with start, end and confidence), the likeliest first,
    each kept when it overlaps neither a kept one nor one of ``taken``.

    >>> a, b, c = Edit(0, 5, "x", "y", 0.9), Edit(3, 8, "x", "y", 0.95), Edit(9, 12, "x", "y", 0.5)
    >>> [e.start for e in likeliest_apart([a, b, c], [Edit(10, 11, "x", "y")])]
    [3]
    """
    chosen: list = []
    for doubt in sorted(found, key=lambda e: -e.confidence):
        if not any(o.start < doubt.end and doubt.start < o.end for o in chosen + taken):
            chosen.append(doubt)
    return chosen


def spun_posteriors(text: str, restoration: Restoration, lm, config: Config,
                    settings: DoubtSettings = DoubtSettings(), *,
                    should_stop: Callable[[], bool] | None = None,
                    progress: Callable[[int, int], None] | None = None) -> list[Edit]:
    """Every slot of ``text`` outside ``restoration``'s edits that the channel can
    read back, as an Edit (offsets into ``text``) whose confidence is the
    probability it was spun and whose original is the likeliest reading.
    Overlapping slots are all returned. ``should_stop`` is asked before each
    sentence; when it answers True, :class:`~unspin.errors.StoppedError` is raised.
    ``progress`` is called after each sentence with about how many characters of
    ``text`` are read and how many there are, last with both ``len(text)``.

    >>> from unspin.lm.fake import FakeModel
    >>> from unspin.decode import Config
    >>> spun = "Xi volition hold talks in Moscow."
    >>> found = spun_posteriors(spun, Restoration(spun, []), FakeModel(), Config())
    >>> [(e.spun, e.original) for e in found if e.spun == "volition"]
    [('volition', 'will')]
    """
    restored, _ = fold_headlines(restoration.text)
    edited, shifts = _edited_spans(restoration.edits)
    found = []
    for done, (start, end) in enumerate(pieces := sentence_pieces(restored)):
        if should_stop is not None and should_stop():
            raise StoppedError(f"stopped after {done} of {len(pieces)} sentences")
        lo = _context_start(restored, start)
        piece = restored[lo:end]
        try:
            cheap_pass = lm.prefix_logprobs(piece)
        except ValueError:  # too long for the model: no pruning by the model
            cheap_pass = None
        skip = start - lo
        tokens = [Token(t.start + skip, t.end + skip, t.text) for t in words(piece[skip:])]
        for k in range(len(tokens)):
            for n in range(1, settings.phrases + 1):
                span = phrase_span(piece, tokens, k, n)
                if span is None or any(a < span[1] + lo and span[0] + lo < b
                                       for a, b in edited):
                    continue
                options = _options(piece[span[0]:span[1]].lower(), config)
                if not options:
                    continue
                reading = _slot_reading(lm, piece, tokens, k + n - 1, span, options,
                                        cheap_pass, config, settings)
                p, best = reading.posterior(config, settings)
                a, b = _back(span[0] + lo, shifts), _back(span[1] + lo, shifts)
                found.append(Edit(a, b, text[a:b], match_case(best.text, text[a:b]), p, (),
                                  best.relation))
        if progress is not None and done + 1 < len(pieces):
            progress(min(len(text), _back(end, shifts)), len(text))
    if progress is not None:
        progress(len(text), len(text))
    return found


def _context_start(text: str, start: int) -> int:
    """Where the left context of a piece starting at ``start`` begins: a word start
    at most ``LEFT_CHARS`` before it.

    >>> _context_start("one two three", 8), _context_start("x " * 500, 900) > 0
    (0, True)
    """
    if start <= LEFT_CHARS:
        return 0
    return text.find(" ", start - LEFT_CHARS) + 1


@dataclass(frozen=True)
class Reading:
    """What the model said about one slot: ``quick``, its posterior from the cheap
    pass alone; ``keep``, the log-probability of its words as they stand, read in
    full (None when the gate stopped it); ``read``, the options read in full with
    their log-probabilities, in the cheap pass's order; ``cheap_best``, the
    option the cheap pass liked best."""

    quick: float
    keep: float | None
    read: tuple[tuple[Option, float], ...]
    cheap_best: Option

    def posterior(self, config: Config, settings: DoubtSettings) -> tuple[float, Option]:
        """P(spun) and the likeliest original."""
        if self.keep is None:
            return self.quick, self.cheap_best
        totals = [lm + settings.weight * option.channel for option, lm in self.read]
        best = self.read[max(range(len(totals)), key=totals.__getitem__)][0]
        return _sigmoid(_logsumexp(totals) - self.keep - math.log(1.0 - config.spin_rate)), best


def _slot_reading(lm, piece: str, tokens: list, last: int, span: tuple[int, int],
                  options: list, cheap_pass, config: Config, settings: DoubtSettings) -> Reading:
    """Read ``piece[span]`` and its options (the first, the words kept) as the module says."""
    _, *rest = options
    shown = piece[span[0]:span[1]]
    surface = [match_case(o.text, shown) for o in rest]
    if cheap_pass is None:
        cheap, quick = [option.channel for option in rest], 1.0
    else:
        start = _boundary(piece, span[0], cheap_pass.boundaries)
        dist, lead = cheap_pass.next_token_logprobs(start), piece[start:span[0]]
        cheap = [first_token_score(lm, dist, lead, written, config)
                 + settings.weight * option.channel
                 for option, written in zip(rest, surface, strict=True)]
        end = cheap_pass.boundaries[bisect_left(cheap_pass.boundaries, span[1])]
        quick = _sigmoid(_logsumexp(cheap) - cheap_pass.logprob(start, end)
                         - math.log(1.0 - config.spin_rate))
    order = sorted(range(len(rest)), key=lambda i: -cheap[i])[:settings.keep]
    if quick < settings.gate:
        return Reading(quick, None, (), rest[order[0]])
    cut = len(piece[:span[0]].rstrip())
    right_end = tokens[min(last + settings.right, len(tokens) - 1)].end
    after = piece[span[1]:right_end]
    gap = piece[cut:span[0]]
    keep, *scores = lm.continuation_logprobs(piece[:cut], [gap + shown + after] + [
        gap + surface[i] + after for i in order])
    return Reading(quick, keep, tuple((rest[i], score) for i, score in zip(order, scores,
                                                                           strict=True)),
                   rest[order[0]])


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x > -700 else 0.0
