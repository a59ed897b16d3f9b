"""Exceptions raised by unspin; the CLI turns each into a one-line message."""


class UnspinError(Exception):
    """Base class for every error unspin raises on purpose."""


class InputError(UnspinError):
    """The input text or file cannot be used (empty, binary, undecodable)."""


class DataMissingError(UnspinError):
    """A data file (lexicon, corpus, model) is not where it should be."""


class StoppedError(UnspinError):
    """Work stopped before the end because its caller asked (a time limit ran out)."""
