"""unspin.corpora on tiny fake corpora: no download needed."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from unspin.corpora import (
    Document,
    data_dir,
    detokenize,
    load_corpus,
    paragraphs,
    sample_paragraphs,
    split,
)
from unspin.errors import DataMissingError

BROWN_CA01 = (
    "\n\n\tThe/at jury/nn said/vbd ``/`` no/at evidence/nn ''/'' ,/, and/cc Mr./np Allen/np"
    " Jr./np ./.\n"
    "\n\n\t(/( It/pps did/dod n't/* ,/, he/pps said/vbd ./.\n)/) \n"
    "\n\n\tBlue/jj-hl Sky/nn-hl ./.-hl\n"  # a headline: dropped
    "\n\n2/cd ./.\n"  # a section number: dropped
    "\n\n\tSo/rb ;/. ;/.\nthe/at '/' Met/np '/' sang/vbd 1/2/cd cup/nn ?/.\n"
)
BROWN_CA01_TEXT = (
    'The jury said "no evidence," and Mr. Allen Jr. (It didn\'t, he said.)'
    " So; the 'Met' sang 1/2 cup?"
)


def tagged_sentence(n: int, tag: str = "nn") -> str:
    """A Brown line of n words and a final period."""
    return " ".join(f"w{i}/{tag}" for i in range(n)) + " ./."


def sotu_sentence(i: int) -> str:
    """Ten words: S<i>, eight x's, 'end.'."""
    return f"S{i} " + "x " * 8 + "end."


@pytest.fixture
def corpora(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point UNSPIN_DATA at tmp_path; return a writer for corpus files."""
    monkeypatch.setenv("UNSPIN_DATA", str(tmp_path))

    def write(corpus: str, name: str, text: str) -> None:
        d = tmp_path / "corpora" / corpus
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(text, encoding="utf-8")

    return write


# --- loading and cleaning --------------------------------------------------------


def test_brown_is_detokenized_with_headlines_and_numbers_dropped(corpora):
    corpora("brown", "ca01", BROWN_CA01)
    corpora("brown", "cats.txt", "ca01 news\n")  # not a text file: ignored
    [doc] = load_corpus("brown")
    assert doc == Document("brown/ca01", "brown", "a", "news", BROWN_CA01_TEXT)


def test_detokenize_spacing_and_quotes():
    toks = "`` Hi '' , he said ( twice ) ; `` it's ' fine ' '' .".split()
    assert detokenize(toks) == "\"Hi,\" he said (twice); \"it's 'fine'.\""
    assert detokenize("Do n't stop ! It 's here : now".split()) == "Don't stop! It's here: now"


def test_brown_genres_and_sorting(corpora):
    corpora("brown", "cr09", tagged_sentence(5))
    corpora("brown", "ca02", tagged_sentence(5))
    corpora("brown", "cj01", tagged_sentence(5))
    docs = load_corpus("brown")
    assert [(d.id, d.genre, d.genre_name) for d in docs] == [
        ("brown/ca02", "a", "news"),
        ("brown/cj01", "j", "learned"),
        ("brown/cr09", "r", "fiction"),
    ]
    assert docs[0].text == "w0 w1 w2 w3 w4."


def test_brown_short_paragraphs_merge_at_paragraph_breaks(corpora):
    # Three 30-word paragraphs reach 80 words only together; the 100-word one
    # stands alone; the 10-word tail is kept as a short last paragraph.
    paras = [tagged_sentence(30)] * 3 + [tagged_sentence(100), tagged_sentence(10)]
    corpora("brown", "ck01", "\n\n\n".join("\t" + p for p in paras) + "\n")
    [doc] = load_corpus("brown")
    assert [len(p.split()) for p in doc.text.split("\n\n")] == [90, 100, 10]


def test_sotu_notes_removed_and_quotes_straightened(corpora):
    corpora(
        "sotu",
        "1790_george_washington_n.txt",
        "Fellow-Citizens:  I thank Mr. Smith. [Applause] He said \u201cyes\u201d to the\n"
        "U.S. Army\u2019s men.[1] [laughter] Thank you.\n",
    )
    [doc] = load_corpus("sotu")
    assert doc.id == "sotu/1790_george_washington_n"
    assert (doc.corpus, doc.genre, doc.genre_name) == ("sotu", "speech", "speech")
    assert doc.text == (
        'Fellow-Citizens: I thank Mr. Smith. He said "yes" to the U.S. Army\'s men. Thank you.'
    )


def test_sotu_sentences_pack_into_paragraphs_of_80_to_150_words(corpora):
    corpora("sotu", "2000_x_y.txt", " ".join(sotu_sentence(i) for i in range(20)))
    [doc] = load_corpus("sotu")
    assert doc.text == (
        " ".join(sotu_sentence(i) for i in range(15))
        + "\n\n"
        + " ".join(sotu_sentence(i) for i in range(15, 20))
    )


# --- missing data ----------------------------------------------------------------


def test_missing_corpus_says_how_to_fetch_it(tmp_path, monkeypatch):
    monkeypatch.setenv("UNSPIN_DATA", str(tmp_path / "nowhere"))
    with pytest.raises(DataMissingError, match=r"run scripts/get_corpora\.sh"):
        load_corpus("sotu")


def test_empty_corpus_directory_is_missing_too(corpora, tmp_path):
    corpora("brown", "README", "not a corpus file")
    with pytest.raises(DataMissingError, match="'brown' not found"):
        load_corpus("brown")


def test_unknown_corpus_name():
    with pytest.raises(ValueError, match="unknown corpus 'gutenberg'"):
        load_corpus("gutenberg")


def test_data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("UNSPIN_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv("UNSPIN_DATA")
    assert data_dir() == Path(__file__).resolve().parents[1] / "data"


# --- split, paragraphs, sampling ---------------------------------------------------


def docs_named(ids: list[str]) -> list[Document]:
    return [Document(i, "x", "g", "g", "") for i in ids]


def test_split_is_fixed_disjoint_and_complete():
    docs = docs_named([f"brown/c{i:03d}" for i in range(1000)])
    dev, test = split(docs, "dev"), split(docs, "test")
    dev_ids, test_ids = {d.id for d in dev}, {d.id for d in test}
    assert not dev_ids & test_ids
    assert dev_ids | test_ids == {d.id for d in docs}
    assert 250 < len(dev) < 350
    # The rule itself, so that a changed hash cannot pass unnoticed.
    for d in docs:
        h = int(hashlib.sha1(d.id.encode()).hexdigest(), 16)
        assert (d.id in dev_ids) == (h % 10 < 3)
    # Pinned values: these must never change between releases.
    assert [d.id for d in split(docs_named([f"x/{i}" for i in range(10)]), "dev")] == [
        "x/0",
        "x/1",
    ]


def test_split_of_a_document_ignores_the_others():
    docs = docs_named([f"sotu/{i}" for i in range(200)])
    dev = {d.id for d in split(docs, "dev")}
    subset = docs[50:120][::-1]
    assert {d.id for d in split(subset, "dev")} == dev & {d.id for d in subset}
    assert split(docs, "dev") == split(docs, "dev")


def test_split_rejects_other_names():
    with pytest.raises(ValueError, match="'train'"):
        split([], "train")


def test_paragraphs_filters_by_word_count():
    text = "one two three four five.\n\nsix seven.\n\neight nine ten"
    doc = Document("x/1", "x", "g", "g", text)
    assert paragraphs(doc, min_words=3) == ["one two three four five.", "eight nine ten"]
    assert paragraphs(doc, min_words=2) == text.split("\n\n")
    assert paragraphs(doc) == []


def test_sample_paragraphs_is_deterministic_and_stays_in_split(corpora):
    for i in range(30):
        corpora("sotu", f"{1900 + i}_p_r.txt", " ".join(sotu_sentence(j) for j in range(20)))
    dev_docs = {d.id for d in split(load_corpus("sotu"), "dev")}
    pool = len(dev_docs)  # each document has exactly one paragraph of >= 60 words
    sample = sample_paragraphs("sotu", "dev", n=pool, min_words=60)
    assert sample == sample_paragraphs("sotu", "dev", n=pool, min_words=60)
    assert {pid.split("#")[0] for pid, _ in sample} == dev_docs
    assert all(pid.endswith("#0") for pid, _ in sample)
    # All 150-word and 50-word paragraphs; the ids count every paragraph.
    both = sample_paragraphs("sotu", "dev", n=2 * pool, min_words=1)
    assert sorted(pid[-1] for pid, _ in both) == ["0"] * pool + ["1"] * pool
    assert dict(both)[sample[0][0]] == sample[0][1]
    # A smaller n takes a prefix; another seed gives another order.
    assert sample_paragraphs("sotu", "dev", n=3, min_words=60) == sample[:3]
    assert sample_paragraphs("sotu", "dev", n=pool, min_words=60, seed=1) != sample
    with pytest.raises(ValueError, match=f"asked for {pool + 1} paragraphs"):
        sample_paragraphs("sotu", "dev", n=pool + 1, min_words=60)
