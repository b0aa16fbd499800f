"""JSON from an import, read in bounded memory whatever the file holds or claims.

Two guards, used together. `check_tokens` reads the raw bytes once, in C-speed pieces, and
refuses a file past its size cap or holding any token (a string, a number, a run of
whitespace) longer than `max_token`: so the parser that follows never holds more than one
short token. `objects` then builds each object found under a prefix from ijson's events,
refused when one object takes more than `max_events` events (an entry of ten million tiny
fields), so no single object grows past a known size either. A 1.5 GB file of spaces is
refused after its first megabyte; a real Telegram export, whose longest token is a message
of a few kilobytes, streams through one message at a time.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

import ijson

from knowledge.domain.errors import ImportUnreadable

PIECE = 1 << 20
MAX_TOKEN = 1 << 20  # a Telegram message is at most a few KB; no token in an export nears this
MAX_EVENTS = 100_000  # parser events in one object (a message, a document's entry)
MAX_OBJECT = 2 << 20  # characters of keys and strings in one object
MAX_DEPTH = 64  # a Telegram export nests about 6 deep
OPENING = b"[{"
NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
READ_ERRORS = (
    ijson.JSONError,
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
    OverflowError,
)


def check_tokens(
    stream: IO[bytes], *, max_bytes: int, max_token: int = MAX_TOKEN, name: str = "the file"
) -> int:
    """The number of bytes read; ImportUnreadable when the stream is longer than
    `max_bytes`, has a stretch of `max_token` bytes with no unescaped quote in it (the only
    way to hold a longer token), or nests deeper than MAX_DEPTH (which costs a parser
    memory by the square of the depth). Escapes are neutralised first (a `\\\\` pair,
    then a `\\"` pair, each by two plain bytes: lengths kept), so a quote left is a real
    one, and the text between quotes alternates outside and inside strings."""
    carry = b""
    total = 0
    inside = False  # the state where `carry` begins
    depth = 0
    with unreadable_as(name):
        while piece := stream.read(PIECE):
            total += len(piece)
            if total > max_bytes:
                raise ImportUnreadable(f"{name} is over {max_bytes >> 20} MB")
            buffer = carry + piece
            plain = buffer.replace(b"\\\\", b"xx").replace(b'\\"', b"xx")
            last = plain.rfind(b'"')
            pieces = plain[: last + 1].split(b'"')[:-1] if last >= 0 else []
            longest = max(map(len, pieces), default=0)
            carry = buffer[last + 1 :]  # after a real quote, no escape is pending
            if max(longest, len(carry)) >= max_token:
                raise ImportUnreadable(
                    f"{name} holds a value over {max_token >> 10} KB: not an export"
                )
            outside = b" ".join(pieces[int(inside) :: 2])
            depth = _deepest(outside.translate(None, NOT_BRACKETS), depth, name)
            inside ^= len(pieces) % 2 == 1
        if not inside:  # what follows the last quote
            _deepest(carry.translate(None, NOT_BRACKETS), depth, name)
    return total


def _deepest(brackets: bytes, depth: int, name: str) -> int:
    """The nesting after `brackets` (only []{} left), refused past MAX_DEPTH."""
    for byte in brackets:
        depth += 1 if byte in OPENING else -1
        if depth > MAX_DEPTH:
            raise ImportUnreadable(f"{name} nests deeper than {MAX_DEPTH} levels: not an export")
    return max(depth, 0)


@contextmanager
def unreadable_as(name: str) -> Iterator[None]:
    """What reading a damaged or hostile stream raises (a zip member's bad CRC, an unknown
    compression, garbage in a deflate stream, a parser's complaint) as ImportUnreadable."""
    try:
        yield
    except ImportUnreadable:
        raise
    except READ_ERRORS as exc:
        raise ImportUnreadable(f"{name} could not be read: {type(exc).__name__}") from exc


def objects(
    stream: IO[bytes],
    prefixes: tuple[str, ...],
    *,
    markers: tuple[str, ...] = (),
    max_events: int = MAX_EVENTS,
    max_bytes: int = MAX_OBJECT,
) -> Iterator[tuple[str, Any]]:
    """Every object (or value) at one of `prefixes` (ijson's dotted paths, `item` for each
    element of a list), in file order, with the prefix it was found at; an object starting
    at one of `markers` is only announced, as (its prefix, None), never built; an object of
    more than `max_events` parser events or `max_bytes` characters of keys and strings is
    refused. Call `check_tokens` on the same bytes first."""
    builder: ijson.ObjectBuilder | None = None
    at = ""
    depth = events = size = 0
    with unreadable_as("the export's JSON"):
        for prefix, event, value in ijson.parse(stream, use_float=True):
            if builder is None:
                if event == "start_map" and prefix in markers:
                    yield prefix, None
                    continue
                if prefix not in prefixes:
                    continue
                if event not in ("start_map", "start_array"):
                    yield prefix, value
                    continue
                builder, at, depth, events, size = ijson.ObjectBuilder(), prefix, 0, 0, 0
            events += 1
            if isinstance(value, str):
                size += len(value)
            if events > max_events or size > max_bytes:
                raise ImportUnreadable(f"an entry at {at} is too large to be one item")
            builder.event(event, value)
            if event in ("start_map", "start_array"):
                depth += 1
            elif event in ("end_map", "end_array"):
                depth -= 1
                if depth == 0:
                    yield at, builder.value
                    builder = None


def top_level_keys(stream: IO[bytes], wanted: tuple[str, ...]) -> str | None:
    """The first of `wanted` found as a key of the top-level object, reading only as far
    as it; None when the file is no object or has none of them."""
    try:
        for prefix, event, value in ijson.parse(stream, use_float=True):
            if prefix == "" and event == "map_key" and value in wanted:
                return str(value)
            if prefix == "" and event in ("end_map", "start_array", "string", "number"):
                return None
    except (ijson.JSONError, *READ_ERRORS):
        return None
    return None
