import re

from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.text import Token, is_name, starts_sentence, words

# The rule as first written: a search over everything before the token.
SENTENCE_END_RE = re.compile(r"[.!?][\"')\]’”]*\s*$")


def starts_sentence_by_search(text: str, token: Token) -> bool:
    before = text[:token.start]
    return not before.strip() or bool(SENTENCE_END_RE.search(before)) or "\n\n" in before[-4:]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZ .!?\"')]’”\n\t\u00a0\u2003x;:,")), max_size=40))
def test_starts_sentence_looks_back_as_the_search_did(text):
    for token in words(text):
        assert starts_sentence(text, token) == starts_sentence_by_search(text, token), (text, token)


def test_names_and_sentence_starts():
    text = 'He said "Go." Then Smith left.\n\nRain fell; Paris slept (in May.) Now'
    starts = [t.text for t in words(text) if starts_sentence(text, t)]
    assert starts == ["He", "Then", "Rain", "Now"]
    assert [t.text for t in words(text) if is_name(text, t)] == ["Go", "Smith", "Paris", "May"]


def test_letters_glued_to_digits_are_not_words():
    """An ordinal's suffix is not a word: read alone, the "th" of "30th" is
    Thursday (or thorium), and the simulator wrote "30thursday"."""
    text = "On the 30th, the 2nd-rate mp3 player and the B52s played COVID-19 songs."
    assert [t.text for t in words(text)] == [
        "On", "the", "the", "rate", "player", "and", "the", "played", "COVID", "songs"]
    assert [t.text for t in words("naïve_café don't")] == ["naïve", "café", "don't"]
