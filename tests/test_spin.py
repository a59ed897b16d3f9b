from hypothesis import given, settings
from hypothesis import strategies as st

from unspin import apply_edits, spin
from unspin.text import words

TEXT = ("The new leader will hold talks in Moscow, as he said on Friday. A think tank "
        "warned of a trade war, and the markets fell by 3 percent in London.\n\n"
        "Officials said the plan is a good one; Smith agreed.")


def test_same_seed_same_output_and_different_seed_differs():
    assert spin(TEXT, 0.3, seed=5) == spin(TEXT, 0.3, seed=5)
    outputs = {spin(TEXT, 0.3, seed=s).text for s in range(6)}
    assert len(outputs) > 1


def test_alignment_gives_back_the_original_exactly():
    for seed in range(20):
        out = spin(TEXT, 0.4, seed=seed)
        assert apply_edits(out.text, out.edits) == TEXT
        for edit in out.edits:
            assert out.text[edit.start:edit.end] == edit.spun
            assert edit.spun.lower() != edit.original.lower()


def test_unchanged_characters_survive():
    out = spin(TEXT, 0.4, seed=3)
    pieces, at = [], 0
    for edit in out.edits:
        pieces.append(out.text[at:edit.start])
        at = edit.end
    pieces.append(out.text[at:])
    rest = TEXT
    for piece in pieces:  # every kept stretch appears in order in the original
        idx = rest.find(piece)
        assert idx >= 0
        rest = rest[idx + len(piece):]


def test_names_numbers_and_function_words_stay():
    for seed in range(20):
        out = spin(TEXT, 0.5, seed=seed)
        changed = {e.original.lower() for e in out.edits}
        assert not changed & {"moscow", "london", "smith", "friday", "the", "of", "and"}
        assert "3 percent" in out.text or "3 " in out.text


def test_rate_is_roughly_honoured():
    text = " ".join([TEXT] * 10)
    n = len(words(text))
    for rate in (0.1, 0.25, 0.4):
        changed = sum(len(words(e.original)) for e in spin(text, rate, seed=1).edits)
        assert 0.5 * rate < changed / n < 1.6 * rate, (rate, changed / n)


def test_case_is_kept():
    out = spin("Leader. LEADER. leader.", 1.0, seed=0)
    spun = [e.spun for e in out.edits]
    assert spun[0][0].isupper() and spun[1].isupper() and spun[2].islower()


def test_rate_zero_changes_nothing():
    assert spin(TEXT, 0.0).text == TEXT


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abc lead new will hold talks 😀é\u0301\n.,")),
               max_size=80), st.integers(0, 5))
def test_alignment_property(text, seed):
    out = spin(text, 0.5, seed=seed)
    assert apply_edits(out.text, out.edits) == text


def test_ordinals_stay():
    text = "The talks on the 30th and the 22nd will be held in the 3rd hall. " * 3
    for seed in range(20):
        out = spin(text, 0.6, seed=seed)
        assert out.text.count("30th ") == 3 and out.text.count("22nd ") == 3, out.text
        assert out.text.count("3rd ") == 3, out.text


def test_a_moby_spinner_writes_from_moby_word_for_word():
    from unspin.lexicon import moby_spins_to
    text = " ".join([TEXT] * 4)
    out = spin(text, 0.3, seed=2, thesaurus="moby")
    assert apply_edits(out.text, out.edits) == text
    assert len(out.edits) > 10
    for edit in out.edits:
        assert " " not in edit.original and " " not in edit.spun
        written = {link.word for link in moby_spins_to(edit.original)}
        assert edit.spun.lower() in written, edit
    assert out.text != spin(text, 0.3, seed=2).text


def test_the_moby_spinner_keeps_names_and_function_words():
    for seed in range(10):
        out = spin(TEXT, 0.5, seed=seed, thesaurus="moby")
        changed = {e.original.lower() for e in out.edits}
        assert not changed & {"moscow", "london", "smith", "friday", "the", "of", "and"}


def test_an_unknown_thesaurus_is_refused():
    import pytest
    with pytest.raises(ValueError, match="thesaurus"):
        spin(TEXT, 0.3, thesaurus="roget")
