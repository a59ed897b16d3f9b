"""The per-text estimate of which thesaurus a text was spun with, and the Moby share it sets."""

from dataclasses import replace
from pathlib import Path

import pytest

from unspin import Config, restore, spin
from unspin import decode
from unspin.channel_mix import moby_posterior
from unspin.decode import for_text
from unspin.lm.fake import FakeModel
from unspin.screen_table import moby_spin_ratio

ARTICLE = (Path(__file__).parents[1] / "examples" / "article.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_estimate_tells_the_two_spinners_apart(seed):
    """The same article (120 words) spun from the built channel looks like it, and
    spun from Moby's lists looks like Moby's: the first would decode with a third
    of Moby's share at most, the second with two thirds at least."""
    by_lexicon = moby_posterior(spin(ARTICLE, rate=0.25, seed=seed).text)
    by_moby = moby_posterior(spin(ARTICLE, rate=0.25, seed=seed, thesaurus="moby").text)
    assert by_lexicon < 0.1 < 0.2 < by_moby


def test_a_text_without_evidence_keeps_the_prior_mean():
    assert moby_posterior("") == 0.5
    assert moby_posterior("The the of and.") == 0.5


def test_a_moby_spin_ratio_counts_moby_originals_only():
    # Moby lists "organization" under "network"; nothing lists a made-up word.
    assert moby_spin_ratio("organization") > 0.0
    assert moby_spin_ratio("zzyzx") == 0.0
    assert moby_spin_ratio("the") == 0.0  # a kept word is never spun


def test_the_share_follows_the_estimate(monkeypatch):
    monkeypatch.setattr(decode, "moby_posterior", lambda text: 0.15)
    assert for_text(Config(), "x").moby_share == pytest.approx(0.5)
    assert for_text(Config(moby_share=0.4), "x").moby_share == pytest.approx(0.2)
    monkeypatch.setattr(decode, "moby_posterior", lambda text: 0.9)
    assert for_text(Config(), "x").moby_share == 1.0  # never above the configured share
    assert for_text(Config(moby_share=0.0), "x").moby_share == 0.0
    assert for_text(Config(moby_full_at=0.0), "x") == Config(moby_full_at=0.0)


def test_restore_decodes_with_the_share_for_its_text(monkeypatch):
    seen = []

    def spy(sentence, lm, config, context=""):
        seen.append(config.moby_share)
        return [], [], 0.0

    monkeypatch.setattr(decode, "_restore_sentence", spy)
    monkeypatch.setattr(decode, "moby_posterior", lambda text: 0.06)
    restore("One sentence. Another one.", model=FakeModel(), config=Config())
    assert seen == [pytest.approx(0.2)] * 2
    seen.clear()
    restore("One sentence.", model=FakeModel(), config=replace(Config(), moby_full_at=0.0))
    assert seen == [1.0]
