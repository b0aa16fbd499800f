"""Small, honest fakes of the engine interfaces: deterministic, fast, no model files.

They behave: the fake embedder puts texts that share words close together, the fake sparse
encoder matches shared words, the fake OCR returns what a test says the photo shows, and
the scripted generator streams the replies a test queues.
"""

from __future__ import annotations

import hashlib
import math
import re
import wave
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from PIL.Image import Image
from tokenizers import Tokenizer

from knowledge.domain.errors import AudioTooLong, CorruptFile, EmptyFile, LlmUnavailable
from knowledge.domain.model import GenerationParams, SparseVec, Transcript
from knowledge.domain.ports import Progress, no_progress

_WORD = re.compile(r"\w+")
_CJK = re.compile(r"[\u3400-\u9fff]")
# Words too common to say what a text is about; BM25 drops such words too.
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "were",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "and",
        "or",
        "my",
        "i",
        "you",
        "what",
        "where",
        "when",
        "who",
        "how",
        "did",
        "do",
        "does",
        "it",
        "this",
        "that",
        "with",
    ]
)


def words(text: str) -> list[str]:
    """Lower-case words; a Chinese character is a word of its own."""
    found: list[str] = []
    for word in _WORD.findall(text.lower()):
        if _CJK.search(word):
            found += [ch for ch in word if not ch.isspace()]
        else:
            found.append(word)
    return found


def _features(text: str) -> Counter[str]:
    """Words and their first five letters (a crude stem: "meeting" ~ "meetings")."""
    features: Counter[str] = Counter()
    for word in words(text):
        if word in _STOP:
            continue
        features[word] += 1
        if len(word) > 5:
            features["stem:" + word[:5]] += 1
    return features


def _slot(feature: str, size: int) -> int:
    digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % size


class FakeEmbedder:
    """An `Embedder`: hashed bags of words, normalised, so cosine similarity is word overlap."""

    name = "fake-bag-of-words"
    dim = 384
    max_tokens = 128
    tokenizer: Tokenizer | None = None

    def embed_batch(self, texts: Sequence[str]) -> list[list[float]]:
        return [self._embed(text) for text in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._embed(text)

    def count_tokens(self, text: str) -> int:
        return len(words(text))

    def _embed(self, text: str) -> list[float]:
        vector = [0.0] * self.dim
        for feature, count in _features(text).items():
            vector[_slot(feature, self.dim)] += count
        vector[0] += 0.01  # no zero vector, even for a text of stop words
        norm = math.sqrt(sum(x * x for x in vector))
        return [x / norm for x in vector]


class FakeSparseEncoder:
    """A `SparseEncoder`: term counts of the words a text shares with others."""

    def encode_documents(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[SparseVec]:
        return [self.encode_query(text) for text in texts]

    def encode_query(self, text: str, lang: str | None = None) -> SparseVec:
        counts = Counter(_slot(f, 1 << 20) for f in _features(text) if not f.startswith("stem:"))
        indices = sorted(counts)
        return SparseVec(indices, [float(counts[i]) for i in indices])


class FakeOcr:
    """An `Ocr` that reads what the test says every photo shows."""

    def __init__(self, text: str = "") -> None:
        self.text = text
        self.read: list[tuple[int, int]] = []  # sizes of the images it was shown

    def read_text(self, image: Image) -> str:
        self.read.append(image.size)
        return self.text


class FakeTranscriber:
    """A `Transcriber` that hears what the test says was said, in WAV files it measures."""

    def __init__(self, text: str = "", language: str = "en") -> None:
        self.text = text
        self.language = language
        self.heard: list[tuple[str, ...]] = []  # the languages each call allowed
        self.claims: float | None = None  # what the container says, when not the truth

    def duration(self, path: Path) -> float:
        if self.claims is not None:  # a live stream claims nothing (0): decoding tells
            return self.claims
        return self._measured(path)

    def _measured(self, path: Path) -> float:
        try:
            with wave.open(str(path)) as audio:
                return audio.getnframes() / audio.getframerate()
        except (wave.Error, EOFError) as exc:
            raise CorruptFile("the audio is damaged and cannot be read", kind="audio") from exc

    def transcribe(
        self,
        path: Path,
        *,
        languages: Sequence[str],
        fallback: str,
        max_seconds: float,
        progress: Progress = no_progress,
    ) -> Transcript:
        seconds = self._measured(path)
        if seconds > max_seconds:
            raise AudioTooLong(
                "the recording is longer than the limit", limit=f"{max_seconds / 60:g}"
            )
        self.heard.append(tuple(languages))
        progress("Transcribing", int(seconds), int(seconds))
        if not self.text:
            raise EmptyFile("nothing is said in the recording", "no_speech")
        language = languages[0] if len(languages) == 1 else self.language
        return Transcript(self.text, language, seconds)


class ScriptedGenerator:
    """A `Generator` that replies with queued answers, word by word, and records prompts.
    Set `down` to a reason and it fails as a model server that cannot be reached does."""

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.prompts: list[list[dict[str, str]]] = []
        self.primed: list[list[dict[str, str]]] = []
        self.down: str | None = None

    def prime(self, messages: list[dict[str, str]]) -> None:
        self.primed.append(messages)

    def enqueue(self, reply: str) -> None:
        self.replies.append(reply)

    def stream(self, messages: list[dict[str, str]], params: GenerationParams) -> Iterator[str]:
        if self.down:
            raise LlmUnavailable(self.down)
        self.prompts.append(messages)
        reply = self.replies.pop(0) if self.replies else "I don't know."
        words = reply.split(" ")
        for index, word in enumerate(words):
            yield word if index == len(words) - 1 else word + " "

    def count_tokens(self, text: str) -> int:
        return max(1, len(text) // 4)

    def problem(self) -> str | None:
        return self.down
