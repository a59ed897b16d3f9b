"""Evaluation corpora: clean English prose to spin, detect and restore.

Two corpora, fetched by ``scripts/get_corpora.sh`` into ``$UNSPIN_DATA/corpora``:

* ``sotu``: the 233 State of the Union addresses, 1790-2021 (public domain);
* ``brown``: the 500 files of the Brown Corpus, 15 genres of 1961 American prose.

Each file becomes one :class:`Document` whose ``text`` is plain prose in
paragraphs of roughly 80-150 words separated by blank lines. The split into
``dev`` and ``test`` is a fixed function of the document id, so every run and
every machine scores the same paragraphs.

>>> docs = load_corpus("brown")                      # doctest: +SKIP
>>> dev = split(docs, "dev")                         # doctest: +SKIP
>>> sample_paragraphs("sotu", "test", n=100)[0][0]   # doctest: +SKIP
'sotu/1839_martin_van_buren_d#98'
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from unspin.errors import DataMissingError

CORPORA = ("sotu", "brown")

# Brown's category letters (i, o and q are unused). The six fiction
# categories are one genre here: they are too small to score apart.
BROWN_GENRES = dict(
    zip("abcdefghj", "news editorial reviews religion hobbies lore belles_lettres "
        "government learned".split()), **dict.fromkeys("klmnpr", "fiction"))  # fmt: skip

# Paragraph size in words: big enough to give a detector context, small
# enough that one paragraph is one evaluation item.
PARA_MIN, PARA_MAX = 80, 150


@dataclass(frozen=True)
class Document:
    """One source file: ``id`` is ``"<corpus>/<file stem>"``.

    ``genre`` is Brown's category letter (``"a"``..``"r"``) or ``"speech"``;
    ``genre_name`` is readable (``"news"``, ``"fiction"``, ..., ``"speech"``).
    """

    id: str
    corpus: str
    genre: str
    genre_name: str
    text: str


def data_dir() -> Path:
    """``$UNSPIN_DATA`` if set, else ``data/`` at the root of this checkout."""
    env = os.environ.get("UNSPIN_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "data"


def load_corpus(name: str) -> list[Document]:
    """Every document of corpus ``name`` (``"sotu"`` or ``"brown"``), sorted by id."""
    if name not in CORPORA:
        raise ValueError(f"unknown corpus {name!r}; expected one of {', '.join(CORPORA)}")
    root = data_dir() / "corpora" / name
    pattern = "*.txt" if name == "sotu" else "c[a-r][0-9][0-9]"
    files = sorted(root.glob(pattern)) if root.is_dir() else []
    if not files:
        raise DataMissingError(
            f"corpus {name!r} not found in {root}; run scripts/get_corpora.sh "
            "(set UNSPIN_DATA to use another data directory)"
        )
    docs = []
    for f in files:
        raw = f.read_text(encoding="utf-8")
        if name == "sotu":
            docs.append(Document(f"sotu/{f.stem}", "sotu", "speech", "speech", _sotu_text(raw)))
        else:
            code = f.name[1]
            docs.append(Document(f"brown/{f.name}", "brown", code, BROWN_GENRES[code],
                                 _brown_text(raw)))  # fmt: skip
    return sorted(docs, key=lambda d: d.id)


def split(documents: list[Document], which: str) -> list[Document]:
    """The ``"dev"`` (about 30%) or ``"test"`` documents, chosen by a hash of the id.

    A document's side never depends on which other documents are present.

    >>> docs = [Document(f"x/{i}", "x", "g", "g", "") for i in range(10)]
    >>> [d.id for d in split(docs, "dev")]
    ['x/0', 'x/1']
    """
    if which not in ("dev", "test"):
        raise ValueError(f"which must be 'dev' or 'test', not {which!r}")
    return [d for d in documents if (_hash(d.id) % 10 < 3) == (which == "dev")]


def paragraphs(doc: Document, min_words: int = 50) -> list[str]:
    """The paragraphs of ``doc`` with at least ``min_words`` words.

    >>> doc = Document("x/1", "x", "g", "g", "One two three.\\n\\nFour five.")
    >>> paragraphs(doc, min_words=3)
    ['One two three.']
    """
    return [p for _, p in _numbered(doc, min_words)]


def sample_paragraphs(
    corpus: str, which: str, n: int, min_words: int = 50, seed: int = 0
) -> list[tuple[str, str]]:
    """``n`` (paragraph_id, text) pairs from the ``which`` split of ``corpus``.

    Ids are ``"<doc id>#<k>"``, k counting every paragraph of the document, so
    an id does not move with ``min_words``. The order is a hash of seed and id,
    not :mod:`random`, so it is the same on every Python and adding documents
    never reshuffles the paragraphs already drawn. Paragraphs are drawn
    uniformly, so long documents contribute more of them.
    """
    pool = [p for d in split(load_corpus(corpus), which) for p in _numbered(d, min_words)]
    if n > len(pool):
        raise ValueError(f"asked for {n} paragraphs, {corpus}/{which} has {len(pool)}")
    return sorted(pool, key=lambda p: _hash(f"{seed}:{p[0]}"))[:n]


def _hash(s: str) -> int:
    # sha1 rather than hash(): str hashes are salted per process.
    return int(hashlib.sha1(s.encode("utf-8")).hexdigest(), 16)


def _numbered(doc: Document, min_words: int) -> list[tuple[str, str]]:
    return [(f"{doc.id}#{k}", p) for k, p in enumerate(doc.text.split("\n\n"))
            if len(p.split()) >= min_words]  # fmt: skip


def _pack(paras: list[list[list[str]]]) -> list[list[str]]:
    """Regroup sentences (token lists) of source paragraphs into paragraphs.

    A source paragraph of PARA_MIN words or more stays as it is unless longer
    than PARA_MAX, when it is cut between sentences; shorter ones (Brown's
    one-sentence news paragraphs, lines of dialogue) are merged with the next.
    """
    out: list[list[str]] = []
    cur: list[str] = []
    n = 0
    for para in paras:
        for sent in para:
            k = sum(any(c.isalnum() for c in t) for t in sent)
            # k == 0: a stray ")" or "''" line belongs to the sentence before.
            if k and n >= PARA_MIN and n + k > PARA_MAX:
                out.append(cur)
                cur, n = [], 0
            cur += sent
            n += k
        if n >= PARA_MIN:
            out.append(cur)
            cur, n = [], 0
    if cur:
        out.append(cur)
    return out


# --- Brown -------------------------------------------------------------------

_NO_SPACE_BEFORE = {",", ".", ";", ":", "?", "!", ")", "]", "'s", "n't"}
_NO_SPACE_AFTER = {"(", "["}


def _brown_text(raw: str) -> str:
    # Blank lines separate Brown's paragraphs; each line is one sentence of
    # word/tag tokens. Headlines (mostly "-hl" tags) and bare enumerators
    # ("2 .", "( 3 )") are dropped: they are not prose.
    paras = []
    for block in re.split(r"\n\s*\n", raw):
        sents = []
        for line in block.splitlines():
            pairs = [t.rsplit("/", 1) if "/" in t else [t, ""] for t in line.split()]
            if not pairs or 2 * sum(tag.endswith("-hl") for _, tag in pairs) > len(pairs):
                continue
            chars = "".join(w for w, _ in pairs)
            if any(c.isdigit() for c in chars) and not any(c.isalpha() for c in chars):
                continue
            sents.append([w for w, _ in pairs if w])
        if sents:
            paras.append(sents)
    return "\n\n".join(detokenize(p) for p in _pack(paras))


def detokenize(tokens: list[str]) -> str:
    """Join Brown tokens into text with ordinary English spacing.

    A bare ``'`` is a single quote: it opens when none is open, else closes.
    Two tokenizer artifacts are undone: the doubled ``;`` that ends a Brown
    sentence line and the second period after "Jr." or "Corp." at a sentence
    end. A comma or period after a closing double quote goes inside it, as
    American print has it (Brown's tokenizer moved it out).

    >>> print(detokenize("`` Hi '' , he said ( twice ) ; it's done .".split()))
    "Hi," he said (twice); it's done.
    >>> print(detokenize("the ' Met ' did n't sing ; ; `` Jr. '' , Ann Jr. .".split()))
    the 'Met' didn't sing; "Jr.," Ann Jr.
    """
    tokens = list(tokens)
    for i in range(len(tokens) - 1):
        if tokens[i] == "''" and tokens[i + 1] in (",", "."):
            tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
    out: list[str] = []
    glue_next = True  # no space before the first token
    single_open = False
    prev = ""
    for tok in tokens:
        if (tok in (";", ",", ":") and tok == prev) or (tok == "." and prev.endswith(".")):
            continue
        prev = tok
        if tok == "``":
            text, glue_before, glue_after = '"', False, True
        elif tok == "''":
            text, glue_before, glue_after = '"', True, False
        elif tok == "'":
            text, glue_before, glue_after = "'", single_open, not single_open
            single_open = not single_open
        else:
            text, glue_before, glue_after = tok, tok in _NO_SPACE_BEFORE, tok in _NO_SPACE_AFTER
        if not (glue_before or glue_next):
            out.append(" ")
        out.append(text)
        glue_next = glue_after
    return "".join(out)


# --- State of the Union ----------------------------------------------------------

# Editorial notes, not speech: audience reactions, page and footnote markers,
# footnote text. Bracketed words an editor restored ("[the States]") stay.
_NOTE_RE = re.compile(
    r"\s*\[(?:laughter|applause|p\.\d+|\d+|footnote\b[^\]]*|at this point\b[^\]]*)\]",
    re.IGNORECASE,
)
_UNICODE = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u2011": "-"})
_SENT_END_RE = re.compile(r"[.!?][\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")
_ABBREV = set(
    "mr mrs ms messrs dr st jr sr gen gov sen rep hon no nos vs lt col capt adm art sec "
    "vol pp co inc jan feb mar apr aug sept oct nov dec".split()
)


def _sotu_text(raw: str) -> str:
    # The files are one line per speech: paragraphs were lost upstream, so
    # sentences are found here and packed like Brown's.
    text = _NOTE_RE.sub("", raw).translate(_UNICODE)
    paras = [[s.split() for s in _sentences(" ".join(block.split()))]
             for block in re.split(r"\n\s*\n", text) if block.strip()]  # fmt: skip
    return "\n\n".join(" ".join(p) for p in _pack(paras))


def _sentences(text: str) -> list[str]:
    """Cut at sentence ends, but not after titles, months or initials.

    >>> _sentences("Mr. Speaker, the U.S. Army is ready. It (sic) is. Go!")
    ['Mr. Speaker, the U.S. Army is ready.', 'It (sic) is.', 'Go!']
    """
    out, start = [], 0
    for m in _SENT_END_RE.finditer(text):
        last = text[start : m.start() + 1].rsplit(None, 1)[-1].lstrip("\"'([")
        if last[:-1].lower() in _ABBREV or re.fullmatch(r"(?:[A-Za-z]\.)+", last):
            continue
        out.append(text[start : m.end()].strip())
        start = m.end()
    tail = text[start:].strip()
    return out + [tail] if tail else out
