"""Relation types of the channel and their weights.

A weight is how readily a spinner takes that path, on a 0..1 scale. Spinners
draw from every sense of a word's synonym sets first and wander to broader or
related words less often, so plain synonyms weigh most and two-hop paths least.
The order of this list is part of the artifact format: append, never reorder.
"""

RELATIONS: list[tuple[str, float]] = [
    ("synonym", 1.0),            # same WordNet synset, any sense
    ("hypernym", 0.35),          # leader -> person
    ("similar", 0.6),            # adjective similar-to
    ("also_see", 0.4),
    ("derivation", 0.4),         # use -> usage
    ("pertainym", 0.3),
    ("thesaurus_synonym", 0.9),  # MyThes plain terms
    ("thesaurus_similar", 0.6),  # in -> successful
    ("thesaurus_generic", 0.35),
    ("thesaurus_related", 0.3),
    ("two_hop", 0.12),           # new -> fresh -> caller
    ("ever_form", 0.5),          # what -> whatever
    ("filler", 0.5),             # is a -> is simply a
]

# Not stored in the artifact: read at look-up time from the hypernym and generic
# edges backwards (``lexicon.narrowed_from``). Real tortured phrases narrow a word
# ("error" -> "blunder"); the simulator does not, and the decoder gives these links
# their own prior (``decode.Config.narrow_share``).
NARROWING: tuple[str, float] = ("hyponym", 0.1)
# Not stored either: Moby Thesaurus II's lists, read backwards for the decoder
# (``lexicon.moby_from``, with its own prior, ``decode.Config.moby_share``) and
# forwards for the simulator's second spinner (``lexicon.moby_spins_to``).
MOBY: tuple[str, float] = ("moby_synonym", 0.1)

RELATION_NAMES = [name for name, _ in RELATIONS]
RELATION_WEIGHTS = [weight for _, weight in RELATIONS]

# Parts of speech as WordNet letters; an edge's code is pos_index << 4 | relation_index.
POS_CODES = "nvar"
