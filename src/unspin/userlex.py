"""User lexicons: tortured phrases someone already knows, with the wording they stand for.

Two file formats are read, both CSV (comma-separated, or tab-separated when
the first row has tabs and no commas):

* a plain two-column list ``tortured,original``; the header row is optional,
  blank lines and lines starting with ``#`` are skipped;
* an export in the style of the Problematic Paper Screener: a header row with
  a fingerprint column (named ``fingerprint`` or ``query``) and an expected
  column (``expected``, ``original`` or ``correct``), where each fingerprint is
  a Dimensions-style query such as ``"profound learning" NOT "deep learning"``.

Query syntax (see :func:`parse_query`):

* ``"a b"`` is a phrase: its words in order, next to each other; a bare
  ``word`` is a one-word phrase;
* ``"a b"~N`` is a proximity phrase (see :class:`Phrase` for exactly what
  matches);
* ``NOT`` binds tightest, then ``AND``, then ``OR``; two terms side by side
  mean ``AND``; parentheses group. Operators are upper case only, as in
  Lucene and Dimensions, so ``and`` in lower case is a word to look for.

Matching works on :func:`unspin.text.words` tokens, case-insensitively, so
punctuation, numbers and line breaks between words never break a phrase.

>>> q = parse_query('"profound learning" OR "counterfeit consciousness"')
>>> text = "We use Profound\\nlearning."
>>> [text[s:e] for s, e in q.matches(text)]
['Profound\\nlearning']
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from unspin.errors import InputError
from unspin.text import Token, words

Span = tuple[int, int]


class QuerySyntaxError(InputError):
    """A fingerprint query that cannot be parsed; the message says why."""


class LexiconError(InputError):
    """A lexicon file with malformed lines; ``problems`` lists ``(line, message)``."""

    def __init__(self, message: str, problems: list[tuple[int, str]]):
        super().__init__(message)
        self.problems = problems


def _key(word: str) -> str:
    # Typographic and ASCII apostrophes must compare equal: PDFs and web
    # pages use either for the same word.
    return word.casefold().replace("’", "'")


class _Doc:
    """A text tokenised once, with each word's positions, shared by all queries."""

    def __init__(self, text: str):
        self.tokens: list[Token] = words(text)
        self.keys = [_key(t.text) for t in self.tokens]
        self.positions: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            self.positions.setdefault(key, []).append(i)


# --------------------------------------------------------------------------- queries


class Query:
    """A parsed query. ``matches`` gives the spans of the phrases that made it true."""

    def matches(self, text: str) -> list[Span]:
        """Character spans in ``text`` where positive phrases matched; ``[]`` if the query is false.

        A query that is true only through ``NOT`` has nothing to point at, so
        it also gives ``[]``: an entry fires only where it can show the words.

        >>> parse_query('"deep learning" NOT neural').matches("Deep learning, neural nets")
        []
        >>> parse_query('"deep learning" NOT neural').matches("Deep learning, at last")
        [(0, 13)]
        """
        return self._spans(_Doc(text))

    def _spans(self, doc: _Doc) -> list[Span]:
        true, spans = self._eval(doc)
        return sorted(set(spans)) if true else []

    def _eval(self, doc: _Doc) -> tuple[bool, list[Span]]:
        raise NotImplementedError

    def has_positive(self) -> bool:
        """Whether some phrase sits outside every ``NOT`` (else nothing can be shown)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Phrase(Query):
    """Words to find in the text, in order and adjacent, or near each other.

    ``slop == 0`` (a plain quoted phrase, or ``~0``): the words in this order,
    with no other word between them.

    ``slop == N > 0`` (``"a b c"~N``): every word of the phrase appears in one
    run of consecutive words of the text, *in any order*, and the run holds at
    most ``N`` other words in total. Dimensions documents ``~N`` as "within N
    words of each other"; Lucene counts moves instead, so that swapping two
    words costs 2. Counting the words in between is easier to explain and
    never depends on the order in which the phrase was written. Each phrase
    word needs its own token (``"very very"~1`` needs two ``very``). The span
    runs from the first to the last word found; matches do not overlap.

    >>> text = "learning that is deep"
    >>> Phrase(("deep", "learning"), 2).matches(text), Phrase(("deep", "learning"), 1).matches(text)
    ([(0, 21)], [])
    """

    words: tuple[str, ...]
    slop: int = 0

    def _eval(self, doc: _Doc) -> tuple[bool, list[Span]]:
        found = self._find(doc)
        spans = [(doc.tokens[i].start, doc.tokens[j].end) for i, j in found]
        return bool(spans), spans

    def _find(self, doc: _Doc) -> list[tuple[int, int]]:
        """Token index pairs ``(first, last)`` of each match, left to right, not overlapping."""
        if self.slop == 0:
            starts = doc.positions.get(self.words[0], [])
            n = len(self.words)
            return _non_overlapping(
                (i, i + n - 1) for i in starts if tuple(doc.keys[i:i + n]) == self.words)
        # Only a phrase word can start a minimal window, so try just those.
        starts = sorted({i for w in set(self.words) for i in doc.positions.get(w, [])})
        return _non_overlapping(
            (i, j) for i in starts if (j := self._window_end(doc, i)) is not None)

    def _window_end(self, doc: _Doc, first: int) -> int | None:
        """The last token of the shortest window from ``first`` holding every phrase word."""
        needed = Counter(self.words)
        missing = len(self.words)
        for j in range(first, min(first + len(self.words) + self.slop, len(doc.keys))):
            if needed[doc.keys[j]] > 0:
                needed[doc.keys[j]] -= 1
                missing -= 1
                if missing == 0:
                    return j
        return None

    def has_positive(self) -> bool:
        return True


def _non_overlapping(pairs) -> list[tuple[int, int]]:
    # Like re.finditer: once a match is taken, the next one starts after it.
    kept: list[tuple[int, int]] = []
    for i, j in pairs:
        if not kept or i > kept[-1][1]:
            kept.append((i, j))
    return kept


@dataclass(frozen=True)
class And(Query):
    """True when every part is; the spans are those of all positive parts.

    >>> q = And((Phrase(("profound",)), Phrase(("learning",))))
    >>> q.matches("learning is profound"), q.matches("learning")
    ([(0, 8), (12, 20)], [])
    """

    parts: tuple[Query, ...]

    def _eval(self, doc: _Doc) -> tuple[bool, list[Span]]:
        spans: list[Span] = []
        for part in self.parts:
            true, part_spans = part._eval(doc)
            if not true:
                return False, []
            spans += part_spans
        return True, spans

    def has_positive(self) -> bool:
        return any(p.has_positive() for p in self.parts)


@dataclass(frozen=True)
class Or(Query):
    """True when any part is; the spans are those of the parts that are true.

    >>> Or((Phrase(("big",)), Phrase(("huge",)))).matches("a huge idea")
    [(2, 6)]
    """

    parts: tuple[Query, ...]

    def _eval(self, doc: _Doc) -> tuple[bool, list[Span]]:
        results = [part._eval(doc) for part in self.parts]
        return any(t for t, _ in results), [s for t, spans in results if t for s in spans]

    def has_positive(self) -> bool:
        return any(p.has_positive() for p in self.parts)


@dataclass(frozen=True)
class Not(Query):
    """True when its part is false, anywhere in the text; it never contributes spans.

    >>> And((Phrase(("bosom",)), Not(Phrase(("anatomy",))))).matches("bosom peril")
    [(0, 5)]
    """

    part: Query

    def _eval(self, doc: _Doc) -> tuple[bool, list[Span]]:
        return not self.part._eval(doc)[0], []

    def has_positive(self) -> bool:
        return False


# --------------------------------------------------------------------------- parsing

# One lexical token of a query: a quoted phrase with an optional ~N, a
# parenthesis, or a bare run of other characters (a word or an operator).
_LEX_RE = re.compile(r'\s*(?:"(?P<phrase>[^"]*)"(?:~(?P<slop>\d*))?|(?P<paren>[()])'
                     r'|(?P<bare>[^\s"()~]+)|(?P<other>\S))')
_OPERATORS = {"AND", "OR", "NOT"}


def _lex(text: str) -> list[tuple[str, object]]:
    """``(kind, value)`` pairs: kind is ``phrase``, ``(``, ``)``, or an operator."""
    out: list[tuple[str, object]] = []
    for m in _LEX_RE.finditer(text):
        if m["phrase"] is not None:
            out.append(("phrase", _phrase(m["phrase"], m["slop"])))
        elif m["paren"]:
            out.append((m["paren"], None))
        elif m["bare"] in _OPERATORS:
            out.append((m["bare"], None))
        elif m["bare"]:
            out.append(("phrase", _phrase(m["bare"], None)))
        elif m["other"] == '"':
            raise QuerySyntaxError("unbalanced quote")
        else:
            raise QuerySyntaxError(f"'~N' must follow a quoted phrase (at {m['other']!r})")
    return out


def _phrase(text: str, slop: str | None) -> Phrase:
    if slop == "":
        raise QuerySyntaxError(f'"{text}"~ needs a whole number after the ~')
    keys = tuple(_key(t.text) for t in words(text))
    if not keys:
        raise QuerySyntaxError(f'"{text}" has no words to look for')
    return Phrase(keys, int(slop or 0))


class _Parser:
    """Recursive descent over the lexed tokens, one method per precedence level."""

    def __init__(self, tokens: list[tuple[str, object]]):
        self.tokens = tokens
        self.at = 0

    def peek(self) -> str | None:
        return self.tokens[self.at][0] if self.at < len(self.tokens) else None

    def parse_or(self) -> Query:
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.at += 1
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(tuple(parts))

    def parse_and(self) -> Query:
        parts = [self.parse_not()]
        # An explicit AND, or a term right after a term (implicit AND).
        while self.peek() in ("AND", "NOT", "phrase", "("):
            if self.peek() == "AND":
                self.at += 1
            parts.append(self.parse_not())
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def parse_not(self) -> Query:
        if self.peek() == "NOT":
            self.at += 1
            return Not(self.parse_not())
        return self.parse_atom()

    def parse_atom(self) -> Query:
        kind, value = self.tokens[self.at] if self.at < len(self.tokens) else (None, None)
        if kind == "phrase":
            self.at += 1
            return value  # type: ignore[return-value]
        if kind == "(":
            self.at += 1
            inner = self.parse_or()
            if self.peek() != ")":
                raise QuerySyntaxError("unbalanced parenthesis")
            self.at += 1
            return inner
        # No term where one is needed: name the most likely culprit.
        before = self.tokens[self.at - 1][0] if self.at else None
        if before in _OPERATORS or kind in _OPERATORS:
            raise QuerySyntaxError(f"dangling operator {before if before in _OPERATORS else kind}")
        if kind == ")" and before == "(":
            raise QuerySyntaxError("empty parentheses")
        raise QuerySyntaxError("unbalanced parenthesis")


def parse_query(text: str) -> Query:
    """Parse a Dimensions-style fingerprint query; :class:`QuerySyntaxError` if malformed.

    >>> parse_query('peril NOT "Breast Cancer"~1')  # doctest: +NORMALIZE_WHITESPACE
    And(parts=(Phrase(words=('peril',), slop=0),
               Not(part=Phrase(words=('breast', 'cancer'), slop=1))))
    >>> parse_query('"a" OR')
    Traceback (most recent call last):
    ...
    unspin.userlex.QuerySyntaxError: dangling operator OR
    """
    tokens = _lex(text)
    if not tokens:
        raise QuerySyntaxError("empty query")
    parser = _Parser(tokens)
    query = parser.parse_or()
    if parser.at < len(tokens):
        # parse_and stops only at OR or ")", and OR is always consumed.
        raise QuerySyntaxError("unbalanced parenthesis")
    if not query.has_positive():
        raise QuerySyntaxError("query has only NOT terms, so it could never show a match")
    return query


# --------------------------------------------------------------------------- lexicons


@dataclass(frozen=True)
class Entry:
    """One lexicon line: ``phrase`` (lower-cased), its expected ``original``, ``query``, ``source``.

    ``source`` is ``"file:line"`` so a match can be traced back to the file.
    """

    phrase: str
    original: str
    query: Query
    source: str


@dataclass(frozen=True)
class Match:
    """Where an entry fired: ``text == input[start:end]``."""

    start: int
    end: int
    text: str
    original: str
    source: str


_FINGERPRINT_COLUMNS = {"fingerprint", "fingerprint query", "query"}
_ORIGINAL_COLUMNS = {"original", "expected", "correct", "expected phrase", "correct phrase",
                     "original phrase", "expected original"}
_PHRASE_COLUMNS = {"tortured", "phrase", "tortured phrase", "spun"}


@dataclass(frozen=True)
class _Layout:
    """Which column holds what; ``fingerprint is None`` means a plain ``tortured,original`` list."""

    phrase: int | None
    original: int | None
    fingerprint: int | None
    width: int

    def cell(self, cells: list[str], column: int | None) -> str:
        return cells[column] if column is not None and column < len(cells) else ""


_PLAIN = _Layout(phrase=0, original=1, fingerprint=None, width=2)


def _norm(cell: str) -> str:
    return re.sub(r"[\s_\-]+", " ", cell.strip().lower())


def _is_blank_or_comment(row: list[str]) -> bool:
    return not any(c.strip() for c in row) or row[0].lstrip().startswith("#")


def _trim(row: list[str]) -> list[str]:
    # "a,b," has an empty third cell; trailing empties are not extra columns.
    while row and not row[-1].strip():
        row = row[:-1]
    return [c.strip() for c in row]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text (bad byte at offset {exc.start})") from exc


def _records(text: str):
    """``(first line, last line, cells)`` for each CSV record, numbering lines from 1;
    a record csv cannot read has an :class:`InputError` in place of its cells."""
    lines = text.splitlines(keepends=True)
    first = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    # Strict: a loose reader takes a quote never closed as a cell that runs to the
    # end of the file, and text after a closing quote as part of the cell.
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row: list[str] | InputError = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            row = _csv_problem(exc, start, reader.line_num)
        yield start, reader.line_num, row
        start = reader.line_num + 1


def _csv_problem(exc: csv.Error, first: int, last: int) -> InputError:
    if "unexpected end of data" in str(exc):
        where = f"runs over lines {first}-{last}" if last > first else "is never closed"
        return InputError(f"quoted cell {where}; unbalanced quote")
    return InputError(f"malformed CSV ({exc}): a cell with quotes in it must be "
                      "quoted as a whole, each quote inside doubled")


def load_lexicon(path: str | Path) -> list[Entry]:
    """The entries of a lexicon file, in file order (see :func:`parse_lexicon`).

    >>> import tempfile, os
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = os.path.join(d, "lex.csv")
    ...     _ = open(p, "w").write("tortured,original\\nProfound learning,deep learning\\n")
    ...     [(e.phrase, e.original, e.source[-9:]) for e in load_lexicon(p)]
    [('profound learning', 'deep learning', 'lex.csv:2')]
    """
    return parse_lexicon(_read(Path(path)), str(path))


def parse_lexicon(text: str, name: str = "lexicon") -> list[Entry]:
    """The entries of a lexicon given as text; ``name`` labels sources and messages.

    The first row that is not blank or a comment decides the format: a
    header naming a fingerprint (or query) column means the Problematic Paper
    Screener format, anything else a plain ``tortured,original`` list.
    Every malformed line is reported at once, in one :class:`LexiconError`,
    so the file can be fixed in one go.

    >>> [(e.phrase, e.original, e.source) for e in parse_lexicon("bosom peril,breast cancer")]
    [('bosom peril', 'breast cancer', 'lexicon:1')]
    >>> parse_lexicon("a,b,c")
    Traceback (most recent call last):
    ...
    unspin.userlex.LexiconError: lexicon:1: expected at most 2 columns, found 3
    """
    text = text.removeprefix("\ufeff")
    entries: list[Entry] = []
    problems: list[tuple[int, str]] = []
    layout: _Layout | None = None
    for line, last, row in _records(text):
        if isinstance(row, InputError):
            problems.append((line, str(row)))
            continue
        if _is_blank_or_comment(row):
            continue
        cells = _trim(row)
        if layout is None:
            layout, is_header = _layout(cells)
            if is_header:
                continue
        try:
            if last > line:
                # csv lets a quoted cell run on over newlines; in a lexicon
                # that is always a missing closing quote.
                raise InputError(f"quoted cell runs over lines {line}-{last}; unbalanced quote")
            entries.append(_entry(cells, layout, f"{name}:{line}"))
        except InputError as exc:
            problems.append((line, str(exc)))
    if problems:
        raise _lexicon_error(name, problems)
    return entries


def _layout(cells: list[str]) -> tuple[_Layout, bool]:
    """The file's layout from its first row, and whether that row is a header."""
    names = [_norm(c) for c in cells]

    def find(known: set[str]) -> int | None:
        return next((i for i, n in enumerate(names) if n in known), None)

    fingerprint = find(_FINGERPRINT_COLUMNS)
    if fingerprint is not None:
        return _Layout(find(_PHRASE_COLUMNS), find(_ORIGINAL_COLUMNS), fingerprint,
                       len(cells)), True
    # A plain list's header must read like "tortured,original"; any other
    # first row is the first entry.
    is_header = (len(names) == 2 and names[0] in _PHRASE_COLUMNS
                 and names[1] in _ORIGINAL_COLUMNS)
    return _PLAIN, is_header


def _entry(cells: list[str], layout: _Layout, source: str) -> Entry:
    if len(cells) > layout.width:
        raise InputError(f"expected at most {layout.width} columns, found {len(cells)}")
    phrase = layout.cell(cells, layout.phrase)
    original = layout.cell(cells, layout.original)
    if layout.fingerprint is None:
        keys = tuple(_key(t.text) for t in words(phrase))
        if not keys:
            raise InputError(f"tortured phrase {phrase!r} has no words")
        return Entry(phrase.lower(), original, Phrase(keys), source)
    fingerprint = layout.cell(cells, layout.fingerprint)
    try:
        query = parse_query(fingerprint)
    except QuerySyntaxError as exc:
        raise InputError(f"{exc} in fingerprint {fingerprint!r}") from exc
    # Without a tortured-phrase column the fingerprint is the best label.
    return Entry((phrase or fingerprint).lower(), original, query, source)


def _lexicon_error(name: str, problems: list[tuple[int, str]]) -> LexiconError:
    lines = [f"{name}:{line}: {message}" for line, message in problems]
    if len(lines) == 1:
        return LexiconError(lines[0], problems)
    head = f"{name}: {len(lines)} malformed lines (" + ", ".join(str(n) for n, _ in problems) + ")"
    return LexiconError("\n".join([head, *lines]), problems)


def match_entries(text: str, entries: list[Entry]) -> list[Match]:
    """Every place an entry fires in ``text``, ordered by position.

    >>> e = Entry("profound learning", "deep learning", parse_query('"profound learning"'), "x:1")
    >>> match_entries("😀 Profound learning!", [e])
    [Match(start=2, end=19, text='Profound learning', original='deep learning', source='x:1')]
    """
    doc = _Doc(text)  # tokenise once for all entries
    found = [Match(s, e, text[s:e], entry.original, entry.source)
             for entry in entries for s, e in entry.query._spans(doc)]
    return sorted(found, key=lambda m: (m.start, m.end, m.source))
