import importlib
import json
import math
import subprocess
import sys

import pytest

from unspin import detect

SPUN = ("Xi volition hold talks successful Moscow, arsenic helium said connected Friday; a "
        "deliberation vessel warned of a commercialized warfare.")
CLEAN = ("The committee met on Tuesday to discuss the budget. Members agreed that the new "
         "school should open next year, and the mayor said she would sign the plan.")


def test_fast_mode_flags_spun_text_and_points_at_words():
    result = detect(SPUN, mode="fast")
    assert result.is_spun and result.probability > 0.9
    found = {SPUN[s.start:s.end]: s.likely_original for s in result.spans}
    assert found["volition"] == "will" and found["helium"] == "he"
    assert all(SPUN[s.start:s.end] == s.text and 0 < s.score <= 1 for s in result.spans)


def test_fast_mode_clean_paragraph_scores_below_threshold():
    result = detect(CLEAN, mode="fast")
    assert not result.is_spun
    assert result.probability < 0.5
    assert result.spun_fraction < detect(SPUN, mode="fast").spun_fraction
    assert result.score < detect(SPUN, mode="fast").score


def test_fast_score_is_the_mean_channel_likelihood_ratio():
    import math

    from unspin.detect import FAST_MOBY_SHARE, FAST_SPIN_PRIOR
    from unspin.screen_table import moby_spin_ratio, spin_ratio

    # No original can turn into "the", "of" or "and": each word says "not spun" a little.
    assert spin_ratio("the") == spin_ratio("of") == moby_spin_ratio("of") == 0.0
    assert detect("the of and", mode="fast").score == pytest.approx(math.log(1 - FAST_SPIN_PRIOR))
    # A spinner's words are likelier as its output than as themselves; their originals are not.
    assert spin_ratio("volition") > 1 > spin_ratio("will")
    assert spin_ratio("helium") > 1 > spin_ratio("he")
    # The word's ratio mixes the built channel's and Moby's ("organization" for network).
    assert 0 < FAST_MOBY_SHARE < 1 and moby_spin_ratio("organization") > 0
    for word in ("volition", "organization"):
        ratio = ((1 - FAST_MOBY_SHARE) * spin_ratio(word)
                 + FAST_MOBY_SHARE * moby_spin_ratio(word))
        expected = (2 * math.log(1 - FAST_SPIN_PRIOR)
                    + math.log(1 - FAST_SPIN_PRIOR + FAST_SPIN_PRIOR * ratio)) / 3
        assert detect(f"the of {word}", mode="fast").score == pytest.approx(expected)
    # Names (capitals inside a sentence) are never spun and carry no evidence.
    assert detect("the of Volition", mode="fast").score == pytest.approx(
        2 * math.log(1 - FAST_SPIN_PRIOR) / 3)


def test_fast_score_counts_phrases_a_spinner_writes_as_one():
    import math

    from unspin.detect import FAST_MOBY_SHARE, FAST_PHRASE_WEIGHT, FAST_SPIN_PRIOR
    from unspin.screen_table import moby_spin_ratio, phrase_spin_ratio, spin_ratio

    def word_term(word):
        ratio = (1 - FAST_MOBY_SHARE) * spin_ratio(word) + FAST_MOBY_SHARE * moby_spin_ratio(word)
        return math.log(1 - FAST_SPIN_PRIOR + FAST_SPIN_PRIOR * ratio)

    ratio = phrase_spin_ratio("is simply a")
    assert ratio > 1
    phrase_term = FAST_PHRASE_WEIGHT * math.log(1 - FAST_SPIN_PRIOR + FAST_SPIN_PRIOR * ratio)
    words_only = sum(word_term(w) for w in ("it", "is", "simply", "a", "sign"))
    assert detect("it is simply a sign", mode="fast").score == pytest.approx(
        (words_only + phrase_term) / 5)
    # Not a phrase across punctuation or with a name in it.
    assert detect("it is, simply a sign", mode="fast").score == pytest.approx(words_only / 5)


def test_fast_spans_name_phrases_with_their_originals():
    text = "Analysts said the think factories were, in the end, simply a front."
    spans = detect(text, mode="fast").spans
    phrase = next(s for s in spans if s.text == "think factories")
    assert phrase.likely_original == "think tanks" and 0.25 < phrase.score < 1
    # No word span inside a phrase span, and the offsets index the input.
    assert not any(s is not phrase and s.start < phrase.end and phrase.start < s.end
                   for s in spans)
    assert all(text[s.start:s.end] == s.text for s in spans)
    opening = detect("Think factories were, in the end, simply a front.", mode="fast").spans
    assert opening[0].text == "Think factories" and opening[0].likely_original == "Think tanks"


def test_full_mode_score_is_its_spun_fraction():
    from unspin.lm.fake import FakeModel

    result = detect(SPUN, mode="full", model=FakeModel())
    assert result.score == result.spun_fraction


def test_full_mode_takes_the_models_own_calibration(monkeypatch):
    from unspin.lm.fake import FakeModel

    detect_module = importlib.import_module("unspin.detect")
    fake = FakeModel()
    default = detect(SPUN, mode="full", model=fake)
    monkeypatch.setitem(detect_module.CALIBRATION, "full:fake", (0.0, -3.0))
    monkeypatch.setitem(detect_module.THRESHOLD, "full:fake", 0.01)
    own = detect(SPUN, mode="full", model=fake)
    assert own.score == default.score
    assert own.probability == pytest.approx(1 / (1 + math.exp(3.0)))
    assert own.is_spun  # 0.047 >= the model's own threshold
    fast = detect(SPUN, mode="fast").probability
    assert detect(SPUN, mode="fast", model=fake).probability == fast


def test_verdict_uses_the_modes_default_threshold(monkeypatch):
    # unspin.detect is also the function's name at the package top.
    detect_module = importlib.import_module("unspin.detect")
    probability = detect(SPUN, mode="fast").probability
    monkeypatch.setitem(detect_module.THRESHOLD, "fast", probability + 0.001)
    assert not detect(SPUN, mode="fast").is_spun
    assert detect(SPUN, mode="fast", threshold=probability).is_spun
    monkeypatch.setitem(detect_module.THRESHOLD, "fast", probability)
    assert detect(SPUN, mode="fast").is_spun


def test_unknown_mode_is_an_error():
    with pytest.raises(ValueError):
        detect(CLEAN, mode="quick")


def run(args, stdin):
    return subprocess.run([sys.executable, "-m", "unspin.cli", "detect", *args],
                          input=stdin.encode(), capture_output=True, timeout=120, check=False)


def test_exit_codes_like_grep():
    assert run(["--fast"], SPUN).returncode == 1
    assert run(["--fast"], CLEAN).returncode == 0
    bad = subprocess.run([sys.executable, "-m", "unspin.cli", "detect", "/no/such/file"],
                         capture_output=True, timeout=60, check=False)
    assert bad.returncode == 2 and b"cannot read" in bad.stderr


def test_json_output():
    result = run(["--fast", "--json"], SPUN)
    data = json.loads(result.stdout)
    assert set(data) == {"probability", "is_spun", "spun_fraction", "mode", "score", "spans",
                         "text"}
    assert data["text"] == SPUN
    assert data["is_spun"] is True and data["mode"] == "fast"
    assert {"start", "end", "text", "likely_original", "score"} == set(data["spans"][0])


def test_full_mode_uses_the_model():
    from unspin.lm import load_model

    lm = load_model("smollm2")
    spun, clean = detect(SPUN, model=lm), detect(CLEAN, model=lm)
    assert spun.mode == "full" and spun.is_spun and not clean.is_spun
    assert {s.likely_original for s in spun.spans} >= {"will", "he"}


def test_full_mode_reports_its_decode():
    from unspin.decode import restore
    from unspin.detect import detector_settings
    from unspin.lm.fake import FakeModel

    fake = FakeModel()
    found = detect(SPUN, model=fake)
    restored = restore(SPUN, model=fake, config=detector_settings(fake))
    assert found.spun_fraction == restored.spun_score
    assert [s.start for s in found.spans] == sorted(
        e.start for e in restored.edits + restored.doubts)


def test_full_mode_doubts_are_posteriors_of_the_words_left_alone():
    from unspin.decode import for_text, restore
    from unspin.detect import detector_settings
    from unspin.doubt import spun_posteriors
    from unspin.lm.fake import FakeModel

    fake = FakeModel()
    config = detector_settings(fake)
    assert config.posterior_doubts and not detector_settings("smollm2").posterior_doubts
    restored = restore(SPUN, model=fake, config=config)
    found = detect(SPUN, model=fake, restoration=restored)
    posteriors = {(e.start, e.end): e.confidence for e in spun_posteriors(
        SPUN, restored, fake, for_text(config, SPUN))}
    edited = {(e.start, e.end) for e in restored.edits}
    doubts = [s for s in found.spans if (s.start, s.end) not in edited]
    assert doubts and all(posteriors[s.start, s.end] == s.score > 1 - config.doubt_below
                          for s in doubts)
    assert all(a.end <= b.start for a, b in zip(found.spans, found.spans[1:]))


def test_full_mode_takes_decoder_settings():
    from unspin.decode import Config, restore
    from unspin.lm.fake import FakeModel

    fake = FakeModel()
    strict = detect(SPUN, model=fake, config=Config(doubt_below=0.0))
    loose = detect(SPUN, model=fake, config=Config(doubt_below=1.0))
    edits = restore(SPUN, model=fake, config=Config(doubt_below=0.0)).edits
    assert [s.start for s in strict.spans] == [e.start for e in edits]
    assert len(loose.spans) > len(strict.spans)
    assert loose.spun_fraction == strict.spun_fraction  # doubts are reported, not scored


def test_full_mode_decodes_with_the_settings_it_was_fitted_with(monkeypatch):
    """The restorer's defaults may move on; the full mode's calibration was fitted
    with detector_settings, so that is what it decodes with unless told otherwise."""
    from dataclasses import replace

    from unspin import decode
    from unspin.detect import FITTED_WITH, SPAN_RULE, detector_settings
    from unspin.lm.fake import FakeModel

    seen = []
    real_restore = decode.restore
    monkeypatch.setattr(decode, "restore",
                        lambda text, **kw: seen.append(kw["config"]) or real_restore(text, **kw))
    fake = FakeModel()
    detect(SPUN, model=fake)
    assert seen == [detector_settings(fake)]
    assert seen[0] == replace(decode.settings_for(fake.name), **FITTED_WITH, **SPAN_RULE)
    assert detector_settings("gemma3").right_context == FITTED_WITH["right_context"]


def test_full_mode_reads_the_restorers_moby_options():
    # Refitted with them in session 24: without them the full mode missed most of
    # what a spinner outside the built channel writes.
    from unspin.decode import settings_for
    from unspin.detect import detector_settings

    assert detector_settings("gemma3").moby_share == settings_for("gemma3").moby_share > 0
    assert detector_settings("gemma3").moby_full_at == settings_for("gemma3").moby_full_at


def test_smollm2_full_mode_keeps_the_settings_it_was_fitted_with():
    # Its calibration (session 15) was fitted with Moby's options off and
    # temperature 1.0; its restorer has taken other settings since session 26.
    from unspin.decode import settings_for
    from unspin.detect import detector_settings

    restorer, detector = settings_for("smollm2"), detector_settings("smollm2")
    assert restorer.moby_share > 0 and restorer.temperature != 1.0
    assert detector.moby_share == 0.0 and detector.temperature == 1.0
    assert detector_settings("gemma3").temperature == settings_for("gemma3").temperature


LEXICON = __import__("pathlib").Path(__file__).parent / "data" / "pps_lexicon.csv"


def test_user_lexicon_feeds_detect():
    from unspin.userlex import load_lexicon

    text = "We trained a profound learning model on bosom peril scans."
    result = detect(text, mode="fast", lexicon=load_lexicon(LEXICON))
    spans = {s.text: (s.likely_original, s.score) for s in result.spans}
    assert spans["profound learning"] == ("deep learning", 1.0)
    assert spans["bosom peril"] == ("breast cancer", 1.0)
    plain = detect(text, mode="fast")
    assert result.spun_fraction > plain.spun_fraction
    assert result.score - plain.score == pytest.approx(result.spun_fraction - plain.spun_fraction)


def test_user_lexicon_not_clause_suppresses_the_entry():
    from unspin.userlex import load_lexicon

    text = "Bosom peril, also called breast cancer, is common."
    spans = detect(text, mode="fast", lexicon=load_lexicon(LEXICON)).spans
    assert "bosom peril" not in {s.text.lower() for s in spans if s.score == 1.0}


def test_user_lexicon_feeds_restore():
    from unspin import restore
    from unspin.lm.fake import FakeModel
    from unspin.userlex import load_lexicon

    text = "Profound learning helps."
    result = restore(text, model=FakeModel(), lexicon=load_lexicon(LEXICON))
    assert result.text.startswith("Deep learning")
    edit = result.edits[0]
    assert (edit.start, edit.end, edit.confidence) == (0, 17, 1.0)
    assert edit.reason.startswith("user lexicon")


def test_cli_reports_a_malformed_lexicon(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text('fingerprint,expected\n"""a"" OR",x\n', encoding="utf-8")
    result = run(["--fast", "--lexicon", str(bad)], "text")
    assert result.returncode == 2
    assert b"bad.csv:2" in result.stderr and b"Traceback" not in result.stderr


def test_html_input_offsets_refer_to_extracted_text(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>t</title></head><body><nav>Home | About</nav>"
                    f"<article><p>{SPUN}</p></article></body></html>", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "unspin.cli", "detect", "--fast", "--json",
                             str(page)], capture_output=True, timeout=120, check=False)
    data = json.loads(result.stdout)
    assert result.returncode == 1 and "Home" not in data["text"]
    for span in data["spans"]:
        assert data["text"][span["start"]:span["end"]] == span["text"]


def test_screen_table_is_current_and_agrees_with_live_lookup():
    import random

    from unspin import screen_table
    from unspin.lexicon import spin_weight
    from unspin.screen_table import (
        compute_likely_original,
        compute_moby_spin_ratio,
        compute_phrase_original,
        compute_spin_ratio,
        load_phrase_table,
        load_table,
        moby_spin_ratio,
    )

    table = load_table()
    # An empty table means it was built for another lexicon or wordfreq: rebuild it with
    # scripts/build_screen_table.py (the fast mode would silently run at a third of its speed).
    assert len(table) > 90_000
    assert table["volition"][0][0] == "will" and table["the"] == (None, 0.0)
    sample = random.Random(7).sample(sorted(table), 1500)
    for word in sample:
        assert table[word] == (compute_likely_original(word), compute_spin_ratio(word)), word
        assert moby_spin_ratio(word) == compute_moby_spin_ratio(word), word
    assert sum(moby_spin_ratio(word) > 0 for word in sample) > 500
    tail, tail_weights, tail_moby = screen_table.load_tail()
    # The tail holds the rare words spinners write; without it the fast mode is
    # correct but a batch of spun text runs at a fraction of its speed.
    assert len(tail) > 80_000 and "geezerhood" in tail and not set(tail) & set(table)
    for word in random.Random(7).sample(sorted(tail), 300):
        assert tail[word] == (compute_likely_original(word), compute_spin_ratio(word)), word
        assert tail_moby.get(word, 0.0) == compute_moby_spin_ratio(word), word
        assert tail_weights.get(word, 0.0) == spin_weight(word), word
    phrases = load_phrase_table()
    assert len(phrases) > 20_000 and "think factories" in phrases
    for phrase in random.Random(7).sample(sorted(phrases), 300):
        ratio, original = phrases[phrase]
        assert ratio == compute_spin_ratio(phrase) > 1, phrase
        assert original == compute_phrase_original(phrase), phrase


def test_the_tail_table_answers_before_the_live_lookup_and_only_when_needed(monkeypatch):
    from unspin import screen_table

    asked = []
    monkeypatch.setattr(screen_table, "compute_spin_ratio",
                        lambda word: asked.append(word) or 123.0)
    screen_table.spin_ratio.cache_clear()
    screen_table.load_tail.cache_clear()
    try:
        # Common words only: the tail is not read.
        assert not detect("The cat sat on the mat and looked at the door.", mode="fast").is_spun
        assert screen_table.load_tail.cache_info().currsize == 0
        tail = screen_table.load_tail()[0]
        assert screen_table.spin_ratio("doddery") == tail["doddery"][1] != 123.0
        assert asked == []
        assert screen_table.spin_ratio("zzyzxq") == 123.0 and asked == ["zzyzxq"]
    finally:
        screen_table.spin_ratio.cache_clear()
