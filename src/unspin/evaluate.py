"""The evaluation harness: spin clean prose, restore it, and count what came back.

Metrics, per corpus, spin rate and system:

* restoration accuracy: of the original words the spinner changed, the share
  that the restorer brought back exactly (case-insensitive), with nothing extra
  left inside the spun span;
* false-change rate: of the original words the spinner left alone, the share
  the restorer changed (insertions count against the word before them);
* position precision/recall: restorer edits that overlap a spun span, and spun
  spans that some restorer edit overlaps;
* detection AUC: a restorer's ``spun_score`` on spun paragraphs against the same
  paragraphs unspun;
* words per second of the restorer on spun text.

Restored and false-change shares come with a 95 % interval from a bootstrap
over paragraphs (:func:`interval`): with a few hundred spun words per cell a
share moves by several points between samples, and that says which
differences between settings mean something.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from .spin import Spun, spin
from .text import Edit, Restoration, apply_edits, words

Restorer = Callable[[str], Restoration]


@dataclass
class Counts:
    """Token and span counts that the metrics are ratios of; they add up across documents."""

    spun_words: int = 0
    restored_words: int = 0
    clean_words: int = 0
    changed_clean_words: int = 0
    spun_spans: int = 0
    found_spans: int = 0
    edits: int = 0
    edits_on_spans: int = 0

    def __iadd__(self, other: Counts) -> Counts:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def accuracy(self) -> float:
        return _ratio(self.restored_words, self.spun_words)

    @property
    def false_change_rate(self) -> float:
        return _ratio(self.changed_clean_words, self.clean_words)

    @property
    def precision(self) -> float:
        return _ratio(self.edits_on_spans, self.edits)

    @property
    def recall(self) -> float:
        return _ratio(self.found_spans, self.spun_spans)


# Each ratio metric of Counts as (numerator, denominator) fields.
RATIOS = {"accuracy": ("restored_words", "spun_words"),
          "false_change_rate": ("changed_clean_words", "clean_words"),
          "precision": ("edits_on_spans", "edits"),
          "recall": ("found_spans", "spun_spans")}


def interval(documents: list[Counts], metric: str, *, level: float = 0.95,
             resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
    """A bootstrap interval for a ratio ``metric`` of the summed ``documents``.

    Documents are drawn with replacement and the ratio of the sums taken, so
    a paragraph's words move together, as they do: the spinner and the
    restorer both work on whole sentences. Percentile interval, fixed seed.

    >>> docs = [Counts(spun_words=10, restored_words=6), Counts(spun_words=10, restored_words=4)]
    >>> interval(docs, "accuracy")
    (0.4, 0.6)
    >>> interval([], "accuracy")
    (nan, nan)
    """
    top, bottom = RATIOS[metric]
    return ratio_interval([getattr(d, top) for d in documents],
                          [getattr(d, bottom) for d in documents],
                          level=level, resamples=resamples, seed=seed)


def ratio_interval(numerators: list[float], denominators: list[float], *, level: float = 0.95,
                   resamples: int = 1000, seed: int = 0) -> tuple[float, float]:
    """A bootstrap interval for sum(numerators) / sum(denominators), one pair per
    document, documents drawn with replacement (:func:`interval` for Counts).

    >>> ratio_interval([1, 1, 1], [2, 2, 2])
    (0.5, 0.5)
    """
    if not len(numerators):
        return float("nan"), float("nan")
    num = np.asarray(numerators, dtype=float)
    den = np.asarray(denominators, dtype=float)
    draws = np.random.default_rng(seed).integers(0, len(num), size=(resamples, len(num)))
    sums = den[draws].sum(axis=1)
    return _bounds(num[draws].sum(axis=1)[sums > 0] / sums[sums > 0], level)


def difference_interval(changed: list[Counts], base: list[Counts], metric: str, *,
                        level: float = 0.95, resamples: int = 1000,
                        seed: int = 0) -> tuple[float, float]:
    """A paired bootstrap interval for ``metric`` of ``changed`` minus that of ``base``:
    the same documents decoded two ways, drawn together, so the words both
    decode alike cancel. The tool for telling two settings apart on one sample.

    >>> base = [Counts(spun_words=10, restored_words=5)] * 4
    >>> changed = [Counts(spun_words=10, restored_words=6)] * 4
    >>> tuple(round(x, 3) for x in difference_interval(changed, base, "accuracy"))
    (0.1, 0.1)
    """
    if len(changed) != len(base):
        raise ValueError("the two runs must cover the same documents")
    if not base:
        return float("nan"), float("nan")
    top, bottom = RATIOS[metric]
    arrays = [np.array([getattr(d, name) for d in docs], dtype=float)
              for docs in (changed, base) for name in (top, bottom)]
    draws = np.random.default_rng(seed).integers(0, len(base), size=(resamples, len(base)))
    num_c, den_c, num_b, den_b = (a[draws].sum(axis=1) for a in arrays)
    usable = (den_c > 0) & (den_b > 0)
    return _bounds(num_c[usable] / den_c[usable] - num_b[usable] / den_b[usable], level)


def _bounds(values: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` percentile range of bootstrap ``values`` (nan when none)."""
    if not len(values):
        return float("nan"), float("nan")
    tail = (1.0 - level) / 2 * 100
    lo, hi = np.percentile(values, [tail, 100 - tail])
    return float(lo), float(hi)


def score_restoration(original: str, spun: Spun, restored: Restoration) -> Counts:
    """Count how well ``restored`` (a restoration of ``spun.text``) gives back ``original``.

    Both edit lists index the spun text, so the comparison is made there: spun
    spans and restorer edits that overlap form one segment, and a segment's spun
    words count as restored when the restorer's wording of the whole segment
    equals the original's. Clean words inside a restorer edit count as changed.

    >>> from unspin.text import Edit
    >>> s = Spun("a volition hold", [Edit(2, 10, "volition", "will")])
    >>> r = Restoration("a will hold", [Edit(2, 10, "volition", "will")])
    >>> c = score_restoration("a will hold", s, r)
    >>> (c.spun_words, c.restored_words, c.clean_words, c.changed_clean_words)
    (1, 1, 2, 0)
    """
    counts = Counts()
    text = spun.text
    for start, end, spin_edits, fixes in _segments(spun.edits, restored.edits):
        if not spin_edits:
            continue
        n = sum(len(words(e.original)) for e in spin_edits)
        counts.spun_words += n
        counts.restored_words += n if _segment_restored(text, start, end, spin_edits, fixes) else 0
    counts.clean_words = len(words(original)) - sum(len(words(e.original)) for e in spun.edits)
    spans = [(e.start, e.end) for e in spun.edits]
    for fix in restored.edits:
        counts.changed_clean_words += sum(
            1 for t in words(text[fix.start:fix.end])
            if not any(_overlap((fix.start + t.start, fix.start + t.end), s) for s in spans))
    hits = [(e.start, e.end) for e in restored.edits]
    counts.spun_spans = len(spans)
    counts.found_spans = sum(any(_overlap(s, h) for h in hits) for s in spans)
    counts.edits = len(hits)
    counts.edits_on_spans = sum(any(_overlap(s, h) for s in spans) for h in hits)
    return counts


def edit_outcomes(spun: Spun, restored: Restoration) -> list[tuple[float, bool]]:
    """``(confidence, correct)`` for each restorer edit: right when its segment comes back whole.

    >>> from unspin.text import Edit
    >>> s = Spun("a volition hold", [Edit(2, 10, "volition", "will")])
    >>> edit_outcomes(s, Restoration("a will hold", [Edit(2, 10, "volition", "will", 0.9)]))
    [(0.9, True)]
    """
    outcomes = []
    for start, end, spin_edits, fixes in _segments(spun.edits, restored.edits):
        right = bool(spin_edits) and _segment_restored(spun.text, start, end, spin_edits, fixes)
        outcomes += [(fix.confidence, right) for fix in fixes]
    return outcomes


def _segments(spin_edits: list[Edit], fixes: list[Edit]):
    """Group overlapping spun spans and restorer edits: (start, end, spin edits, fixes)."""
    items = sorted([(e.start, e.end, 0, e) for e in spin_edits] +
                   [(e.start, e.end, 1, e) for e in fixes], key=lambda x: (x[0], x[1]))
    groups: list[list] = []
    for start, end, kind, edit in items:
        if groups and start < groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], end)
        else:
            groups.append([start, end, [], []])
        groups[-1][2 + kind].append(edit)
    return groups


def _segment_restored(text: str, start: int, end: int, spin_edits: list[Edit],
                      fixes: list[Edit]) -> bool:
    """Whether the restorer's wording of ``text[start:end]`` equals the original's."""
    piece = text[start:end]
    return (_lower_words(_apply_local(piece, spin_edits, start))
            == _lower_words(_apply_local(piece, fixes, start)))


def _apply_local(piece: str, edits: list[Edit], offset: int) -> str:
    return apply_edits(piece, [replace(e, start=e.start - offset, end=e.end - offset)
                               for e in edits])


def _lower_words(text: str) -> list[str]:
    return [t.text.lower() for t in words(text)]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def auc(positives: list[float], negatives: list[float]) -> float:
    """Probability that a random positive outscores a random negative (ties count half).

    >>> auc([0.9, 0.8], [0.1, 0.8])
    0.875
    """
    if not positives or not negatives:
        return float("nan")
    ordered = sorted([(s, 1) for s in positives] + [(s, 0) for s in negatives])
    rank_sum, i = 0.0, 0
    while i < len(ordered):
        j = i
        while j < len(ordered) and ordered[j][0] == ordered[i][0]:
            j += 1
        mean_rank = (i + j + 1) / 2  # 1-based average rank of the tie block
        rank_sum += mean_rank * sum(label for _, label in ordered[i:j])
        i = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


@dataclass
class Row:
    """One line of the results table."""

    corpus: str
    rate: float
    system: str
    documents: int
    counts: Counts = field(default_factory=Counts)
    auc: float = float("nan")
    words_per_second: float = 0.0
    per_document: list[Counts] = field(default_factory=list)

    def interval(self, metric: str) -> tuple[float, float]:
        """The 95 % bootstrap interval of ``metric`` over this row's documents."""
        return interval(self.per_document, metric)


def evaluate(restorer: Restorer, paragraphs: list[tuple[str, str]], rate: float,
             system: str, corpus: str, score_clean: bool = True,
             thesaurus: str = "lexicon") -> Row:
    """Spin each ``(id, text)`` paragraph at ``rate``, restore it, and total the metrics.

    The spin seed comes from the paragraph id and rate, so every system sees the
    same spun text; ``thesaurus`` picks the spinner's (:func:`unspin.spin`).
    With ``score_clean`` the clean paragraphs are restored too, for the
    detection AUC.
    """
    row = Row(corpus, rate, system, len(paragraphs))
    spun_scores, clean_scores, seconds, n_words = [], [], 0.0, 0
    for pid, text in paragraphs:
        spun = spin(text, rate=rate, seed=zlib.crc32(f"{pid}:{rate}".encode()),
                    thesaurus=thesaurus)
        began = time.perf_counter()
        restored = restorer(spun.text)
        seconds += time.perf_counter() - began
        n_words += len(words(spun.text))
        counts = score_restoration(text, spun, restored)
        row.counts += counts
        row.per_document.append(counts)
        spun_scores.append(restored.spun_score)
        if score_clean:
            clean_scores.append(restorer(text).spun_score)
    row.auc = auc(spun_scores, clean_scores)
    row.words_per_second = n_words / seconds if seconds else float("inf")
    return row


def format_table(rows: list[Row]) -> str:
    """Rows as a Markdown table; restored and false-change shares with their
    95 % intervals (bootstrap over paragraphs) in brackets.

    >>> row = Row("sotu", 0.25, "oracle", 1, Counts(spun_words=4, restored_words=3, clean_words=8),
    ...           per_document=[Counts(spun_words=4, restored_words=3, clean_words=8)])
    >>> print(format_table([row]).splitlines()[2])
    | sotu | 0.25 | oracle | 1 | 4 | 75.0% [75.0-75.0] | 0.00% [0.00-0.00] | nan | nan | nan | 0 |
    """
    head = ("| corpus | rate | system | docs | spun words | restored [95 %] | "
            "false-change [95 %] | precision | recall | AUC | words/s |")
    lines = [head, "|" + "---|" * (head.count("|") - 1)]
    for r in rows:
        c = r.counts
        restored = _with_interval(c.accuracy, r.interval("accuracy"), 1)
        changed = _with_interval(c.false_change_rate, r.interval("false_change_rate"), 2)
        lines.append(f"| {r.corpus} | {r.rate:.2f} | {r.system} | {r.documents} | "
                     f"{c.spun_words} | {restored} | {changed} | "
                     f"{c.precision:.3f} | {c.recall:.3f} | {r.auc:.3f} | "
                     f"{r.words_per_second:,.0f} |")
    return "\n".join(lines)


def _with_interval(value: float, bounds: tuple[float, float], digits: int) -> str:
    """``value`` as a percentage, and its interval in brackets when it has one."""
    lo, hi = bounds
    if lo != lo:  # nan: no documents to resample
        return f"{value:.{digits}%}"
    return f"{value:.{digits}%} [{lo * 100:.{digits}f}-{hi * 100:.{digits}f}]"


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")
