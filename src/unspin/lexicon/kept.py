"""The words a spinner leaves alone, whatever its thesaurus says about them.

Spinners keep names, numbers and most function words (DEVELOPERS.md). Names are
marked in the lexicon itself (``LexiconStore.is_name``); this is the rest: the
function words a spinner's stop list keeps, and single letters. Both sides of
the channel use it: the simulator never spins these words, and the restorer
never offers one as an original, since a spun "birth" cannot have been a
"have" that no spinner touches.

>>> never_spun("the"), never_spun("i"), never_spun("will")
(True, True, False)
"""

from __future__ import annotations

# Function words with no thesaurus entry worth the name, or on a spinner's stop
# list. Short words that do have entries ("as", "he", "in", "on", "will", "or")
# stay spinnable, as in real spun text; so does "be", though not its forms.
KEEP = frozenset("""
a an the of and to that this these those it its is was are were been being am for
with by from not no but if then than so such there their they them we our us you
your i me my mine his her hers him she whose why
do does did has have had would could should shall might must s t ll d ve re
""".split())
# Real spinners write a wh-word's "-ever" form ("whatever" for "what"), so these
# stay originals; the simulator leaves them alone all the same, as it always has
# (its evaluation data would otherwise change under every earlier measurement).
WH_WORDS = frozenset("who whom which what when where how".split())


def never_spun(word: str) -> bool:
    """Whether a spinner leaves the lower-case ``word`` alone: a kept function word or a letter.

    >>> never_spun("have"), never_spun("x"), never_spun("possess")
    (True, True, False)
    """
    return word in KEEP or len(word) < 2
