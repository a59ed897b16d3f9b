"""Which thesaurus a text was spun with: the built channel's, or one as broad as Moby's.

The decoder offers Moby Thesaurus II's links beside the built channel's
(``decode.Config.moby_share``). On text spun from WordNet-style relations they
cost restorations (more options compete: dev, rate 0.25, 57.8 / 55.4 %
restored without them, 55.0 / 52.5 % with); on text spun from a broader
thesaurus nothing else restores it (4 % without them, 47 % with). A text says
which it is: a spinner that follows Moby writes words whose Moby originals are
far more common than they are, and words the built channel would rarely write.

:func:`moby_posterior` weighs that evidence with the fast detector's model of a
text, word frequencies standing in for a language model: each word is either
the writer's (probability 1 - r) or a spinner's output (r), and the spinner
draws from the built channel with probability 1 - m and from Moby's lists with
m. A word's evidence is its two spin ratios, how much likelier it is as either
spinner's output than as itself (``screen_table.spin_ratio`` and
``moby_spin_ratio``); r and m get flat priors, r is summed out, and the answer
is m's posterior mean. A text with little evidence either way (a
clean one, or a single sentence with one odd phrase) stays near the prior's
0.5; a heavily spun one moves towards the spinner that explains it.

>>> moby_posterior("The the the.")  # no evidence: the prior's mean
0.5
"""

from __future__ import annotations

import math
from collections import Counter

from .screen_table import moby_spin_ratio, spin_ratio
from .text import is_name, words

# The grids the posterior is summed over: the Moby share m (midpoints of 20
# even bins) and the share of spun words r (a simulator spins 10-40 %, real
# papers far less).
SHARES = tuple((i + 0.5) / 20 for i in range(20))
SPIN_RATES = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4)


def moby_posterior(text: str) -> float:
    """The posterior mean share of ``text``'s substitutions that follow Moby's lists.

    With a quarter of the words spun, 0.05-0.20 for text spun from the built
    channel and 0.36-0.78 for text spun from Moby's lists (dev paragraphs,
    10th to 90th percentile; ``benchmarks/experiments/spinner_estimate.py``);
    0.5 when there is no evidence either way.

    >>> moby_posterior("Xi volition hold talks successful Moscow, arsenic helium said.") < 0.2
    True
    """
    evidence = Counter((spin_ratio(word), moby_spin_ratio(word))
                       for word in _plain_words(text))
    if all(lex == moby for lex, moby in evidence):
        return 0.5
    log_likelihoods = [
        (share, sum(count * math.log(1.0 - rate + rate * ((1.0 - share) * lex + share * moby))
                    for (lex, moby), count in evidence.items()))
        for share in SHARES for rate in SPIN_RATES]
    top = max(ll for _, ll in log_likelihoods)
    weights = [(share, math.exp(ll - top)) for share, ll in log_likelihoods]
    return sum(share * w for share, w in weights) / sum(w for _, w in weights)


def _plain_words(text: str) -> list[str]:
    """The lower-cased words of ``text`` that are not names (a spinner leaves names)."""
    return [token.text.lower() for token in words(text) if not is_name(text, token)]
