import pytest

from unspin.evaluate import Counts, auc, score_restoration
from unspin.spin import Spun
from unspin.text import Edit, Restoration

ORIGINAL = "Xi will hold talks in Moscow today"
SPUN = Spun("Xi volition hold talks successful Moscow today",
            [Edit(3, 11, "volition", "will"), Edit(23, 33, "successful", "in")])


def test_perfect_restoration():
    restored = Restoration(ORIGINAL, [Edit(3, 11, "volition", "will"),
                                      Edit(23, 33, "successful", "in")])
    c = score_restoration(ORIGINAL, SPUN, restored)
    assert (c.spun_words, c.restored_words, c.clean_words, c.changed_clean_words) == (2, 2, 5, 0)
    assert (c.precision, c.recall) == (1.0, 1.0)


def test_identity_restores_nothing_and_changes_nothing():
    c = score_restoration(ORIGINAL, SPUN, Restoration(SPUN.text, []))
    assert (c.restored_words, c.changed_clean_words, c.recall) == (0, 0, 0.0)


def test_half_right_with_one_false_change():
    text = "Xi will hold talks successful Moscow now"
    restored = Restoration(text, [Edit(3, 11, "volition", "will"), Edit(41, 46, "today", "now")])
    c = score_restoration(ORIGINAL, SPUN, restored)
    assert (c.restored_words, c.changed_clean_words) == (1, 1)
    assert c.accuracy == 0.5 and c.precision == 0.5 and c.recall == 0.5


def test_phrase_span_needs_every_word():
    original = "a think tank warned"
    spun = Spun("a deliberation vessel warned", [Edit(2, 21, "deliberation vessel", "think tank")])
    half = Restoration("a think vessel warned", [Edit(2, 14, "deliberation", "think")])
    c = score_restoration(original, spun, half)
    assert (c.spun_words, c.restored_words) == (2, 0)


def test_inserted_word_counts_as_a_false_change():
    c = score_restoration("it is a dog", Spun("it is a dog", []),
                          Restoration("it is really a dog", [Edit(3, 5, "is", "is really")]))
    assert (c.changed_clean_words, c.clean_words, c.edits, c.edits_on_spans) == (1, 4, 1, 0)


def test_restorer_edit_spanning_two_spun_words():
    original = "a think tank warned"
    spun = Spun("a deliberation vessel warned", [Edit(2, 14, "deliberation", "think"),
                                                 Edit(15, 21, "vessel", "tank")])
    whole = Restoration(original, [Edit(2, 21, "deliberation vessel", "think tank")])
    c = score_restoration(original, spun, whole)
    assert (c.spun_words, c.restored_words, c.changed_clean_words) == (2, 2, 0)
    assert (c.precision, c.recall) == (1.0, 1.0)


def test_counts_add_up():
    a = Counts(spun_words=2, restored_words=1)
    a += Counts(spun_words=3, restored_words=3)
    assert (a.spun_words, a.restored_words) == (5, 4)


def test_auc():
    assert auc([1, 2, 3], [0, 0.5]) == 1.0
    assert auc([0], [1]) == 0.0
    assert auc([1, 1], [1, 1]) == 0.5


def test_evaluate_spins_with_the_thesaurus_asked_for():
    """``unspin eval --thesaurus moby`` scores text spun from Moby, not the lexicon:
    a restorer that gives back the true original of Moby's spins restores them all."""
    import zlib

    from unspin.evaluate import evaluate
    from unspin.spin import spin

    text = ("The new leader will hold talks in Moscow, as he said on Friday. A think tank "
            "warned of a trade war, and the markets fell by 3 percent in London.")
    pid, rate = "p1", 0.4
    seed = zlib.crc32(f"{pid}:{rate}".encode())  # as evaluate seeds it
    moby = spin(text, rate, seed=seed, thesaurus="moby")
    assert moby.edits and moby.text != spin(text, rate, seed=seed).text

    def oracle(spun_text):  # knows the Moby spin's alignment only
        return Restoration(text, list(moby.edits)) if spun_text == moby.text else \
            Restoration(spun_text, [])

    row = evaluate(oracle, [(pid, text)], rate, "oracle", "sotu", score_clean=False,
                   thesaurus="moby")
    assert row.counts.spun_words == sum(len(e.original.split()) for e in moby.edits)
    assert row.counts.restored_words == row.counts.spun_words
    assert evaluate(oracle, [(pid, text)], rate, "oracle", "sotu",
                    score_clean=False).counts.restored_words == 0


def test_interval_spans_the_paragraphs_spread_and_narrows_with_more():
    from unspin.evaluate import interval

    none_back, all_back = Counts(spun_words=10), Counts(spun_words=10, restored_words=10)
    # Two paragraphs, one all wrong and one all right: a resample may hold either twice.
    assert interval([none_back, all_back], "accuracy") == (0.0, 1.0)
    few = [none_back, all_back] * 2
    many = [none_back, all_back] * 50
    lo_few, hi_few = interval(few, "accuracy")
    lo_many, hi_many = interval(many, "accuracy")
    assert lo_few < lo_many < 0.5 < hi_many < hi_few
    assert interval(many, "accuracy") == (lo_many, hi_many)  # a fixed seed


def test_interval_of_each_ratio_uses_its_own_counts():
    from unspin.evaluate import RATIOS, interval

    doc = Counts(spun_words=4, restored_words=1, clean_words=10, changed_clean_words=2,
                 spun_spans=4, found_spans=3, edits=5, edits_on_spans=4)
    for metric in RATIOS:
        assert interval([doc] * 3, metric) == (getattr(doc, metric),) * 2


def test_evaluate_keeps_each_paragraphs_counts():
    from unspin.evaluate import evaluate, format_table

    paragraphs = [("p1", "The new leader will hold talks in Moscow, as he said on Friday."),
                  ("p2", "A think tank warned of a trade war, and the markets fell in London.")]
    row = evaluate(lambda t: Restoration(t, []), paragraphs, 0.4, "identity", "sotu",
                   score_clean=False)
    assert len(row.per_document) == 2
    assert sum(c.spun_words for c in row.per_document) == row.counts.spun_words > 0
    assert "0.0% [0.0-0.0]" in format_table([row])


def test_difference_interval_pairs_the_documents():
    from unspin.evaluate import difference_interval

    base = [Counts(spun_words=10, restored_words=k) for k in (2, 4, 6, 8)]
    better = [Counts(spun_words=10, restored_words=k + 1) for k in (2, 4, 6, 8)]
    assert difference_interval(base, base, "accuracy") == (0.0, 0.0)
    lo, hi = difference_interval(better, base, "accuracy")
    # Paired, the spread between paragraphs cancels: every draw gains exactly 0.1.
    assert round(lo, 6) == round(hi, 6) == 0.1
    mixed = [Counts(spun_words=10, restored_words=k + d)
             for k, d in zip((2, 4, 6, 8), (2, -2, 2, -2), strict=True)]
    lo, hi = difference_interval(mixed, base, "accuracy")
    assert lo < 0 < hi
    with pytest.raises(ValueError):
        difference_interval(better[:3], base, "accuracy")
