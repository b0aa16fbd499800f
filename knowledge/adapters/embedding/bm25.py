"""BM25 term weights through Qdrant Edge's Bm25, with each language's stemmer and stop words."""

from __future__ import annotations

from collections.abc import Sequence

from qdrant_edge import Bm25, Bm25Config, SparseVector, TokenizerType

from knowledge.domain.model import SparseVec

# Our languages, by the names Qdrant's Bm25 knows for their stop words and Snowball stemmer.
_LANGUAGES = {"en": "english", "ru": "russian", "es": "spanish", "zh": "chinese"}


class Bm25Encoder:
    """A `SparseEncoder`: term frequencies with Qdrant's multilingual tokenizer (segments Chinese).

    A text in a known language is stemmed by that language's rules, so "встреча" matches
    "встречи"; a text of no given language gets the English rules. Terms of different
    languages are not comparable, which is why the store lets BM25 judge only chunks in the
    query's language. IDF is applied by the vector store (sparse vector modifier IDF), so
    both stores score BM25 the same way.
    """

    def __init__(self) -> None:
        self._default = _bm25("english")
        self._by_language = {code: _bm25(name) for code, name in _LANGUAGES.items()}

    def encode_documents(
        self, texts: Sequence[str], langs: Sequence[str | None] | None = None
    ) -> list[SparseVec]:
        langs = langs if langs is not None else [None] * len(texts)
        return [
            _sparse(self._for(lang).embed_document(text))
            for text, lang in zip(texts, langs, strict=True)
        ]

    def encode_query(self, text: str, lang: str | None = None) -> SparseVec:
        return _sparse(self._for(lang).embed_query(text))

    def _for(self, lang: str | None) -> Bm25:
        return self._by_language.get(lang or "", self._default)


def _bm25(language: str) -> Bm25:
    return Bm25(Bm25Config(tokenizer=TokenizerType.Multilingual, language=language))


def _sparse(vector: SparseVector) -> SparseVec:
    return SparseVec(list(vector.indices), list(vector.values))
