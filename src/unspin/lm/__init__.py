"""Language-model scoring for the unspin decoder, behind a small swappable interface.

``load_model("smollm2")`` (or ``"gemma3"``) gives a llama.cpp-backed
:class:`LanguageModel`; :class:`FakeModel` is a deterministic byte-bigram stand-in
for tests. Importing this package does not import llama_cpp; loading a model does.

>>> from unspin.lm import FakeModel
>>> lm = FakeModel()
>>> scores = lm.prefix_logprobs("Xi will hold talks")
>>> round(scores.logprob(2, 7), 3) == round(lm.continuation_logprobs("Xi", [" will"])[0], 3)
True
"""

from .base import LanguageModel, PrefixScores
from .fake import FakeModel
from .llama import LlamaModel
from .registry import MODELS, default_threads, load_model, model_path

__all__ = ["MODELS", "FakeModel", "LanguageModel", "LlamaModel", "PrefixScores",
           "default_threads", "load_model", "model_path"]
