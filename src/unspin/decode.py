"""The noisy-channel decoder: restore spun text with the lexicon and a small language model.

For every word (and two- or three-word phrase) the lexicon proposes originals.
Each option is scored by

    language model log-probability in context
    + channel_weight * log P(spun | original)      (the lexicon, run backwards)

and leaving a word alone has its own channel term, log(1 - spin_rate), plus a
bias. Decoding runs in three steps per sentence, cheapest first:

1. one forward pass over the spun sentence gives, at every word, the model's
   distribution for the next token: each option's first token is scored in the
   spun left context, and only the best few options per word survive;
2. words where no option comes near leaving the word alone are settled;
3. the rest are decided left to right, each option scored with its right
   context in one batched call (once an option is far behind on its own words,
   the words after it are not read), and the left context is the restored
   text so far, so neighbours spun together ("deliberation vessel") are
   restored jointly.

Step 2 also lets through a word whose next word is surprising after it ("talks
successful Moscow"), since the cheap pass cannot see that. A second pass then
decodes the words left alone near an edit again, with the edits in place: in a
heavily spun sentence the model takes the spun words as context ("arsenic
helium said" reads as chemistry), and every restored word clears the view.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .casing import fold_headlines, recase
from .channel_mix import moby_posterior
from .errors import StoppedError
from .lexicon import (Link, moby_fanout, moby_from, narrowed_from, narrowing_count,
                      restores_from)
from .lexicon.relations import MOBY, NARROWING
from .screen_table import table_spin_weight
from .text import Edit, Restoration, Token, apply_edits, match_case, phrase_span, words

SENTENCE_RE = re.compile(r"[^\n]*?(?:[.!?]+[\"'”’)\]]*(?=\s)|\n|$)")
OPTION_RE = re.compile(r"[a-z]+(?:[ '\-][a-z]+)*")
MAX_PHRASE = 3
# Longer sentences are decoded in pieces cut at spaces: a character is at most 4
# tokens, so a piece always fits the model's 4,096-token context.
MAX_SENTENCE = 1000


@dataclass(frozen=True)
class Config:
    """Decoder settings. Defaults were chosen on the dev split (benchmarks/tune.py).

    * ``spin_rate`` (0.25): prior share of spun words. Higher restores more and
      changes more clean words.
    * ``channel_weight`` (1.1): weight of log P(spun | original) against the LM.
      On dev (Gemma 3, rate 0.25, 15 paragraphs per corpus, with the settings
      below) 1.25 / 1.1 / 1.0 restored 44.6 / 50.4 / 54.8 % of SOTU's spun words
      and changed 0.34 / 0.48 / 0.61 % of the clean ones; Brown changed
      0.41 / 0.66 / 0.99 %, so 1.0 leaves no room under the 1 % bar.
    * ``keep_bias`` (1.5 nats): extra score for leaving a word alone; the main
      guard against false changes. Lower it to restore more aggressively.
      Dev (Gemma 3, 15 paragraphs per corpus, session 12's channel; restored /
      clean words changed): at rate 0.25, 2.0 gave 54.8 / 0.20 % on sotu and
      53.5 / 0.33 % on brown, 1.5 gave 57.4 / 0.27 % and 59.1 / 0.58 %, 1.0 gave
      60.6 / 0.41 % and 61.9 / 0.66 %; at rate 0.10 on brown, 2.0 / 1.5 / 1.0
      changed 0.07 / 0.35 / 0.63 % of clean words. 1.5 keeps every dev figure
      near half the 1 % bar; 1.0 would leave little room on test.
    * ``max_options`` (6): options per word kept after the first, cheap pass.
    * ``gate_margin`` (4.0 nats): a word is rescored only when its best option
      comes within this margin of leaving it alone in the cheap pass (after the
      right-surprise credit below).
    * ``right_surprise`` (6.0 nats): the cheap pass sees only the left context,
      but a spun word often shows in the word after it ("successful Moscow").
      When that next word costs more than this, the excess counts towards
      rescoring the word. Dev: +1.8 points restored, fewer false changes.
    * ``passes`` (2): decoding passes per sentence. A later pass revisits the
      words left alone, in the context the earlier pass restored: a heavily
      spun sentence misleads the model ("arsenic helium said" reads as
      chemistry), and each restored word makes its neighbours clearer. Dev:
      +2 points restored at the same false-change rate.
    * ``reach`` (3 words): a later pass revisits only words this close to an
      earlier edit (0: every word); further away the context barely changed.
      Dev (as above): 0 restored 55.6 / 53.5 % and changed 0.14 / 0.75 %.
    * ``right_context`` (6 words): how far right an option is scored. The word
      after a spun word often fits the original better than the spun word, and
      a few words further on the damage is plainer still ("talks successful
      Moscow, arsenic helium said"). Dev (15 paragraphs per corpus, rate 0.25,
      sotu / brown): 2 words restored 49.4 / 49.3 % and changed 0.55 / 0.66 % of
      clean words; 6 words 54.6 / 49.6 % and 0.41 / 0.41 %, at two thirds of
      the speed (4 words: 54.0 / 50.9 %, but 0.99 % changed on brown).
    * ``left_context`` (100 words): how much of the text before a sentence, as
      restored so far, the model reads in front of it. Sentences are decoded
      one at a time, and without it each started cold. Dev (15 paragraphs per
      corpus, rate 0.25, sotu / brown): none restored 54.6 / 49.6 % and changed
      0.41 / 0.41 % of clean words; 40 words 55.0 / 53.3 % and 0.14 / 0.75 %;
      100 words 53.8 / 53.5 % and 0.20 / 0.58 %, with fewer false changes at the
      worse corpus. The window moves in steps (:class:`ContextWindow`): it
      holds between half this and this many words, so consecutive sentences
      share its start and the model reads it once, not once per sentence.
    * ``joint_options`` (2): readings of a spun-looking next word tried with each option.
    * ``tail_margin`` (6.0 nats): the most the words after a change may count
      against it, next to the spun word kept. Those words may be spun too, and
      spun words read more naturally together ("Xi volition hold talks
      successful Moscow": after "volition" the model finds "successful" likely,
      after "will" it does not), so without a bound a spun right context
      outvoted the clearest changes. Dev (rate 0.25, 15 paragraphs per corpus,
      sotu / brown): unbounded 54.4 / 53.0 % restored and 0.20 / 0.25 % of clean
      words changed; 6 nats 54.8 / 53.5 % and 0.20 / 0.33 %. Bounding the
      right context's say both ways (a keep's tail floored too) restored 50.8 %
      of sotu's spun words at 6 and 48.2 % at 4: it also helps changes.
    * ``head_margin`` (8.0 nats): an option whose own words, with its channel
      score, come more than this under the best of its slot's options is not
      read with the words after it (the spun word kept always is). The words
      after an option rarely make up that much: in 661 dev decisions (Gemma 3,
      rate 0.25, six paragraphs of each corpus, both spinners) one winner was
      more than 8 nats behind on its own words (none more than 10), and 40-42 %
      of the right-context tokens go unread at 8 (28-33 % at 10). Dev (rate
      0.25, 15 paragraphs per corpus, the four cells of the lexicon's and
      Moby's spins, sotu / brown): 56.8 / 54.9 % and 47.4 / 48.3 % restored at
      8, 56.8 / 54.6 % and 47.4 / 48.8 % at 10 (session 28), 56.8 / 54.9 % and
      47.4 / 48.5 % reading every option; the 1,048-word article of
      ``benchmarks/speed.py`` took 130.8 s at 8, 139.6 s at 10 and 161 s
      reading every option.
      ``math.inf`` reads every option in full.
    * ``one_keep`` (False): whether a word's rival slots (a phrase, "in all",
      and its first word, "in") share one reading "every word kept" instead of
      one each. Each keep is the same text with the same score, so counted
      twice they halve each other's confidence (a kept word becomes a doubt)
      and a change competes with twice the keep's weight. Dev (Gemma 3, rate
      0.25, 15 paragraphs per corpus, both spinners, sotu / brown): 56.8 /
      54.9 % and 47.4 / 48.8 % restored, against 56.8 / 54.6 % and 47.4 /
      48.8 % without; clean words changed the same but on the Moby spinner's
      Brown, 0.58 % against 0.41 %, over the 0.1-point rise the rule written
      before the runs allowed, so it stays off (session 28). The full
      detector's calibration was fitted with it off; on, its dev spans move by
      at most one per corpus while its document scores shift, so it would
      need a refit (session 29).
    * ``extra_token_penalty`` (3.0 nats): in the cheap pass only an option's first
      token is scored; each further token of it costs this much, so long rare
      words are not favoured for starting with a common piece.
    * ``narrow_share`` (0.1): the prior share of a spinner's substitutions that
      narrow a word to one of its hyponyms ("error" -> "blunder", "failure" ->
      "disappointment"), which the built channel leaves out; each hyponym gets
      an even part of it (:func:`~unspin.lexicon.narrowing_count`). Real
      tortured phrases narrow (``benchmarks/tortured.py``: Gemma 3 restored 10
      of 35 phrases instead of 6, and 5 of 33 held-out ones instead of 3); the
      simulator does not, so dev measures only what it costs: rate 0.25, 15
      paragraphs per corpus, sotu / brown, 57.8 / 55.4 % restored against
      57.4 / 55.6 % without, and the same clean words changed (0.34 / 0.66 %).
      The value was set beforehand, not tuned. 0 turns it off.
    * ``moby_share`` (1.0): the prior share of substitutions drawn from Moby
      Thesaurus II's lists (:func:`~unspin.lexicon.moby_from`), where the built
      channel has no path ("organization" for network); each word a headword
      lists gets an even part of it (:func:`~unspin.lexicon.moby_fanout`), so
      at 1.0 a Moby link is as likely as a spinner that draws uniformly from
      Moby's list would make it. Chosen on dev with two spinners, the lexicon's
      and Moby's (``spin(..., thesaurus="moby")``; rate 0.25, 15 paragraphs per
      corpus, Gemma 3), as the share that restores the most over the four cells
      with clean words changed under 0.8 % on the lexicon's spins. Restored,
      sotu / brown: off 57.8 / 55.4 % (lexicon) and 4.1 / 4.6 % (Moby); 0.1
      57.8 / 55.4 % and 27.5 / 31.6 %; 0.3 57.0 / 56.2 % and 37.2 / 39.7 %;
      1.0 55.0 / 52.5 % and 47.2 / 48.3 %. Clean words changed on the
      lexicon's spins: off 0.34 / 0.66 %, 1.0 0.34 / 0.75 %. On test (rate
      0.25, 20 paragraphs) 58.0 / 60.5 % of the lexicon's spins (61.3 / 62.8 %
      off) and 44.0 / 48.8 % of Moby's; 7 of 33 held-out real tortured
      phrases (5 off). SmolLM2's settings (:data:`ONE_PASS`) take it since session 26.
    * ``moby_full_at`` (0.3): how much of a text's spinning must look like
      Moby's for Moby's options to get the whole ``moby_share``. Each text
      gets ``moby_share * min(1, m / moby_full_at)``, where m is
      :func:`~unspin.channel_mix.moby_posterior`, an estimate from word
      frequencies alone (no model) of the share of its substitutions that
      follow Moby's lists rather than the built channel's: near 0.1 for text
      spun from the built channel, 0.35 and above for text spun from Moby's
      lists, 0.5 with no evidence either way. So a text that is plainly spun
      from WordNet-style relations decodes nearly without Moby's options, and
      every other text with most or all of them. Set on dev's estimates
      before any decode, midway between the built channel's spins (90th
      percentile 0.14 / 0.20, sotu / brown, rate 0.25, 60 paragraphs) and
      Moby's (10th percentile 0.40 / 0.36). Dev decodes (Gemma 3, rate 0.25,
      15 paragraphs per corpus), sotu / brown: the lexicon's spins 57.2 /
      54.9 % restored (55.0 / 52.5 % at the whole share, 57.8 / 55.4 % with
      Moby off), clean words changed 0.34 / 0.58 %; Moby's 47.2 / 48.3 %, as
      at the whole share. Test (20 paragraphs): 59.0 / 60.5 % of the
      lexicon's spins (58.0 / 60.5 % at the whole share), 44.0 / 48.8 % of
      Moby's (the same), the same real tortured phrases. The estimate rarely
      falls below 0.05, so a text spun from the built channel still keeps
      about a fifth of the share. 0 gives every text the whole share.
    * ``temperature`` (1.0): softens scores into the confidences edits report.
      Above 1 they are less sure. SmolLM2's is 1.6 (:data:`ONE_PASS`), so that
      its confident edits stay 90 % right with Moby's options.
    * ``min_confidence`` (0.5): edits below it are not applied.
    * ``floor_temperature`` (None): the temperature of the confidence that
      ``min_confidence`` is held against; None means ``temperature``, the
      reported one. SmolLM2's is 1.0, so it applies what it would apply at
      temperature 1 and reports the softer confidence: a softer softmax leaves
      more winners under the floor where two originals share the mass ("will"
      and "willing"); on dev 39 of the 76 edits it applied under 0.5 were
      right, near-even calls as reported. A floor the user sets
      (:meth:`with_min_confidence`) always holds against the reported confidence.
    * ``doubt_below`` (0.95): a word left alone whose probability of being
      original is below this is reported as a doubt (the detector's spans): the
      loosest value that keeps span precision at 0.90 on both dev corpora at
      rate 0.25 in the full detection mode's decodes, where it finds 0.83/0.77
      of the spun spans (sotu/brown; session 24, with Moby's options; 0.96:
      0.84/0.78 at precision 0.897/0.892; ``benchmarks/span_rule.py``).
      Sessions 5 and 14 gave 0.95 and 0.97 with Moby off. SmolLM2's one-pass
      settings (:data:`ONE_PASS`) have their own: 0.98 in session 3, 0.985 with
      session 12's channel (session 15: precision 0.905 / 0.902, recall
      0.706 / 0.672; 0.99 falls to 0.892 / 0.889).
    * ``posterior_doubts`` (False): judge the words left alone by their own
      posterior of having been spun, read in the restored text against every
      original the channel knows (:mod:`unspin.doubt`), instead of by the
      decoder's confidence in keeping them. Then ``doubt_below`` holds against
      that posterior. It reads the text a second time; the full detection mode
      turns it on (``detect.detector_settings``).
    """

    spin_rate: float = 0.25
    channel_weight: float = 1.1
    keep_bias: float = 1.5
    max_options: int = 6
    gate_margin: float = 4.0
    right_surprise: float = 6.0
    passes: int = 2
    reach: int = 3
    right_context: int = 6
    left_context: int = 100
    joint_options: int = 2
    tail_margin: float = 6.0
    head_margin: float = 8.0
    one_keep: bool = False
    extra_token_penalty: float = 3.0
    narrow_share: float = 0.1
    moby_share: float = 1.0
    moby_full_at: float = 0.3
    temperature: float = 1.0
    min_confidence: float = 0.5
    floor_temperature: float | None = None
    doubt_below: float = 0.95
    posterior_doubts: bool = False

    def with_min_confidence(self, floor: float) -> Config:
        """These settings with a user's floor, held against the reported confidence.

        >>> tempered = Config(temperature=1.6, floor_temperature=1.0)
        >>> tempered.with_min_confidence(0.9).floor_temperature is None
        True
        """
        return replace(self, min_confidence=floor, floor_temperature=None)


# The decoder as it was before the second pass and the right-surprise credit
# (session 3): SmolLM2 keeps it, with the left context (dev, rate 0.25, 15
# paragraphs per corpus, sotu / brown: 44.0 / 42.0 % restored and 0.14 / 0.50 %
# of clean words changed, against 40.8 / 38.1 % and 0.61 / 0.83 % without). It
# keeps the keep bias it was tuned with (2.0); Gemma 3's fell to 1.5 in session 13.
# Its doubt rule (0.985) was refitted on the full mode's SmolLM2 dev decodes in
# session 15 (Config.doubt_below says how). Since session 26 it takes Moby's
# options (the share set per text, as Gemma 3's) at temperature 1.6: with Moby's
# options at temperature 1.0 only 62 of its 72 confident edits on the Moby
# spinner's dev Brown were right (86 %), and 52 of 58 at 1.3. Dev (rate 0.25, 15
# paragraphs per corpus; lexicon's spins sotu / brown, Moby's sotu / brown;
# restored, confident edits right): Moby off 44.4 / 40.4 % and 2.5 / 2.7 %
# (150/155, 103/108, 4/19, 7/12); on at 1.6 40.8 / 37.5 % and 20.1 / 23.6 %
# (105/106, 76/78, 33/34, 42/43), clean words changed 0.07-0.33 %. The rule,
# written before the runs: the smallest temperature of 1.0, 1.3, 1.6 with at
# least 90 % of confident edits right and under 1 % of clean words changed in
# every cell, if its mean restored beats Moby off's (30.5 against 22.5 %).
# Since session 27 it applies what it would apply at temperature 1
# (``floor_temperature``) and reports the softer confidence: dev as above, 44.2 /
# 40.2 % and 22.4 / 26.3 % restored (mean 33.3 %), confident edits 107/108, 77/79,
# 33/34, 42/43 right, clean words changed 0.14-0.41 %.
# The full mode keeps the settings its calibration was fitted with (Moby off,
# temperature 1.0; detect.FITTED_WITH and detect.MODEL_FITTED_WITH).
ONE_PASS: dict = {"channel_weight": 1.25, "passes": 1, "right_surprise": math.inf,
                  "doubt_below": 0.985, "right_context": 2, "tail_margin": math.inf,
                  "head_margin": math.inf,
                  "keep_bias": 2.0, "temperature": 1.6, "floor_temperature": 1.0}
# Where a model's best settings on dev differ from Config's defaults (Gemma 3's).
# With the second pass and channel weight 1.1, SmolLM2 changed 0.96 % / 1.66 % of
# clean dev words (sotu / brown) and its confident edits were right 92 % / 88 % of
# the time; with the one-pass settings it stays inside both bars.
MODEL_SETTINGS: dict[str, dict] = {"smollm2": ONE_PASS}


def settings_for(model_name: str | None, *, min_confidence: float | None = None) -> Config:
    """The decoder settings for a model (a registry name), optionally with a confidence floor.

    >>> settings_for("smollm2").passes, settings_for("gemma3").passes
    (1, 2)
    >>> settings_for("gemma3", min_confidence=0.9).min_confidence
    0.9
    """
    config = Config(**MODEL_SETTINGS.get(model_name or "", {}))
    return config if min_confidence is None else config.with_min_confidence(min_confidence)


@dataclass(eq=False)
class Option:
    """One reading of a slot: an original (or the spun word kept) and its scores."""

    text: str
    channel: float
    relation: str
    lm: float = 0.0

    @property
    def keep(self) -> bool:
        return self.relation == "keep"


@dataclass(eq=False)
class Slot:
    """A span of one or more words that may have been spun, with its options."""

    first: int
    last: int
    start: int
    end: int
    spun: str
    options: list[Option] = field(default_factory=list)
    lead: int = 0  # where the model's first token for this slot starts (a space before it)
    right_lm: float = 0.0  # log-probability of the next word after the spun slot


def restore(text: str, *, model: object = None, config: Config | None = None,
            lexicon: list | None = None,
            should_stop: Callable[[], bool] | None = None,
            progress: Callable[[int, int], None] | None = None) -> Restoration:
    """Restore the original wording of spun ``text``; every change is an edit.

    ``model`` is a model name ("gemma3", "smollm2") or a loaded model; None
    takes the default (Gemma 3 270M, chosen on the dev split). ``config`` defaults to
    :func:`settings_for` the model. ``lexicon`` is a list of user entries
    (``unspin.userlex.load_lexicon``): where one fires and names an original,
    that original wins over the decoder's choice. ``should_stop`` is asked
    before each sentence; when it answers True the decoder raises
    :class:`~unspin.errors.StoppedError` (a server's time limit uses it).
    ``progress`` is called after each sentence with how many characters of
    ``text`` are decoded and how many there are (the CLI's progress line).

    >>> r = restore("Xi volition hold talks in Moscow.")
    >>> r.text
    'Xi will hold talks in Moscow.'
    >>> restore("The cat sat on the mat.").edits
    []
    """
    if hasattr(model, "continuation_logprobs"):
        lm = model
    else:
        from .lm import load_model

        lm = load_model(model) if model else load_model()
    # Headlines are decoded as the prose they stand for (``casing``); the folded
    # copy has the input's length, so offsets carry over.
    folded, headlines = fold_headlines(text)
    config = for_text(config or settings_for(getattr(lm, "name", None)), folded)
    progress, second_half = _halves(progress) if config.posterior_doubts else (progress, None)
    edits: list[Edit] = []
    doubts: list[Edit] = []
    spun_mass = 0.0
    spans = sentence_pieces(folded)
    window = ContextWindow(config.left_context)
    for done, (start, end) in enumerate(spans):
        if should_stop is not None and should_stop():
            raise StoppedError(f"stopped after {done} of {len(spans)} sentences")
        # Context and sentence together must still fit the model, as a piece alone does.
        context = _left_context(folded, start, edits, window.words_before(folded, start),
                                max_chars=MAX_SENTENCE - (end - start))
        window.read(context)
        sentence_edits, sentence_doubts, mass = _restore_sentence(folded[start:end], lm, config,
                                                                  context)
        window.restored(folded, start, end, sentence_edits)
        edits += [replace(e, start=e.start + start, end=e.end + start) for e in sentence_edits]
        doubts += [replace(e, start=e.start + start, end=e.end + start) for e in sentence_doubts]
        spun_mass += mass
        if progress is not None:
            progress(end, len(text))
    if progress is not None and (not spans or spans[-1][1] < len(text)):
        progress(len(text), len(text))
    if headlines:
        edits, doubts = recase(text, edits, headlines), recase(text, doubts, headlines)
    if config.posterior_doubts:
        from .doubt import posterior_doubts

        doubts = posterior_doubts(text, edits, lm, config, should_stop=should_stop,
                                  progress=second_half)
    n_words = len(words(text))
    restored = Restoration(apply_edits(text, edits), edits,
                           spun_mass / n_words if n_words else 0.0, doubts)
    return with_lexicon(text, restored, lexicon) if lexicon else restored


def _halves(progress: Callable[[int, int], None] | None) -> tuple:
    """Two progress callbacks that share ``progress``'s line: the decode fills its
    first half, the second reading of the words left alone (about as long) the rest.

    >>> seen = []
    >>> first, second = _halves(lambda done, total: seen.append(done))
    >>> first(100, 100), second(0, 100), second(100, 100)
    (None, None, None)
    >>> seen
    [50, 50, 100]
    """
    if progress is None:
        return None, None
    return (lambda done, total: progress(done // 2, total),
            lambda done, total: progress((total + done) // 2, total))


def for_text(config: Config, text: str) -> Config:
    """``config`` with Moby's share set for ``text`` (``Config.moby_full_at`` says how).

    >>> spun = "Xi volition hold talks successful Moscow, arsenic helium said."
    >>> round(for_text(Config(), spun).moby_share, 2)
    0.49
    >>> for_text(Config(moby_full_at=0), spun).moby_share
    1.0
    >>> for_text(Config(), "The cat sat on the mat.").moby_share
    1.0
    """
    if config.moby_share <= 0 or config.moby_full_at <= 0:
        return config
    share = config.moby_share * min(1.0, moby_posterior(text) / config.moby_full_at)
    return replace(config, moby_share=share, moby_full_at=0.0)


def with_lexicon(text: str, restoration: Restoration, lexicon: list) -> Restoration:
    """``restoration`` of ``text`` with user-lexicon entries applied, as ``restore`` applies them.

    Lets a caller keep one decoder run and apply different lexicons to it.

    >>> from unspin.userlex import parse_lexicon
    >>> plain = Restoration("Xi volition hold", [])
    >>> with_lexicon("Xi volition hold", plain, parse_lexicon("volition,will")).text
    'Xi will hold'
    >>> with_lexicon("Xi volition hold", plain, []).text
    'Xi volition hold'
    """
    edits = _with_user_edits(text, restoration.edits, lexicon)
    return Restoration(apply_edits(text, edits), edits, restoration.spun_score,
                       restoration.doubts)


def _with_user_edits(text: str, edits: list[Edit], lexicon: list) -> list[Edit]:
    """User-lexicon matches replace any decoder edit they overlap."""
    from .userlex import match_entries

    user, taken = [], -1
    for match in match_entries(text, lexicon):
        if match.original and match.start >= taken:
            user.append(Edit(match.start, match.end, match.text,
                             match_case(match.original, match.text), 1.0, (),
                             f"user lexicon {match.source}"))
            taken = match.end
    kept = [e for e in edits if not any(e.start < u.end and u.start < e.end for u in user)]
    return sorted(kept + user, key=lambda e: e.start)


def sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences (and lines) of ``text``, without surrounding space.

    >>> t = "One. Two!\\nThree"
    >>> [t[a:b] for a, b in sentences(t)]
    ['One.', 'Two!', 'Three']
    """
    spans = []
    for match in SENTENCE_RE.finditer(text):
        piece = match.group()
        stripped = piece.strip()
        if stripped:
            start = match.start() + piece.index(stripped)
            spans.append((start, start + len(stripped)))
    return spans


def sentence_pieces(text: str) -> list[tuple[int, int]]:
    """The spans ``restore`` decodes one at a time: sentences, long ones cut at spaces.

    >>> t = "One. Two!"
    >>> [t[a:b] for a, b in sentence_pieces(t)]
    ['One.', 'Two!']
    """
    return [piece for span in sentences(text) for piece in _pieces(text, *span)]


def _pieces(text: str, start: int, end: int, limit: int = MAX_SENTENCE) -> list[tuple[int, int]]:
    """Cut the span ``start:end`` of ``text`` at spaces into pieces of at most ``limit`` characters.

    >>> t = "one two three four"
    >>> [t[a:b] for a, b in _pieces(t, 0, len(t), limit=9)]
    ['one two', 'three', 'four']
    >>> _pieces("abcdef", 0, 6, limit=4)
    [(0, 4), (4, 6)]
    """
    pieces = []
    while end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit + 1)
        if cut == -1:
            pieces.append((start, start + limit))
            start += limit
        else:
            pieces.append((start, cut))
            start = cut + 1
    return pieces + [(start, end)]


class ContextWindow:
    """Which restored words the model reads before each piece: the window's
    first word stays put while it holds at most ``size`` words, then moves up
    to keep the last ``size // 2``. Consecutive pieces so share the start of
    their context, and the model's cache of it; a window that slid one
    sentence at a time had the model read 100 words again for every piece.

    >>> window = ContextWindow(4)
    >>> text = "One two. Three four. Five six."
    >>> window.words_before(text, 0)
    0
    >>> window.restored(text, 0, 8, []); window.words_before(text, 9)
    2
    >>> window.restored(text, 9, 20, []); window.words_before(text, 21)
    4
    >>> window.restored(text, 21, 30, []); window.words_before(text, 31)
    2
    """

    def __init__(self, size: int):
        self.size = size
        self.total = 0      # restored words before the next piece
        self.first = 0      # index of the window's first word among them
        self._at = 0        # where the text counted so far ends

    def words_before(self, text: str, start: int) -> int:
        """How many restored words before ``start`` the model reads (gaps between pieces count)."""
        self.total += len(words(text[self._at:start]))
        self._at = start
        if self.total - self.first > self.size:
            self.first = self.total - max(1, self.size // 2)
        return self.total - self.first if self.size > 0 else 0

    def read(self, context: str) -> None:
        """Note the context actually read: a character budget may have cut its front."""
        self.first = max(self.first, self.total - len(words(context)))

    def restored(self, text: str, start: int, end: int, edits: list[Edit]) -> None:
        """Count the piece ``text[start:end]`` as restored by ``edits`` (offsets in the piece)."""
        self.total += len(words(apply_edits(text[start:end], edits)))
        self._at = end


def _left_context(text: str, start: int, edits: list[Edit], n_words: int,
                  max_chars: int = MAX_SENTENCE) -> str:
    """The last ``n_words`` words before ``start`` as restored by ``edits`` (sorted,
    all before ``start``), with the space that follows them; "" when there are none.
    Fewer words when they would take more than ``max_chars`` characters.

    >>> _left_context("One two. Three four.", 9, [], 1)
    'two. '
    >>> _left_context("Xi volition hold. Then", 18, [Edit(3, 11, "volition", "will", 1.0)], 9)
    'Xi will hold. '
    >>> _left_context("aa bb cc dd. ", 13, [], 10, max_chars=7)
    'cc dd. '
    """
    if n_words <= 0 or start == 0:
        return ""
    # Look back only as far as the words needed, so a long text costs no more
    # per sentence than a short one. An edit may turn up to MAX_PHRASE words
    # into one, so that many times the words are read.
    needed = MAX_PHRASE * n_words
    reach = 8 * (needed + 1)
    while True:
        lo = max(0, start - reach)
        if lo == 0 or len(words(text[lo:start])) > needed:
            break
        reach *= 2
    recent = edits[-(needed + 1):]  # every edit is at least a word long
    lo = min([lo] + [e.start for e in recent if e.start < lo < e.end])
    before = apply_edits(text[lo:start], [replace(e, start=e.start - lo, end=e.end - lo)
                                          for e in recent if e.start >= lo])
    # The context must end in space, so the sentence's first word stays a word.
    space = "" if before[-1:].isspace() else " "
    end = len(before) + len(space)
    fits = [t.start for t in words(before)[-n_words:] if end - t.start <= max_chars]
    return before[fits[0]:] + space if fits else ""


def _restore_sentence(sentence: str, lm, config: Config,
                      context: str = "") -> tuple[list[Edit], list[Edit], float]:
    """Edits and doubts for one sentence, and its expected number of spun words.

    ``context`` (restored text before the sentence, ending in space) is read
    by the model but never changed. Each pass after the first decodes the
    sentence as restored so far, with the edits made fixed; its edits and
    doubts are mapped back to ``sentence``.
    """
    edits, doubts, masses, _ = _one_pass(sentence, lm, config, [], context)
    for _ in range(config.passes - 1):
        if not edits:
            break
        frozen, shifts = _edited_spans(edits)
        more, new_doubts, fresh, seen = _one_pass(apply_edits(sentence, edits), lm, config,
                                                  frozen, context)
        # What a later pass decided replaces what the earlier one said there.
        seen = [(_back(a, shifts), _back(b, shifts)) for a, b in seen]
        masses = [m for m in masses if not _overlaps(m[0], m[1], seen)]
        masses += [(_back(a, shifts), _back(b, shifts), m) for a, b, m in fresh]
        doubts = [d for d in doubts if not _overlaps(d.start, d.end, seen)]
        doubts = sorted(doubts + [_shift_back(e, shifts) for e in new_doubts],
                        key=lambda e: e.start)
        edits = sorted(edits + [_shift_back(e, shifts) for e in more], key=lambda e: e.start)
        if not more:
            break
    return edits, doubts, sum(m for _, _, m in masses)


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(start < b and a < end for a, b in spans)


def _edited_spans(edits: list[Edit]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Where ``edits`` sit in the restored text, and (restored offset, shift) pairs to map back.

    >>> spans, shifts = _edited_spans([Edit(3, 11, "volition", "will")])
    >>> spans, _back(12, shifts)
    ([(3, 7)], 16)
    """
    spans, shifts, shift = [], [(0, 0)], 0
    for edit in sorted(edits, key=lambda e: e.start):
        start = edit.start + shift
        spans.append((start, start + len(edit.original)))
        shift += len(edit.original) - len(edit.spun)
        shifts.append((start + len(edit.original), shift))
    return spans, shifts


def _back(offset: int, shifts: list[tuple[int, int]]) -> int:
    """An offset of the restored text outside every edit, in the text before the edits."""
    return offset - next(shift for at, shift in reversed(shifts) if at <= offset)


def _shift_back(edit: Edit, shifts: list[tuple[int, int]]) -> Edit:
    return replace(edit, start=_back(edit.start, shifts), end=_back(edit.end, shifts))


def _one_pass(sentence: str, lm, config: Config, frozen: list[tuple[int, int]],
              context: str = "") -> tuple[list[Edit], list[Edit], list, list]:
    """Decode ``sentence`` after ``context``, leaving the ``frozen`` spans (earlier
    edits) as they are.

    Returns the edits, the doubts, (start, end, expected spun words) per decided
    slot, and the spans of every slot this pass considered, in ``sentence``'s offsets.
    """
    skip = len(context)
    own = words(sentence)
    slots = [slot for slot in _slots(sentence, own, config)
             if not _overlaps(slot.start, slot.end, frozen)]
    if frozen and config.reach:
        near = [i for i, t in enumerate(own) if _overlaps(t.start, t.end, frozen)]
        slots = [s for s in slots
                 if any(s.first - config.reach <= i <= s.last + config.reach for i in near)]
    seen = [(slot.start, slot.end) for slot in slots]
    if not slots:
        return [], [], [], seen
    # The model reads the context too: slots and tokens move into its offsets.
    text = context + sentence
    head = words(context)
    tokens = head + [Token(t.start + skip, t.end + skip, t.text) for t in own]
    for slot in slots:
        slot.first, slot.last = slot.first + len(head), slot.last + len(head)
        slot.start, slot.end = slot.start + skip, slot.end + skip
    _prune(text, tokens, slots, lm, config)
    chosen = _decide(text, tokens, slots, lm, config)
    edits, doubts, masses = [], [], []
    for slot, (option, confidence, ranked, held) in chosen.items():
        start, end = slot.start - skip, slot.end - skip
        keep_conf = next((c for o, c in ranked if o.keep), 0.0)
        if len(slot.options) > 1:
            masses.append((start, end, (1.0 - keep_conf) * (slot.last - slot.first + 1)))
        applied = not option.keep and held >= config.min_confidence
        if not applied and keep_conf >= config.doubt_below:
            continue
        best = option if not option.keep else next(o for o, _ in ranked if not o.keep)
        alternatives = tuple((match_case(o.text, slot.spun), round(c, 4))
                             for o, c in ranked if o is not best)[:3]
        edit = Edit(start, end, slot.spun, match_case(best.text, slot.spun),
                    confidence if applied else 1.0 - keep_conf, alternatives, best.relation)
        (edits if applied else doubts).append(edit)
    return edits, doubts, masses, seen


def _slots(sentence: str, tokens: list[Token], config: Config) -> list[Slot]:
    slots = []
    for i in range(len(tokens)):
        for n in range(MAX_PHRASE, 0, -1):
            span = phrase_span(sentence, tokens, i, n)
            if span is None:
                continue
            spun = sentence[span[0]:span[1]]
            options = _options(spun.lower(), config)
            if options:
                slots.append(Slot(i, i + n - 1, span[0], span[1], spun, options))
    return slots


def _options(spun: str, config: Config) -> list[Option]:
    links = [link for link in restores_from(spun) if OPTION_RE.fullmatch(link.word)]
    for share, look_up in ((config.narrow_share, narrowed_from), (config.moby_share, moby_from)):
        if share > 0:
            known = {link.word for link in links}
            links += [link for link in look_up(spun)
                      if link.word not in known and OPTION_RE.fullmatch(link.word)]
    if not links:
        return []
    keep = Option(spun, math.log(1.0 - config.spin_rate) + config.keep_bias, "keep")
    return [keep] + [Option(link.word, _channel(link, config), link.relation) for link in links]


def _channel(link: Link, config: Config) -> float:
    """log P(original spun, and into this word): the link's share of the original's
    spin weight, or for a narrowing, an even part of ``narrow_share``."""
    if link.relation == NARROWING[0]:
        return math.log(config.spin_rate * config.narrow_share
                        / max(1, narrowing_count(link.word)))
    if link.relation == MOBY[0]:
        return math.log(config.spin_rate * config.moby_share / max(1, moby_fanout(link.word)))
    # From the fast detector's tables where they hold the word: the same value,
    # and a cold live look-up inflects everything the original may be spun into.
    fanout = table_spin_weight(link.word)
    return math.log(config.spin_rate) + math.log(link.weight / max(fanout, link.weight))


def _prune(sentence: str, tokens: list[Token], slots: list[Slot], lm, config: Config) -> None:
    """Score every option's first token in the spun left context; keep the best few."""
    scores = lm.prefix_logprobs(sentence)
    bounds = scores.boundaries
    for slot in slots:
        start = _boundary(sentence, slot.start, bounds)
        end = bounds[bisect_left(bounds, slot.end)]
        keep_lm = scores.logprob(start, end)
        if slot.last + 1 < len(tokens):
            after = bounds[bisect_left(bounds, tokens[slot.last + 1].end)]
            slot.right_lm = scores.logprob(end, after) if after > end else 0.0
        dist = scores.next_token_logprobs(start)
        lead = sentence[start:slot.start]
        for option in slot.options:
            if option.keep:
                option.lm = keep_lm
            else:
                option.lm = first_token_score(lm, dist, lead, _surface(option, slot), config)
        keep, *rest = slot.options
        rest.sort(key=lambda o: _cheap(o, config), reverse=True)
        slot.options = [keep] + rest[:config.max_options]
        slot.lead = start


def first_token_score(lm, dist, lead: str, written: str, config: Config) -> float:
    """The cheap pass's score of ``written`` after ``lead`` (the space before it):
    its first token's log-probability in ``dist``, less ``extra_token_penalty``
    for each further token."""
    ids = lm.tokenize(lead + written)
    return float(dist[ids[0]]) - config.extra_token_penalty * (len(ids) - 1)


def _boundary(sentence: str, start: int, bounds: list[int]) -> int:
    """Where the model's token for a word begins: the space before it, or the nearest start."""
    if start > 0 and sentence[start - 1] == " " and start - 1 in bounds:
        return start - 1
    return bounds[bisect_right(bounds, start) - 1]


def _cheap(option: Option, config: Config) -> float:
    return option.lm + config.channel_weight * option.channel


def _decide(sentence: str, tokens: list[Token], slots: list[Slot], lm, config: Config) -> dict:
    """Choose an option per slot, left to right, scoring each in restored context.

    When the next word also looks spun, each option is scored with that
    word's best few readings after it, so pairs like "think tank" win together.
    """
    live = [s for s in slots if _gain(s, config) + _right_damage(s, config) > -config.gate_margin]
    hypothesis = _provisional(live, config)
    chosen: dict[Slot, tuple[Option, float, list, float]] = {}
    words_done, restored_prefix, prefix_end = -1, "", 0
    for slot in sorted(live, key=lambda s: (s.first, -s.last)):
        if slot.first <= words_done:
            continue
        rivals = [s for s in live if s.first == slot.first]
        partners = {id(r): _partner(r, hypothesis) for r in rivals}
        right_end = _right_end(tokens, rivals + [p for p in partners.values() if p], config)
        prefix = restored_prefix + sentence[prefix_end:slot.lead]
        texts, owners = [], []
        for rival in rivals:
            for tail, tail_channel in _tails(sentence, rival, partners[id(rival)], right_end,
                                             hypothesis, chosen, config):
                for option in rival.options:
                    texts.append(sentence[slot.lead:slot.start] + _surface(option, rival) + tail)
                    owners.append((rival, option, tail_channel))
        best: dict[int, tuple[float, Slot, Option]] = {}
        for lm_score, (rival, option, tail_channel) in zip(
                _scores(lm, prefix, texts, owners, sentence[slot.lead:slot.start], config),
                owners, strict=True):
            # An option left out (-inf) stays ranked, at no share, in the cheap
            # pass's order: a doubt can name it and the alternatives list it.
            total = lm_score + config.channel_weight * (option.channel + tail_channel)
            if id(option) not in best or total > best[id(option)][0]:
                best[id(option)] = (total, rival, option)
        if config.one_keep:
            _merge_keeps(best)
        _, winner_slot, winner = max(best.values(), key=lambda entry: entry[0])
        ranked = _confidences(list(best.values()), winner_slot, config.temperature)
        confidence = next(c for o, c in ranked if o is winner)
        floor_at = config.floor_temperature or config.temperature
        held = confidence if floor_at == config.temperature else next(
            c for o, c in _confidences(list(best.values()), winner_slot, floor_at) if o is winner)
        chosen[winner_slot] = (winner, confidence, ranked, held)
        restored_prefix = (prefix + sentence[slot.lead:slot.start]
                           + _surface(winner, winner_slot))
        prefix_end = winner_slot.end
        words_done = winner_slot.last
    return chosen


def _merge_keeps(best: dict) -> None:
    """Leave one reading "every word kept" among a word's rival slots.

    A phrase slot ("in all") and the slot of its first word ("in") each have a
    keep, the same text with the same score: counted twice, the two keeps
    halve each other's confidence, a kept word becomes a doubt, and a change
    competes with twice the keep's weight. The keep that stays belongs to the
    shortest slot, so that the words after it are still decided on their own.
    """
    keeps = [key for key, (_, _, option) in best.items() if option.keep]
    if len(keeps) < 2:
        return
    total = max(best[key][0] for key in keeps)
    shortest = min(keeps, key=lambda key: best[key][1].last)
    _, rival, option = best[shortest]
    for key in keeps:
        del best[key]
    best[shortest] = (total, rival, option)


def _scores(lm, prefix: str, texts: list[str], owners: list, lead: str,
            config: Config) -> list[float]:
    """The model's log-probability of each text after ``prefix``, or -inf for an
    option not worth reading further (:func:`_heads_alive`); for a change, the
    words after it count at most ``tail_margin`` nats less than they do after
    the spun word kept.

    Those words may be spun too, and a spun word reads more naturally after
    another ("arsenic helium said") than after the original ("as helium said"),
    so a spun right context can outvote strong evidence for a change.
    """
    own_texts = [lead + _surface(option, rival) for rival, option, _ in owners]
    alive = _heads_alive(lm, prefix, own_texts, owners, config)
    scored = iter(_bounded(lm, prefix, *(
        [item for item, ok in zip(column, alive, strict=True) if ok]
        for column in (texts, owners, own_texts)), config))
    return [next(scored) if ok else -math.inf for ok in alive]


def _bounded(lm, prefix: str, texts: list[str], owners: list, own_texts: list[str],
             config: Config) -> list[float]:
    """Each text's log-probability, its words after the option bounded by ``tail_margin``."""
    if math.isinf(config.tail_margin):
        return lm.continuation_logprobs(prefix, texts)
    heads = list(dict.fromkeys(own_texts))
    scores = lm.continuation_logprobs(prefix, texts + heads)
    head_score = dict(zip(heads, scores[len(texts):], strict=True))
    own = [head_score[text] for text in own_texts]
    tails = [total - head for total, head in zip(scores[:len(texts)], own, strict=True)]
    floor = max(t for t, (_, o, _) in zip(tails, owners, strict=True) if o.keep) \
        - config.tail_margin
    return [head + (tail if option.keep else max(tail, floor))
            for head, tail, (_, option, _) in zip(own, tails, owners, strict=True)]


def _heads_alive(lm, prefix: str, own_texts: list[str], owners: list,
                 config: Config) -> list[bool]:
    """Which texts to read in full: those of the spun word kept, and of every
    option whose own words, with its channel score, come within ``head_margin``
    nats of the best of its slot's (:class:`Config`)."""
    if math.isinf(config.head_margin):
        return [True] * len(owners)
    heads = list(dict.fromkeys(own_texts))
    head_score = dict(zip(heads, lm.continuation_logprobs(prefix, heads), strict=True))
    totals = [head_score[text] + config.channel_weight * option.channel
              for text, (_, option, _) in zip(own_texts, owners, strict=True)]
    best: dict[int, float] = {}
    for total, (rival, _, _) in zip(totals, owners, strict=True):
        best[id(rival)] = max(best.get(id(rival), -math.inf), total)
    return [option.keep or total >= best[id(rival)] - config.head_margin
            for total, (rival, option, _) in zip(totals, owners, strict=True)]


def _partner(slot: Slot, hypothesis: list[Slot]) -> Slot | None:
    """The provisionally changed slot right after ``slot``, if there is one."""
    return next((s for s in hypothesis if s.first == slot.last + 1), None)


def _tails(sentence: str, slot: Slot, partner: Slot | None, right_end: int,
           hypothesis: list[Slot], chosen: dict, config: Config) -> list[tuple[str, float]]:
    """Right contexts to score ``slot``'s options with, and each one's extra channel score."""
    if partner is None:
        return [(_render(sentence, slot.end, right_end, hypothesis, chosen, config), 0.0)]
    keep, *rest = partner.options
    readings = [keep] + sorted(rest, key=lambda o: _cheap(o, config),
                               reverse=True)[:config.joint_options]
    after = _render(sentence, partner.end, right_end, hypothesis, chosen, config)
    return [(sentence[slot.end:partner.start] + _surface(o, partner) + after,
             o.channel - keep.channel) for o in readings]


def _provisional(slots: list[Slot], config: Config) -> list[Slot]:
    """Non-overlapping slots whose cheap best is a change, greedily by position and gain."""
    picked: list[Slot] = []
    taken = -1
    for slot in sorted(slots, key=lambda s: (s.first, -_gain(s, config))):
        if slot.first > taken and _gain(slot, config) > 0:
            picked.append(slot)
            taken = slot.last
    return picked


def _right_damage(slot: Slot, config: Config) -> float:
    """Credit towards changing a slot: the next word's surprise beyond ``right_surprise``."""
    return max(0.0, -slot.right_lm - config.right_surprise)


def _gain(slot: Slot, config: Config) -> float:
    keep, *rest = slot.options
    return max(_cheap(o, config) for o in rest) - _cheap(keep, config)


def _surface(option: Option, slot: Slot) -> str:
    return slot.spun if option.keep else match_case(option.text, slot.spun)


def _right_end(tokens: list[Token], rivals: list[Slot], config: Config) -> int:
    last = max(s.last for s in rivals) + config.right_context
    return tokens[min(last, len(tokens) - 1)].end


def _render(sentence: str, start: int, end: int, hypothesis: list[Slot], chosen: dict,
            config: Config) -> str:
    """The sentence between two offsets with the provisional best options put in."""
    out, at = [], start
    for slot in hypothesis:
        if slot.start < start or slot.end > end or slot in chosen:
            continue
        best = max(slot.options, key=lambda o: _cheap(o, config))
        out += [sentence[at:slot.start], _surface(best, slot)]
        at = slot.end
    out.append(sentence[at:end])
    return "".join(out) if start < end else ""


def _confidences(entries: list[tuple[float, Slot, Option]], winner_slot: Slot,
                 temperature: float) -> list[tuple[Option, float]]:
    """Softmax of the totals over every reading; the winning slot's options, best first."""
    top = max(total for total, _, _ in entries)
    weights = [math.exp((total - top) / temperature) for total, _, _ in entries]
    norm = sum(weights)
    ranked = [(option, w / norm) for w, (_, rival, option) in zip(weights, entries, strict=True)
              if rival is winner_slot]
    return sorted(ranked, key=lambda pair: -pair[1])
