"""Restoration tests. The real model runs where the behaviour depends on it (it is small);
the fast fake model serves the property tests about offsets and untouched characters."""

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin import Config, apply_edits, restore
from unspin.cli import main
from unspin.decode import sentences
from unspin.lm.fake import FakeModel

FAKE = FakeModel()


@pytest.fixture(scope="module")
def lm():
    from unspin.lm import load_model

    return load_model("smollm2")


@pytest.mark.parametrize("spun, original", [
    ("Xi volition hold talks in Moscow.", "Xi will hold talks in Moscow."),
    ("Xi will hold talks successful Moscow.", "Xi will hold talks in Moscow."),
    ("He said connected Friday that the talks went well.",
     "He said on Friday that the talks went well."),
    ("Arsenic he said, the talks went well.", "As he said, the talks went well."),
])
def test_known_restorations(lm, spun, original):
    assert restore(spun, model=lm).text == original


def test_clean_paragraph_is_left_alone(lm):
    clean = ("The committee met on Tuesday to discuss the budget. Members agreed that the "
             "new school should open next year, and the mayor said she would sign the plan.")
    result = restore(clean, model=lm)
    assert result.edits == [] and result.text == clean


def test_case_and_punctuation_follow_the_spun_word(lm):
    # Which reading wins for the second "Volition" ("Will" or "Willing") is the
    # model's call, and so how sure it is (the two share the mass): every winner
    # is applied here, since its case and the comma after it are the rule under test.
    from unspin.decode import settings_for

    result = restore("VOLITION Xi hold talks? Volition, he said.", model=lm,
                     config=settings_for("smollm2", min_confidence=0.0))
    spun_to_original = {e.spun: e.original for e in result.edits}
    assert spun_to_original.get("VOLITION") == "WILL"
    title = spun_to_original.get("Volition", "")
    assert title.lower() in {"will", "willing"} and title == title.capitalize()
    assert result.text.startswith("WILL Xi hold talks? ")
    assert result.text.endswith(f"{title}, he said.")


def test_edits_replay_and_carry_alternatives(lm):
    text = "Xi volition hold talks successful Moscow, arsenic helium said connected Friday."
    result = restore(text, model=lm)
    assert apply_edits(text, result.edits) == result.text
    assert len(result.edits) >= 4
    for edit in result.edits:
        assert text[edit.start:edit.end] == edit.spun
        assert 0.0 <= edit.confidence <= 1.0
        assert all(0.0 <= c <= edit.confidence + 1e-9 for _, c in edit.alternatives)


def test_a_later_pass_restores_in_the_restored_context(lm):
    """Spun neighbours mislead the model; the second pass sees "he" and finds "as".

    At the default keep bias (1.5), or with Moby's options on, one pass already
    restores this sentence, so the test keeps the settings at which one pass
    does not (bias 2.0, Moby off)."""
    text = ("A deliberation vessel warned of a commercialized warfare, arsenic helium said "
            "connected Friday.")
    one = restore(text, model=lm, config=Config(passes=1, keep_bias=2.0, moby_share=0.0))
    two = restore(text, model=lm, config=Config(passes=2, keep_bias=2.0, moby_share=0.0))
    assert "arsenic he said" in one.text
    assert "as he said" in two.text
    assert apply_edits(text, two.edits) == two.text
    assert {(e.start, e.end) for e in one.edits} < {(e.start, e.end) for e in two.edits}


def test_min_confidence_drops_edits(lm):
    text = "Xi volition hold talks successful Moscow, arsenic helium said connected Friday."
    all_edits = restore(text, model=lm).edits
    strict = restore(text, model=lm, config=Config(min_confidence=0.999999)).edits
    assert len(strict) < len(all_edits)
    assert all(e.confidence >= 0.999999 for e in strict)


SPUN = ("Xi volition hold talks successful Moscow, arsenic helium said connected Friday; "
        "a deliberation vessel warned of a commercialized warfare.")


def test_floor_temperature_applies_what_temperature_one_applies():
    """SmolLM2's settings report softened confidences but apply edits by the
    temperature-1 ones: the same edits as at temperature 1, each reported less sure."""
    plain = restore(SPUN, model=FAKE, config=Config()).edits
    tempered = restore(SPUN, model=FAKE,
                       config=Config(temperature=5.0, floor_temperature=1.0)).edits
    soft_floor = restore(SPUN, model=FAKE, config=Config(temperature=5.0)).edits
    assert [(e.start, e.end, e.original) for e in tempered] == \
        [(e.start, e.end, e.original) for e in plain]
    assert all(t.confidence <= p.confidence for t, p in zip(tempered, plain, strict=True))
    assert any(e.confidence < 0.5 for e in tempered)
    assert len(soft_floor) < len(tempered)


class CountingModel(FakeModel):
    """The fake model, counting the characters of every continuation it scores."""

    def __init__(self):
        super().__init__()
        self.scored = 0

    def continuation_logprobs(self, prefix, continuations):
        self.scored += sum(len(c) for c in continuations)
        return super().continuation_logprobs(prefix, continuations)


def test_options_far_behind_on_their_own_words_are_not_read_further():
    """Pruning by the option's own words reads less, and changes nothing here: an
    option 8 nats behind by its own words does not win on the words after it."""
    pruned_lm, full_lm = CountingModel(), CountingModel()
    pruned = restore(SPUN, model=pruned_lm, config=Config())
    full = restore(SPUN, model=full_lm, config=Config(head_margin=math.inf))
    assert pruned_lm.scored < 0.8 * full_lm.scored
    assert [(e.start, e.end, e.original) for e in pruned.edits] == \
        [(e.start, e.end, e.original) for e in full.edits]
    assert pruned.edits and all(abs(p.confidence - f.confidence) < 1e-3
                                for p, f in zip(pruned.edits, full.edits, strict=True))


def test_a_zero_head_margin_reads_only_the_best_option_and_the_keep():
    """Pruned options are ranked at no share, so with no margin an edit's slot
    has two readings with a share: the spun word and the option best on its own words."""
    narrow_lm, full_lm = CountingModel(), CountingModel()
    narrow = restore(SPUN, model=narrow_lm, config=Config(head_margin=0.0))
    full = restore(SPUN, model=full_lm, config=Config(head_margin=math.inf))
    assert narrow_lm.scored < full_lm.scored
    assert narrow.edits and all(c == 0.0 for e in narrow.edits for _, c in e.alternatives[1:])
    assert any(c > 0.0 for e in full.edits for _, c in e.alternatives[1:])
    assert apply_edits(SPUN, narrow.edits) == narrow.text


def test_a_doubt_names_a_change_when_every_change_was_left_out():
    """With no head margin a slot whose kept word reads best has no change left
    after pruning; a doubt there still names the cheap pass's best change."""
    from unspin.decode import _one_pass

    config = Config(head_margin=0.0, doubt_below=1.01)  # every word left alone is a doubt
    edits, doubts, _, _ = _one_pass(SPUN, FAKE, config, [])
    assert doubts and all(d.original.lower() != d.spun.lower() for d in doubts)
    assert all(SPUN[d.start:d.end] == d.spun for d in doubts + edits)


def test_a_phrase_and_its_first_word_share_one_keep():
    """"in all" and "in" are rival slots whose keeps are the same reading: one
    stays, the shortest slot's, with the better total."""
    from unspin.decode import Option, Slot, _confidences, _merge_keeps

    phrase = Slot(0, 1, 0, 6, "in all", [Option("in all", 0.0, "keep"),
                                         Option("altogether", -5.0, "synonym")])
    word = Slot(0, 0, 0, 2, "in", [Option("in", 0.0, "keep"), Option("indium", -5.0, "synonym")])
    best = {id(o): (total, slot, o) for total, slot, o in (
        (-10.0, phrase, phrase.options[0]), (-10.0, word, word.options[0]),
        (-11.0, phrase, phrase.options[1]), (-12.0, word, word.options[1]))}
    split = dict(_confidences(list(best.values()), word, 1.0))[word.options[0]]
    _merge_keeps(best)
    keeps = [(total, slot) for total, slot, o in best.values() if o.keep]
    assert keeps == [(-10.0, word)]
    merged = dict(_confidences(list(best.values()), word, 1.0))[word.options[0]]
    assert split < 0.5 < merged


def test_a_users_floor_holds_against_the_reported_confidence():
    config = Config(temperature=5.0, floor_temperature=1.0).with_min_confidence(0.6)
    edits = restore(SPUN, model=FAKE, config=config).edits
    assert edits and all(e.confidence >= 0.6 for e in edits)


def test_json_schema(capsys, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("Xi volition hold talks in Moscow.\n", encoding="utf-8")
    assert main(["restore", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"text", "edits", "spun_score"}
    assert data["text"] == "Xi will hold talks in Moscow.\n"
    edit = data["edits"][0]
    assert set(edit) == {"start", "end", "spun", "original", "confidence", "alternatives",
                         "reason"}
    assert (edit["start"], edit["end"], edit["spun"], edit["original"]) == (3, 11, "volition",
                                                                            "will")
    assert all(set(a) == {"word", "confidence"} for a in edit["alternatives"])


def test_diff_output(capsys, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("Xi volition hold talks in Moscow.", encoding="utf-8")
    assert main(["restore", str(path), "--diff"]) == 0
    assert capsys.readouterr().out == "Xi [-volition-]{+will+} hold talks in Moscow."


def test_sentences_cover_lines_and_ends():
    text = "One two. Three!\n\nFour"
    assert [text[a:b] for a, b in sentences(text)] == ["One two.", "Three!", "Four"]


ALPHABET = list("abcdefghijklmnopqrstuvwxyz  ..,\n") + ["volition", " helium ", "😀", "é",
                                                         "e\u0301", "Ωμέγα", "\t", "’"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_offsets_and_untouched_characters(text):
    result = restore(text, model=FAKE)
    assert apply_edits(text, result.edits) == result.text
    at = 0
    for edit in sorted(result.edits, key=lambda e: e.start):
        assert text[edit.start:edit.end] == edit.spun
        assert edit.start >= at
        at = edit.end
    kept = [text[a:b] for a, b in zip([0] + [e.end for e in result.edits],
                                      [e.start for e in result.edits] + [len(text)])]
    assert "".join(kept) == "".join(
        result.text[a:b] for a, b in _kept_spans_in_output(text, result.edits))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(ALPHABET), max_size=40).map("".join))
def test_left_context_is_read_but_never_edited(text):
    """Edits made with the restored text before each sentence still map onto the input."""
    config = Config(left_context=4, passes=2, reach=0)
    result = restore(text, model=FAKE, config=config)
    assert apply_edits(text, result.edits) == result.text
    at = 0
    for found in sorted(result.edits, key=lambda e: e.start):
        assert text[found.start:found.end] == found.spun and found.start >= at
        at = found.end
    for doubt in result.doubts:
        assert text[doubt.start:doubt.end] == doubt.spun


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_left_context_reads_back_only_as_far_as_needed(data):
    """The windowed look-back equals the plain definition: restore everything before, cut."""
    from unspin.decode import _left_context
    from unspin.text import Edit, words

    pieces = st.sampled_from(["aa ", "considerable ", "establishment. ", "cc\n\n", "dd, "])
    text = "".join(data.draw(st.lists(pieces, max_size=120)))
    tokens = words(text)
    edits, i = [], 0
    while i < len(tokens):
        size = data.draw(st.integers(0, 3))
        if size and i + size <= len(tokens):
            a, b = tokens[i].start, tokens[i + size - 1].end
            edits.append(Edit(a, b, text[a:b], data.draw(st.sampled_from(["x", "y z"])), 1.0))
        i += max(size, 1)
    start = data.draw(st.sampled_from([t.start for t in tokens] + [len(text)]))
    n = data.draw(st.integers(0, 50))
    before_edits = [e for e in edits if e.end <= start]
    restored = apply_edits(text[:start], before_edits)
    kept = words(restored)[-n:] if n else []
    expected = restored[kept[0].start:] if kept else ""
    if expected and not expected[-1].isspace():
        expected += " "
    assert _left_context(text, start, before_edits, n) == expected
    # Under a character budget, whole words go from the front until it fits.
    limit = data.draw(st.integers(0, 300))
    while len(expected) > limit:
        rest = words(expected)[1:]
        expected = expected[rest[0].start:] if rest else ""
    assert _left_context(text, start, before_edits, n, max_chars=limit) == expected


def test_left_context_counts_restored_words():
    """Phrases restored to one word shrink the context; it reads further back to make up."""
    from unspin.decode import _left_context
    from unspin.text import Edit, words

    text = "considerable " * 30
    tokens = words(text)
    edits = [Edit(tokens[i].start, tokens[i + 2].end, "considerable considerable considerable",
                  "x", 1.0) for i in range(0, 27, 3)]
    assert _left_context(text, tokens[27].start, edits, 5) == "x x x x x "


class RecordingModel(FakeModel):
    """The fake model, noting every text it scores in one pass."""

    def __init__(self):
        super().__init__()
        self.passes = []

    def prefix_logprobs(self, text):
        self.passes.append(text)
        return super().prefix_logprobs(text)


def test_the_model_reads_the_restored_words_before_a_sentence():
    text = "Xi volition hold talks. He volition go."
    lm = RecordingModel()
    restored = restore(text, model=lm, config=Config(left_context=4, passes=1))
    assert restored.text.startswith("Xi will hold talks.")
    assert lm.passes == ["Xi volition hold talks.", "Xi will hold talks. He volition go."]
    cold = RecordingModel()
    restore(text, model=cold, config=Config(left_context=0, passes=1))
    assert cold.passes == ["Xi volition hold talks.", "He volition go."]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Xi volition hold talks.", "He volition go.", "We sat.",
                                 "Dogs bark loudly at night here."]), min_size=2, max_size=12),
       st.integers(1, 12))
def test_the_context_window_moves_in_steps(sentences, size):
    """Consecutive sentences read from the same first word until the window would
    hold more than ``size`` words; then it keeps the last half, restored."""
    from unspin.decode import sentence_pieces

    text = " ".join(sentences)
    lm = RecordingModel()
    result = restore(text, model=lm, config=Config(left_context=size, passes=1))
    restored = [result.text[a:b] for a, b in sentence_pieces(result.text)]
    contexts = [scored[:-len(sentence)] for scored, sentence in zip(lm.passes, sentences,
                                                                    strict=True)]
    expected = 0
    for k, context in enumerate(contexts):
        read = " ".join(restored[:k]) + " " if k else ""
        assert read.endswith(context)
        assert len(context.split()) == expected
        grown = expected + len(restored[k].split())
        expected = grown if grown <= size else max(1, size // 2)


def _kept_spans_in_output(text, edits):
    spans, shift, at = [], 0, 0
    for edit in sorted(edits, key=lambda e: e.start):
        spans.append((at + shift, edit.start + shift))
        shift += len(edit.original) - len(edit.spun)
        at = edit.end
    spans.append((at + shift, len(text) + shift))
    return spans


def test_high_confidence_edits_are_mostly_right(lm):
    """Calibration on a small fixed sample: the bundled article spun with three seeds."""
    from pathlib import Path

    from unspin import spin
    from unspin.evaluate import edit_outcomes

    article = (Path(__file__).resolve().parents[1] / "examples/article.txt").read_text()
    outcomes = []
    for seed in (11, 12, 13):
        spun = spin(article, 0.25, seed=seed)
        outcomes += edit_outcomes(spun, restore(spun.text, model=lm))
    confident = [right for confidence, right in outcomes if confidence >= 0.9]
    assert len(confident) >= 10
    assert sum(confident) / len(confident) >= 0.9


def test_doubts_are_unapplied_uncertain_words():
    fake = FakeModel()
    text = ("Critics contend that the design volition lift costs for average households "
            "and suffering little firms, arsenic helium said connected Friday.")
    none = restore(text, model=fake, config=Config(doubt_below=0.0))
    every = restore(text, model=fake, config=Config(doubt_below=1.0))
    assert none.doubts == []
    assert every.doubts and every.edits == none.edits and every.text == none.text
    edited = {(e.start, e.end) for e in every.edits}
    for doubt in every.doubts:
        assert (doubt.start, doubt.end) not in edited
        assert text[doubt.start:doubt.end] == doubt.spun and doubt.original != doubt.spun
        assert 0.0 <= doubt.confidence <= 1.0
    default = restore(text, model=fake)
    assert {d.start for d in default.doubts} <= {d.start for d in every.doubts}
    # A doubt is a word kept at under doubt_below sure: changed with more than the rest.
    assert all(d.confidence > 1.0 - Config().doubt_below - 1e-9 for d in default.doubts)
    assert "doubts" not in default.to_dict()


def test_passes_map_edits_and_doubts_back_to_the_input():
    from pathlib import Path

    from unspin import spin

    article = (Path(__file__).resolve().parents[1] / "examples/article.txt").read_text()
    # A spun text on which later passes find more, so there is something to map
    # back (seed 4: 53 edits in one pass, 55 in three, with or without narrowings;
    # seed 3 found one more only without them).
    text = spin(article, 0.4, seed=4).text
    one = restore(text, model=FAKE, config=Config(passes=1, reach=0, doubt_below=1.0))
    three = restore(text, model=FAKE, config=Config(passes=3, reach=0, doubt_below=1.0))
    assert len(three.edits) > len(one.edits)
    assert apply_edits(text, three.edits) == three.text
    for found in three.edits + three.doubts:
        assert text[found.start:found.end] == found.spun
    edited = [(e.start, e.end) for e in three.edits]
    assert not any(d.start < b and a < d.end for d in three.doubts for a, b in edited)


def test_full_detection_spans_include_doubts():
    from unspin.detect import detect

    fake = FakeModel()
    text = "Critics contend that the design volition lift costs for average households."
    restored = restore(text, model=fake, config=Config(doubt_below=1.0))
    found = detect(text, mode="full", model=fake, restoration=restored)
    starts = [s.start for s in found.spans]
    assert starts == sorted(starts)
    assert set(starts) == {e.start for e in restored.edits + restored.doubts}


def test_progress_reports_each_sentence_and_ends_at_the_length():
    text = "Xi volition hold talks.  A deliberation vessel warned.\n\nThe cat sat.  "
    calls = []
    restore(text, model=FAKE, progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert len(calls) == 4  # three sentences, then the trailing space
    assert all(total == len(text) for _, total in calls)
    assert done == sorted(done) and done[-1] == len(text)
    assert text[:done[0]].endswith("talks.")


@pytest.mark.parametrize("original", ["said", "leaders", "held", "say", "terms"])
def test_the_channel_from_an_original_is_a_distribution(original):
    """What the decoder believes a spinner turns a word into adds up to at most the
    spin rate. "said" is also an adjective ("the said party"); taking only that
    reading's links as the whole made "read" from "said" eight times too likely,
    and "read the report" came back as "said the report"."""
    import math

    from unspin.decode import _channel
    from unspin.lexicon import restores_from, spins_to

    config = Config()
    total = 0.0
    for spun in spins_to(original):
        back = [link for link in restores_from(spun.word) if link.word == original]
        total += max((math.exp(_channel(link, config)) for link in back), default=0.0)
    # Not exactly the rate: the two directions may reach a pair through different
    # readings, with different weights ("leaders" comes to 1.04 times it).
    assert 0.5 * config.spin_rate < total <= 1.1 * config.spin_rate


@pytest.mark.parametrize("original", ["error", "failure", "storage"])
def test_the_narrowing_channel_is_a_distribution(original):
    """Narrowings of a word share ``narrow_share`` of its spin chance evenly."""
    import math

    from unspin.decode import _channel
    from unspin.lexicon import narrowed_from, narrowings

    config = Config()
    total = 0.0
    for spun in narrowings(original):
        back = [link for link in narrowed_from(spun.word) if link.word == original]
        total += max((math.exp(_channel(link, config)) for link in back), default=0.0)
    assert total == pytest.approx(config.spin_rate * config.narrow_share)


@pytest.mark.parametrize("original", ["network", "random", "smart"])
def test_the_moby_channel_is_a_distribution(original):
    """The words Moby lists under a headword share ``moby_share`` of its spin
    chance evenly; only phrases, words a spinner keeps as written ("of") and
    words that share no part of speech with the headword ("anyhow" under
    "random") drop out."""
    import math

    from unspin.decode import _channel
    from unspin.lexicon import load_store, moby, moby_from
    from unspin.lexicon.kept import never_spun

    config = Config(moby_share=0.5)
    _, listing = moby._table()
    written = [word for word, heads in listing.items() if original in heads.split("|")]
    assert len(written) == moby.fanout(original) > 20
    store = load_store()

    def parts(word):
        return {pos for _, pos, _ in store.forward(word)}

    single = {word for word in written if " " not in word and not never_spun(word)}
    looked_up = {word for word in single if not parts(word) or parts(word) & parts(original)}
    assert len(looked_up) > 0.8 * len(single)
    total = 0.0
    for spun in written:
        back = [link for link in moby_from(spun) if link.word == original]
        assert bool(back) == (spun in looked_up), spun
        total += max((math.exp(_channel(link, config)) for link in back), default=0.0)
    share = config.spin_rate * config.moby_share
    assert total == pytest.approx(share * len(looked_up) / len(written))


@pytest.mark.parametrize("spun, original", [
    ("The model reaches a mean square blunder of 0.02 on the test set.",
     "The model reaches a mean square error of 0.02 on the test set."),
    ("Lactose bigotry affects most adults in East Asia.",
     "Lactose intolerance affects most adults in East Asia."),
])
def test_a_narrowed_word_is_restored(lm, spun, original):
    """Tortured phrases narrow a word to a hyponym ("error" -> "blunder"), a path
    the built channel does not hold: the narrowing options bring it back (Moby's
    lists hold some such pairs too, so they are off for the last check)."""
    from dataclasses import replace

    from unspin.decode import settings_for

    config = settings_for("smollm2")
    restored = restore(spun, model=lm, config=config)
    assert restored.text == original
    assert [e.reason for e in restored.edits] == ["hyponym"]
    assert restore(spun, model=lm,
                   config=replace(config, narrow_share=0.0, moby_share=0.0)).text == spun


@pytest.mark.parametrize("spun, original", [
    ("The device connects to the wireless organization at home.",
     "The device connects to the wireless network at home."),
    ("The model was trained with regulated learning on labelled examples.",
     "The model was trained with supervised learning on labelled examples."),
])
def test_a_word_from_moby_is_restored(lm, spun, original):
    """Tortured phrases follow thesauri broader than WordNet ("organization" for
    network): only the Moby options bring these back; SmolLM2's settings take
    them since session 26."""
    from dataclasses import replace

    from unspin.decode import settings_for

    config = settings_for("smollm2")
    assert restore(spun, model=lm, config=replace(config, moby_share=0.0)).text == spun
    restored = restore(spun, model=lm, config=config)
    assert restored.text == original
    assert [e.reason for e in restored.edits] == ["moby_synonym"]


def test_the_words_after_a_change_count_against_it_at_most_tail_margin():
    """After "Xi volition" spun words read on more naturally than after "Xi will";
    the words after a change may cost it at most ``tail_margin`` against the keep."""
    from unspin.decode import Option, Slot, _scores

    class Scores:
        def continuation_logprobs(self, prefix, texts):
            return [table[t] for t in texts]

    table = {" volition hold": -25.0, " will hold": -40.0, " volition": -22.0, " will": -10.0}
    keep, will = Option("volition", 0.0, "keep"), Option("will", 0.0, "synonym")
    slot = Slot(1, 1, 3, 11, "volition", [keep, will])
    texts, owners = [" volition hold", " will hold"], [(slot, keep, 0.0), (slot, will, 0.0)]
    bounded = _scores(Scores(), "Xi", texts, owners, " ", Config(tail_margin=6.0))
    # "will" keeps its own -10, and its tail (-30) counts as the keep's (-3) less 6.
    assert bounded == [-25.0, -19.0]
    assert _scores(Scores(), "Xi", texts, owners, " ", Config(tail_margin=float("inf"))) == [
        -25.0, -40.0]
    # The bound is one-sided: words that fit a change better still count in full.
    table.update({" volition hold": -40.0, " will hold": -12.0})
    assert _scores(Scores(), "Xi", texts, owners, " ", Config(tail_margin=6.0)) == [-40.0, -12.0]
