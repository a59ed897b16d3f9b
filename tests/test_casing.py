"""Headlines: lines in title case or capitals are restored and screened as prose."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin import apply_edits, detect, restore
from unspin.casing import fold_headlines, recase
from unspin.lm.fake import FakeModel
from unspin.text import Edit, cased_lines


@pytest.fixture(scope="module")
def lm():
    from unspin.lm import load_model

    return load_model("smollm2")


@pytest.mark.parametrize("text, headline", [
    ("Xi Volition Hold Talks in Moscow", True),
    ("XI VOLITION HOLD TALKS", True),
    ("A Deliberation Vessel Warned of a Commercialized Warfare.", True),
    ("Xi volition hold talks in Moscow.", False),   # prose
    ("I met John Smith in New York.", False),       # names in prose
    ("New York", False),                            # too short to tell
    ("NATO", False),
    ("By John Smith and Mary Baker", False),        # a byline: names
    ("BY JOHN SMITH", False),
    ("Bypass Surgery Gets Cheaper", True),
])
def test_headlines_are_told_from_prose(text, headline):
    assert bool(cased_lines(text)) is headline


def test_only_the_headline_lines_fold():
    text = "Xi Volition Hold Talks\nThe talks were held in Moscow, said Trump.\n"
    folded, lines = fold_headlines(text)
    assert len(folded) == len(text)
    assert folded == "Xi volition hold talks\nThe talks were held in Moscow, said Trump.\n"
    assert [(c.start, c.end) for c in lines] == [(0, 22)]


def test_names_keep_their_capitals_in_a_headline():
    # "Moscow" is a name to the lexicon; "Trump" is a common word ("trumps") that
    # this text's prose capitalises inside a sentence; "Smith" is left to the model.
    text = "Xi Volition Meet Trump and Smith in Moscow\n\nIt was held, said Trump."
    folded, _ = fold_headlines(text)
    assert folded.splitlines()[0] == "Xi volition meet Trump and smith in Moscow"
    shouted, _ = fold_headlines("THE LEADER VOLITION VISIT MOSCOW")
    assert shouted == "The leader volition visit Moscow"


def test_edits_take_the_headlines_case():
    text = "THE NEW LEADER VOLITION HOLD TALKS\nA Deliberation Vessel Warned of a War"
    _, lines = fold_headlines(text)
    edits = [Edit(15, 23, "volition", "will", 0.9, (("willing", 0.1),)),
             Edit(37, 56, "deliberation vessel", "think tank", 0.8),
             Edit(57, 63, "warned", "of", 0.5)]
    out = recase(text, edits, lines)
    assert [(e.spun, e.original) for e in out] == [
        ("VOLITION", "WILL"), ("Deliberation Vessel", "Think Tank"), ("Warned", "of")]
    assert out[0].alternatives == (("WILLING", 0.1),)
    assert apply_edits(text, out) == ("THE NEW LEADER WILL HOLD TALKS\n"
                                      "A Think Tank of of a War")


def test_prose_is_not_touched_by_folding():
    text = "Xi volition hold talks in Moscow, Smith said. Then Smith Left."
    assert fold_headlines(text) == (text, [])


@pytest.mark.parametrize("spun, original", [
    ("XI VOLITION HOLD TALKS IN MOSCOW", "XI WILL HOLD TALKS IN MOSCOW"),
    ("Xi Volition Hold Talks Successful Moscow", "Xi Will Hold Talks in Moscow"),
])
def test_a_spun_headline_is_restored(lm, spun, original):
    assert restore(spun, model=lm).text == original


def test_a_clean_headline_is_left_alone(lm):
    clean = "The Committee Will Discuss the New School Budget on Tuesday"
    assert restore(clean, model=lm).edits == []


def test_the_fast_mode_points_at_words_in_a_headline():
    spans = detect("XI VOLITION HOLD TALKS SUCCESSFUL MOSCOW", mode="fast").spans
    assert {(s.text, s.likely_original) for s in spans} >= {("VOLITION", "WILL"),
                                                           ("SUCCESSFUL", "IN")}
    for span in spans:
        assert "XI VOLITION HOLD TALKS SUCCESSFUL MOSCOW"[span.start:span.end] == span.text


def test_a_byline_is_screened_as_names():
    text = "Talks Resume in Moscow\nBy John Smith and Mary Baker\nThe talks resumed on Friday."
    spans = detect(text, mode="fast").spans
    assert "John" not in {s.text for s in spans}
    assert fold_headlines(text)[0].split("\n")[1] == "By John Smith and Mary Baker"


WORDS = ["Volition", "VOLITION", "Helium", "HOLD", "Talks", "of", "the", "Moscow", "Smith",
         "😀", "É", "İstanbul", "Straße", "STRASSE", "x"]
SEPARATORS = [" ", " ", " ", ", ", ". ", "\n", "\n\n", "\t"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(WORDS), st.sampled_from(SEPARATORS)), max_size=14))
def test_headline_edits_fit_the_input(pieces):
    text = "".join(word + sep for word, sep in pieces)
    folded, lines = fold_headlines(text)
    inside = {i for line in lines for i in range(line.start, line.end)}
    assert len(folded) == len(text)
    for i, (a, b) in enumerate(zip(text, folded)):
        assert a == b or (i in inside and a.lower() == b.lower())
    result = restore(text, model=FakeModel())
    assert apply_edits(text, result.edits) == result.text
    for edit in result.edits + result.doubts:
        assert text[edit.start:edit.end] == edit.spun
    for span in detect(text, mode="fast").spans:
        assert text[span.start:span.end] == span.text


@pytest.mark.parametrize("seed", range(5))
def test_the_simulator_spins_a_headline_as_prose(seed):
    from unspin import spin

    headline = "THE NEW LEADER WILL HOLD TALKS IN MOSCOW AS HE SAID ON FRIDAY"
    spun = spin(headline, rate=0.5, seed=seed)
    assert spun.edits and apply_edits(spun.text, spun.edits) == headline
    assert spun.text == spun.text.upper()
    assert all("MOSCOW" not in e.original and "FRIDAY" not in e.original for e in spun.edits)
    title = "The New Leader Will Hold Talks in Moscow as He Said on Friday"
    spun = spin(title, rate=0.5, seed=seed)
    assert spun.edits and apply_edits(spun.text, spun.edits) == title
    assert cased_lines(spun.text)  # still a title
