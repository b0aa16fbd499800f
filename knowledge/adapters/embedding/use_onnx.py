"""Universal Sentence Encoder Multilingual v3 (16 languages), quantized ONNX on onnxruntime.

The graph takes raw strings: its SentencePiece tokenizer is an onnxruntime-extensions custom
op inside the model, so there is no separate tokenizer file. Chunks are sized by words (and
by characters for Chinese and Japanese), which is how the model's own tokenizer splits them
closely enough for chunking.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnxruntime_extensions import get_library_path
from tokenizers import Tokenizer

_BATCH = 32
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\w+|[^\w\s]")


class UseEmbedder:
    """An `Embedder` over USE Multilingual v3: one vector space for every language."""

    tokenizer: Tokenizer | None = None

    def __init__(self, model_file: Path, name: str, dim: int, max_tokens: int, threads: int):
        options = ort.SessionOptions()
        options.register_custom_ops_library(get_library_path())
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self.name = name
        self.dim = dim
        self.max_tokens = max_tokens

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = []
        for start in range(0, len(texts), _BATCH):
            batch = np.asarray(list(texts[start : start + _BATCH]), dtype=object)
            vectors.append(self._session.run(None, {"inputs": batch})[0])
        if not vectors:
            return []
        matrix = np.concatenate(vectors)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        normalised: list[list[float]] = (matrix / np.maximum(norms, 1e-12)).tolist()
        return normalised

    def embed_query(self, text: str) -> list[float]:
        return self.embed_batch([text])[0]

    def count_tokens(self, text: str) -> int:
        return len(_TOKEN.findall(text))
