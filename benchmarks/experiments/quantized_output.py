"""Session 33's trial: would 4-bit weights make Gemma 3's decodes faster? (Not adopted.)

Run: .venv/bin/python benchmarks/experiments/quantized_output.py write /tmp/q
     .venv/bin/python benchmarks/experiments/quantized_output.py time [/tmp/q/A.gguf]

``write`` makes two copies of the trimmed GGUF unspin loads (``lm/trim.py``):
A adds an ``output.weight`` in Q4_0, made from the Q8_0 embeddings, which the
output layer then uses instead of them (the input embeddings stay Q8_0); B does
that and turns the 81 Q5_0 tensors of the body into Q4_0 as well. ``time``
reads 12 dev SOTU paragraphs with one file (tokens per second of
``prefix_logprobs``, every position's logits) and times five batched calls of
eight continuations; with no path, the file unspin loads. It prints the
paragraphs' summed log-probability, to see what the rounding costs.
"""

from __future__ import annotations

import argparse
import struct
import time
from pathlib import Path

import numpy as np

from unspin.corpora import sample_paragraphs
from unspin.lm.llama import LlamaModel
from unspin.lm.registry import model_path
from unspin.lm.trim import _aligned, _Reader, _string_bytes

Q4_0, Q5_0, Q8_0 = 2, 6, 8


def dequantize_q8_0(raw: np.ndarray) -> np.ndarray:
    blocks = raw.reshape(-1, 34)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    return (blocks[:, 2:].copy().view(np.int8).astype(np.float32) * scale).reshape(-1)


def dequantize_q5_0(raw: np.ndarray) -> np.ndarray:
    blocks = raw.reshape(-1, 22)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    high = blocks[:, 2:6].copy().view(np.uint32)[:, 0][:, None]
    low = blocks[:, 6:]
    j = np.arange(16)
    first = ((low & 0x0F).astype(np.int32) | (((high >> j) << 4) & 0x10).astype(np.int32)) - 16
    second = ((low >> 4).astype(np.int32) | ((high >> (j + 12)) & 0x10).astype(np.int32)) - 16
    return (np.concatenate([first, second], axis=1) * scale).reshape(-1).astype(np.float32)


def quantize_q4_0(values: np.ndarray) -> np.ndarray:
    """ggml's reference Q4_0: blocks of 32, scale = signed max / -8, nibbles + 8."""
    blocks = values.reshape(-1, 32)
    peak = blocks[np.arange(len(blocks)), np.abs(blocks).argmax(axis=1)]
    scale = peak / -8
    inverse = np.divide(1.0, scale, out=np.zeros_like(scale), where=scale != 0)
    q = np.minimum(15, (blocks * inverse[:, None] + 8.5).astype(np.int8)).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)
    return np.concatenate([scale.astype(np.float16)[:, None].view(np.uint8), packed],
                          axis=1).reshape(-1)


def write(source: Path, target: Path, body_too: bool) -> None:
    reader = _Reader(source)
    tensors = []
    for index, (name, dims, kind, _) in enumerate(reader.tensors):
        data = np.asarray(reader.tensor_bytes(index))
        if body_too and kind == Q5_0:
            data, kind = quantize_q4_0(dequantize_q5_0(data)), Q4_0
        tensors.append((name, dims, kind, data))
        if name == "token_embd.weight":
            output = ("output.weight", dims, Q4_0, quantize_q4_0(dequantize_q8_0(data)))
    tensors.append(output)
    with open(target, "wb") as out:
        out.write(reader.data[:8] + struct.pack("<Q", len(tensors)) + reader.data[16:24])
        for key, (kind, start, end) in reader.kv.items():
            out.write(_string_bytes(key) + struct.pack("<I", kind) + reader.data[start:end])
        offset = 0
        for name, dims, kind, data in tensors:
            out.write(_string_bytes(name) + struct.pack("<I", len(dims))
                      + struct.pack(f"<{len(dims)}Q", *dims) + struct.pack("<IQ", kind, offset))
            offset = _aligned(offset + len(data), reader.alignment)
        out.write(b"\0" * (_aligned(out.tell(), reader.alignment) - out.tell()))
        for _, _, _, data in tensors:
            out.write(data.tobytes())
            out.write(b"\0" * ((-len(data)) % reader.alignment))


def time_model(path: Path) -> None:
    texts = [text for _, text in sample_paragraphs("sotu", "dev", 12)]
    lm = LlamaModel(path, name="gemma3", n_threads=2)
    lm.prefix_logprobs("Warm up the model.")
    began, n_tokens, total = time.perf_counter(), 0, 0.0
    for text in texts:
        total += lm.prefix_logprobs(text).logprob(0, len(text))
        n_tokens += len(lm.tokenize(text))
    seconds = time.perf_counter() - began
    words = ["will", "volition", "as", "arsenic", "he", "helium", "in", "successful"]
    began = time.perf_counter()
    for r in range(5):
        lm.continuation_logprobs(texts[0][:300] + str(r), [f" {w} {texts[1][:60]}" for w in words])
    print(f"{path.name}: {n_tokens / seconds:.0f} tokens/s over {n_tokens} tokens; "
          f"five continuation calls {time.perf_counter() - began:.2f} s; "
          f"summed log-probability {total:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("write", "time"))
    parser.add_argument("path", nargs="?")
    args = parser.parse_args()
    if args.action == "write":
        folder = Path(args.path or ".")
        folder.mkdir(parents=True, exist_ok=True)
        write(model_path("gemma3"), folder / "A.gguf", body_too=False)
        write(model_path("gemma3"), folder / "B.gguf", body_too=True)
    else:
        time_model(Path(args.path) if args.path else model_path("gemma3"))


if __name__ == "__main__":
    main()
