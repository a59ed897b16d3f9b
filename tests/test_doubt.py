import pytest

from unspin.decode import MAX_SENTENCE, Config
from unspin.doubt import DoubtSettings, spun_posteriors
from unspin.lm.fake import FakeModel
from unspin.text import Edit, Restoration, apply_edits

SPUN = "Xi volition hold talks in Moscow, as he said on Friday."


@pytest.fixture(scope="module")
def fake():
    return FakeModel()


def by_word(found):
    return {e.spun: e for e in found if " " not in e.spun}


def test_a_spun_word_is_likelier_spun_than_the_words_around_it(fake):
    found = by_word(spun_posteriors(SPUN, Restoration(SPUN, []), fake, Config()))
    assert found["volition"].original == "will"
    assert found["volition"].confidence > max(
        e.confidence for w, e in found.items() if w != "volition")
    assert all(0.0 <= e.confidence <= 1.0 for e in found.values())


def test_a_lower_spin_rate_makes_every_word_less_likely_spun(fake):
    plain, ungated = Restoration(SPUN, []), DoubtSettings(gate=0.0)
    high = by_word(spun_posteriors(SPUN, plain, fake, Config(spin_rate=0.25), ungated))
    low = by_word(spun_posteriors(SPUN, plain, fake, Config(spin_rate=0.05), ungated))
    assert high.keys() == low.keys()
    assert all(low[w].confidence <= high[w].confidence for w in high)
    assert low["volition"].confidence < high["volition"].confidence


def test_offsets_are_the_inputs_and_edited_words_are_left_out(fake):
    spun = "Xi volition hold talks successful Moscow, arsenic helium said."
    edits = [Edit(3, 11, "volition", "will", 0.9), Edit(42, 49, "arsenic", "as", 0.8)]
    restored = Restoration(apply_edits(spun, edits), edits)
    found = spun_posteriors(spun, restored, fake, Config())
    assert found and all(spun[e.start:e.end] == e.spun for e in found)
    assert not any(e.start < x.end and x.start < e.end for e in found for x in edits)
    assert "successful" in {e.spun for e in found}


def test_phrases_are_read_as_one(fake):
    spun = "A think factory warned of a trade war."
    found = spun_posteriors(spun, Restoration(spun, []), fake, Config())
    single = spun_posteriors(spun, Restoration(spun, []), fake, Config(),
                             DoubtSettings(phrases=1))
    phrase = [e for e in found if e.spun == "think factory"]
    assert phrase and phrase[0].original == "think tank"
    assert not any(" " in e.spun for e in single)


def test_the_gate_skips_the_full_reading(fake, monkeypatch):
    def unread(*args, **kwargs):
        raise AssertionError("read in full")

    plain = Restoration(SPUN, [])
    everything = spun_posteriors(SPUN, plain, fake, Config())
    monkeypatch.setattr(fake, "continuation_logprobs", unread)
    gated = spun_posteriors(SPUN, plain, fake, Config(), DoubtSettings(gate=1.0))
    assert [(e.start, e.end) for e in gated] == [(e.start, e.end) for e in everything]


def test_a_long_text_is_read_in_pieces(fake):
    text = " ".join([SPUN] * (2 * MAX_SENTENCE // len(SPUN) + 2))
    found = spun_posteriors(text, Restoration(text, []), fake, Config(),
                            DoubtSettings(keep=1, right=1, phrases=1))
    assert all(text[e.start:e.end] == e.spun for e in found)
    assert sum(e.spun == "volition" for e in found) == text.count("volition")


def test_it_stops_when_asked(fake):
    from unspin.errors import StoppedError

    asked = []
    with pytest.raises(StoppedError):
        spun_posteriors(SPUN, Restoration(SPUN, []), fake, Config(),
                        should_stop=lambda: asked.append(1) or True)
    assert asked == [1]


def test_progress_runs_to_the_end_of_the_text(fake):
    text = "Xi volition hold talks. They met in Moscow. He said so."
    seen = []
    spun_posteriors(text, Restoration(text, []), fake, Config(),
                    progress=lambda done, total: seen.append((done, total)))
    assert len(seen) >= 3 and seen[-1] == (len(text), len(text))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_restore_reports_posterior_doubts_when_asked(fake):
    from unspin.decode import for_text, restore
    from unspin.doubt import posterior_doubts

    config = Config(posterior_doubts=True, doubt_below=0.7)
    seen = []
    restored = restore(SPUN, model=fake, config=config,
                       progress=lambda done, total: seen.append(done))
    plain = restore(SPUN, model=fake, config=Config(doubt_below=0.7))
    assert restored.edits == plain.edits and restored.spun_score == plain.spun_score
    assert restored.doubts == posterior_doubts(SPUN, plain.edits, fake, for_text(config, SPUN))
    # The decode fills half the progress line; the second reading the rest.
    assert seen[-1] == len(SPUN) and seen.count(len(SPUN)) == 1
    assert max(d for d in seen if d < len(SPUN)) >= len(SPUN) // 2
