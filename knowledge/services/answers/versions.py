"""Values that change: the newest note is the current one, the earlier ones are history.

People keep a memory for exactly the things that change: a Wi-Fi password, a locker, an
address, a door code. When the evidence for a question holds the same thing noted at
different times ("Home Wi-Fi password: Sunflower42" in September, "Changed the home Wi-Fi
password, the new one is Blue-Heron-77" in November), those notes are its versions: each
holds (nearly) as many of the question's subject words as the best one does, they are close
in meaning to each other, and they come from different items written at different times.
No special wording is needed to change a value: a later note about the same thing is a
later version.

- A question about the current value ("What's the Wi-Fi password?") is shown to the model
  with the newest version only: the earlier ones are set aside, so a stale value cannot be
  given as current. The answer says since when ("since Nov 20, 2026").
- A question about the past ("What was my old locker?", "¿Cuál era el código antes?",
  "以前的车位是几号？") is shown the earlier versions only, newest first, and asked without
  its past words ("What was my locker?"): a small model copies "before" into its answer
  and picks among distractors; the answer says until when.
- A note its owner marked outdated (`Outdated`) is never the current value: a question
  about the current value passes it over (and every version older than it), one about the
  past sees it as an earlier value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum

from knowledge.services.answers.evidence import Evidence
from knowledge.services.words.speakers import asks_what_was_said, names, said_by, speakers_of

# Asks about a value that held before, or about when it changed.
_PAST = re.compile(
    r"\b(?:old|older|previous(?:ly)?|before|earlier|used to|former(?:ly)?|original(?:ly)?"
    r"|раньше|прежн\w*|стар(?:ый|ая|ое|ого|ой|ую|ые|ых|ом)|предыдущ\w*|до этого|бывш\w*"
    r"|изначальн\w*|antes|anterior(?:es)?|viej[oa]s?|antigu[oa]s?|previ[oa]s?|solía|solia)\b"
    r"|以前|之前|原来|原先|旧的|旧|先前|上一个|过去的",
    re.IGNORECASE,
)
# "When did I change ...?": the answer is when the newest version was noted.
WHEN = re.compile(r"\b(?:when|когда|cuándo|cuando)\b|什么时候|哪天|何时|几号", re.IGNORECASE)
_CHANGED = re.compile(
    r"\b(?:changed?|switch(?:ed)?|moved?|replaced?|updated?|reset"
    r"|помен\w*|смени\w*|сменя\w*|измени\w*|переех\w*|переключи\w*|обнови\w*"
    r"|cambi(?:é|e|aste|ó|o|amos|aron|ar)|mud(?:é|e|aste|ó|o|amos|aron)|actualic[ée]|actualiz[óo])\b"
    r"|换|改|搬|更新",
    re.IGNORECASE,
)
# What a message says when it gives a new value ("now", "new", "instead", "теперь").
_NEWLY = re.compile(
    r"\b(?:now|new|instead|no longer|anymore|rescheduled|postponed|pushed|"
    r"теперь|нов\w*|вместо|больше не|уже не|перенес\w*|перенёс\w*|передвину\w*|"
    r"ahora|nuev[oa]s?|en vez de|en lugar de|ya no|aplaz\w*|pasa a|pasó a|traslad\w*)\b"
    r"|现在|新的|新|改成|改到|换成|换了|不再|推迟|延期",
    re.IGNORECASE,
)
# Two notes are versions of one thing only when they hold the subject's most telling word
# and are this close in meaning (the embedder's cosine: 0.41 for "Home Wi-Fi password:
# Sunflower42" and "Changed the home Wi-Fi password, the new one is Blue-Heron-77")...
VERSION_SIMILARITY = 0.3
# ... or, a little less close, hold most of what the subject's words the other holds tell
# (each word weighed by how few items hold it): "Me han cambiado de puesto, ahora estoy en
# el 4D-19" (0.24) of "Mi puesto en la oficina: 2B-07". On bench/sets/changing_facts.json,
# the pairs of notes about one thing found are 315 of 315 and other notes taken for them 10
# of 699 (the telling word and 0.2 alone: 315 and 34).
WORDY_SIMILARITY = 0.2
TELLING_SHARE = 0.6
# Notes written this close together are one moment, not a value and its change: a document
# or an export kept at once, a thought finished in a second message.
SAME_MOMENT = timedelta(hours=1)


class Asks(Enum):
    CURRENT = "current"
    PAST = "past"
    CHANGE = "change"  # when it changed


def without_past_words(question: str) -> str:
    """The question less its words about the past ("old", "раньше", "antes", "以前"): they
    name when, not what ("What was Igor's old number?" is about Igor's number)."""
    return " ".join(_PAST.sub(" ", question).split()) or question


def asks(question: str) -> Asks:
    """Does the question ask for the value now, one before, or when it changed?"""
    if WHEN.search(question) and _CHANGED.search(question):
        return Asks.CHANGE
    return Asks.PAST if _PAST.search(question) else Asks.CURRENT


@dataclass(frozen=True)
class Timeline:
    """The versions among a question's evidence, and what the model is shown of it."""

    asks: Asks
    versions: list[Evidence] = field(default_factory=list)  # oldest first
    shown: list[Evidence] = field(default_factory=list)  # what the model sees, best first
    aside: list[Evidence] = field(default_factory=list)  # set aside: earlier, or outdated
    earlier_only: bool = False  # the model is shown earlier values only, asked for "the" value

    @property
    def changed(self) -> bool:
        """More than one value in time, or a value its owner marked outdated."""
        return len(self.versions) > 1 or any(item.hit.outdated_at for item in self.aside)

    def current(self) -> Evidence | None:
        """The newest version, when it still holds."""
        return current_of(self.versions)

    def next_after(self, item: Evidence) -> Evidence | None:
        """The version that followed this one (what replaced it), if any."""
        docs = [version.hit.doc_id for version in self.versions]
        if item.hit.doc_id not in docs:
            return None
        index = docs.index(item.hit.doc_id)
        return self.versions[index + 1] if index + 1 < len(self.versions) else None


def timeline(
    question: str,
    evidence: Sequence[Evidence],
    *,
    held: Callable[[Evidence], set[object]],
    close: Callable[[Evidence, Evidence], float],
    pool: Sequence[Evidence] = (),
) -> Timeline:
    """Find the versions in `evidence` (best first) and what to show for the question.

    `held(item)`: which of the question's subject words the item holds; `close(a, b)`:
    how close in meaning two items are. `pool`: weaker evidence beside it, where a later
    version may rank ("Me han cambiado de puesto, ahora estoy en el 4D-19" holds fewer of
    "¿Cuál es mi puesto en la oficina?"'s words than the note it replaced).

    For the current value, what the model sees is the current version and only the other
    evidence that holds every subject word it holds: a value of a nearby thing (the office
    Wi-Fi beside the mother-in-law's, the dentist's phone number beside Tom's) is a
    distractor a small model takes.
    """
    wants = asks(question)
    wider = [*evidence, *(item for item in pool if item not in evidence)]
    outdated = [item for item in wider if item.hit.outdated_at is not None]
    versions = _versions(_said_by_whom_asked(question, wider), held, close)
    if len(versions) < 2 and not outdated:
        return Timeline(wants, versions, list(evidence), [])
    ids = {item.hit.doc_id for item in versions}
    others = [item for item in evidence if item.hit.doc_id not in ids]
    if wants is Asks.CURRENT:
        current = current_of(versions)
        if current is None:
            shown = [item for item in others if item.hit.outdated_at is None]
        else:
            words = held(current)
            own = [item for item in wider if item.hit.doc_id == current.hit.doc_id]
            shown = own + [
                item for item in others if item.hit.outdated_at is None and held(item) >= words
            ]
        aside = [item for item in wider if item not in shown]
        return Timeline(wants, versions, shown, aside)
    if wants is Asks.PAST:
        current = current_of(versions)
        earlier = [item for item in reversed(versions) if item is not current]
        if not earlier:  # one value, still holding: nothing earlier to show, ask as is
            return Timeline(wants, versions, list(evidence), [])
        aside = [item for item in evidence if item not in earlier]
        return Timeline(wants, versions, earlier, aside, earlier_only=True)
    return Timeline(wants, versions, [*reversed(versions), *others], [])


def _said_by_whom_asked(question: str, evidence: Sequence[Evidence]) -> list[Evidence]:
    """When the question names who said it ("What did Anna say about the flight?"), only
    that person's words can be versions of what they said: the user's own message about
    the flight a day later is not a newer value of Anna's."""
    if not asks_what_was_said(question):  # "What's Anna's number?": anyone's note of it
        return list(evidence)
    speakers = speakers_of(item.hit for item in evidence)
    asked = {who for who in speakers if names(question, who)}
    if not asked:
        return list(evidence)
    return [item for item in evidence if said_by(item.hit) in asked]


def current_of(versions: Sequence[Evidence]) -> Evidence | None:
    """The newest version, unless it, or anything after it, was marked outdated."""
    if versions and versions[-1].hit.outdated_at is None:
        return versions[-1]
    return None


def _versions(
    evidence: Sequence[Evidence],
    held: Callable[[Evidence], set[object]],
    close: Callable[[Evidence, Evidence], float],
) -> list[Evidence]:
    """The items about the asked thing, one per document, oldest first. Each holds the
    subject's most telling word (of the words the best item holds, the one fewest other
    items hold: "netflix" rather than "password", "desk" rather than "office"), and is close
    in meaning to that best item (the one holding most subject words). Items written
    within `SAME_MOMENT` of the newest are not earlier values of it."""
    best_per_doc: dict[int, Evidence] = {}
    for item in evidence:  # best first: each document by its best sentence
        if item.hit.created_at is not None:
            best_per_doc.setdefault(item.hit.doc_id, item)
    words = {doc: held(item) for doc, item in best_per_doc.items()}
    if not any(words.values()):
        return []
    lead = max(best_per_doc.values(), key=lambda item: (len(words[item.hit.doc_id]), item.score))
    spread = {
        word: sum(word in found for found in words.values()) for word in words[lead.hit.doc_id]
    }
    shared = [count for count in spread.values() if count > 1]
    if not shared:
        return [lead]  # no other item holds any word of it: one version
    telling = {word for word, count in spread.items() if count == min(shared)}

    def weight(found: set[object]) -> float:  # a word few items hold tells more
        return sum(1 / spread[word] for word in found if word in spread)

    whole = weight(words[lead.hit.doc_id])

    def version(item: Evidence) -> bool:
        if item is lead:
            return True
        if not words[item.hit.doc_id] & telling or not _may_replace(item, lead):
            return False
        closeness = close(item, lead)
        if closeness >= VERSION_SIMILARITY:
            return True
        share = weight(words[item.hit.doc_id]) / whole
        return closeness >= WORDY_SIMILARITY and share >= TELLING_SHARE

    kept = [item for item in best_per_doc.values() if version(item)]
    kept.sort(key=_moment)
    newest = _moment(kept[-1])
    return [item for item in kept if item is kept[-1] or newest - _moment(item) >= SAME_MOMENT]


def _may_replace(item: Evidence, other: Evidence) -> bool:
    """In a conversation one message about a thing follows another with more of it ("Car
    rental is with Goldcar", then "Bike rental is 15 euros a day"), so between messages
    someone else said, the later is a new value only when it says so ("now", "moved",
    "теперь", "ahora", "改成"). A person's own notes need no such word: a later note about
    the same thing is its later value."""
    if said_by(item.hit) is None and said_by(other.hit) is None:
        return True
    later = max(item, other, key=_moment)
    return bool(_CHANGED.search(later.text) or _NEWLY.search(later.text))


def _moment(item: Evidence) -> datetime:
    assert item.hit.created_at is not None
    return item.hit.created_at
