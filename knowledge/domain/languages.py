"""The languages mnemo reads, answers and speaks in, listed once: their codes, in the order
menus and searches list them, and the one used when a language is unknown. The tables kept
per language (words, names, formats) live beside the code that uses them."""

from __future__ import annotations

LANGUAGES = ("en", "ru", "es", "zh")  # English, Russian, Spanish, Chinese
DEFAULT_LANGUAGE = "en"
