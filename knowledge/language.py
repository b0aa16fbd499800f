"""Which of our four languages (en, ru, es, zh) a text is in: py3langid, limited to those four.

Used to answer in the question's language and to keep the BM25 leg of a search to chunks
written in the query's language (words of one language never match another's).
"""

from __future__ import annotations

import threading
from functools import cache

from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

LANGUAGES = ("en", "ru", "es", "zh")
# The start of a long text decides (as accurate on XQuAD's paragraphs as all of it, 2× faster).
SAMPLE_CHARS = 300
_lock = threading.Lock()


@cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=False)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def guess_language(text: str) -> str:
    """The most likely of en/ru/es/zh; "en" for text with no letters at all."""
    if not any(char.isalpha() for char in text):
        return "en"
    with _lock:  # the identifier's lazy load and its scratch arrays are not thread-safe
        return str(_identifier().classify(text[:SAMPLE_CHARS])[0])
