import json
import subprocess
import sys

import pytest

from unspin import spin
from unspin.corpora import sample_paragraphs
from unspin.errors import InputError
from unspin.trace import TraceIndex, read_corpus, shingles, trace


def unspin(*args):
    return subprocess.run([sys.executable, "-m", "unspin.cli", *args], capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def paragraphs():
    return sample_paragraphs("sotu", "dev", 150) + sample_paragraphs("brown", "dev", 150)


@pytest.fixture(scope="module")
def index(paragraphs):
    return TraceIndex.build(paragraphs)


def test_shingles_ignore_case_and_punctuation():
    assert shingles("The Cat, sat!") == shingles("the cat sat")
    assert shingles("") == set()


def test_spun_copies_trace_to_their_source_without_restoring(index, paragraphs):
    hits = 0
    for seed, (source_id, text) in enumerate(paragraphs[:40:4]):
        found = trace(spin(text, rate=0.25, seed=seed).text, index, restore=False)
        hits += bool(found.matches) and found.matches[0].id == source_id
        assert all(a.containment >= b.containment
                   for a, b in zip(found.matches, found.matches[1:]))
    assert hits >= 9


def test_restoring_first_brings_back_shingles(index, paragraphs):
    source_id, text = paragraphs[3]
    spun = spin(text, rate=0.4, seed=1).text
    raw = trace(spun, index, restore=False, top=1)
    restored = trace(spun, index, restore=True, model="smollm2", top=1)
    assert restored.query != spun
    assert restored.matches[0].id == source_id
    assert restored.matches[0].containment > raw.matches[0].containment


def test_unrelated_text_finds_nothing(index):
    assert trace("Zebras quietly juggle purple umbrellas beneath Saturn.", index,
                 restore=False).matches == []
    with pytest.raises(InputError, match="empty"):
        trace("  ", index, restore=False)


def test_index_saves_and_loads(tmp_path, index, paragraphs):
    index.save(tmp_path / "idx")
    again = TraceIndex.load(tmp_path / "idx")
    assert len(again) == len(index) == len(paragraphs)
    text = paragraphs[7][1]
    assert again.search(text)[0] == index.search(text)[0]
    assert again.search(text)[0].containment == 1.0
    (tmp_path / "idx" / "index.json").write_text('{"format": 99}')
    with pytest.raises(InputError, match="rebuild"):
        TraceIndex.load(tmp_path / "idx")


def test_corpus_folder_and_jsonl(tmp_path):
    (tmp_path / "docs" / "sub").mkdir(parents=True)
    (tmp_path / "docs" / "a.txt").write_text("First document about trade talks in Moscow.")
    (tmp_path / "docs" / "sub" / "b.txt").write_text("Second one, about the weather.")
    (tmp_path / "docs" / "c.bin").write_bytes(b"\x00ignored")
    assert [i for i, _ in read_corpus(tmp_path / "docs")] == ["a.txt", "sub/b.txt"]
    (tmp_path / "c.jsonl").write_text(json.dumps({"id": 9, "text": "Hello there"}) + "\n"
                                      + json.dumps({"id": 10, "text": ""}) + "\n")
    assert list(read_corpus(tmp_path / "c.jsonl")) == [("9", "Hello there")]
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no .txt files"):
        list(read_corpus(tmp_path / "empty"))
    with pytest.raises(InputError, match="no such file"):
        list(read_corpus(tmp_path / "nowhere"))


def test_cli_index_then_trace(tmp_path, paragraphs):
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": t}) + "\n"
                              for i, t in paragraphs[:60]))
    built = unspin("index", str(corpus), "-o", str(tmp_path / "idx"))
    assert built.returncode == 0, built.stderr
    assert "indexed 60 documents" in built.stderr
    copy = tmp_path / "copy.txt"
    copy.write_text(spin(paragraphs[10][1], rate=0.25, seed=5).text)
    found = unspin("trace", str(copy), "--corpus", str(tmp_path / "idx"), "--no-restore",
                   "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["matches"][0]["id"] == paragraphs[10][0]
    (tmp_path / "other.txt").write_text("Zebras quietly juggle purple umbrellas.")
    none = unspin("trace", str(tmp_path / "other.txt"), "--corpus", str(tmp_path / "idx"),
                  "--no-restore")
    assert none.returncode == 1 and "no source found" in none.stderr
    bad = unspin("trace", str(copy), "--corpus", str(tmp_path / "nowhere"))
    assert bad.returncode == 2 and bad.stderr.startswith("unspin: error:")
