"""What comes in through the door (`Arrival`, with its `Upload` when it brings a file) and
what became of it (an `Outcome`): the types both edges speak with the core in.

An outcome carries what follows from it that only an edge can do: a reminder to offer
(`offer`), a photo to ask about (`label_wanted`), reminders to plan (`Imported.report`).
What follows inside the core (a digest line, a document's sections) is already under way
when the outcome is returned."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from knowledge.domain.errors import MnemoError
from knowledge.domain.model import ImportOptions, Reminder, Transcript
from knowledge.services.answers.asking import AskEvent
from knowledge.services.keeping.importing import ImportReport
from knowledge.services.keeping.ingest import IngestResult
from knowledge.services.keeping.rewriting import Edited as Rewritten
from knowledge.services.llm.fair_queue import PositionCallback
from knowledge.services.sending.reminder_states import Asked
from knowledge.services.upkeep.profiles import Profile

IMPORTING = "importing"  # the message of an import's progress: (IMPORTING, done, total)


class Meant(Enum):
    """What the sender said the message is: /ask, /note, or nothing (read from its words)."""

    EITHER = "either"
    QUESTION = "question"
    NOTE = "note"


@dataclass(frozen=True)
class Upload:
    """A file that came in: a document, a photo, a recording or an export (told apart by
    content). It is fetched only in its owner's turn: `fetch` writes it to the path it is
    given (a download); a file already on this machine (the command line's) has `path`.
    `claimed_bytes` and `claimed_seconds` are what the sender's side says: over a limit,
    refused before anything is fetched (the file itself is checked again)."""

    name: str
    fetch: Callable[[Path], Awaitable[None]] | None = None
    path: Path | None = None
    claimed_bytes: int | None = None
    claimed_seconds: float | None = None
    recording: bool | None = False  # to be heard (a voice message...); None: if it is audio
    mime: str = "audio/ogg"


@dataclass(frozen=True)
class ImportAsked:
    """An import asked for by name (the command line's `mnemo import`): its options, and
    whether a folder's files no longer there are forgotten. `held`: the export last sent
    through the bot, imported again with these options (other senders' messages kept too:
    `Imported.report.others` said how many were left out); the upload then names no file."""

    options: ImportOptions
    prune: bool = False
    held: bool = False


@dataclass(frozen=True)
class Arrival:
    """What came in. `text` is a typed message's text, a file's caption, an edit's new
    words, or what a recording was already heard to say (a kept question replayed);
    `labels` the photo whose "What's on it?" this replies to; `shared` that it came from a
    group (where only questions are admitted, and answered in private); `origin` whom a
    forward came from; `source` the chat message's own key, so a redelivery or an edit
    finds what it made; `edited` that the message `source` now says `text`."""

    user_id: int
    text: str = ""
    upload: Upload | None = None
    client_language: str | None = None
    meant: Meant = Meant.EITHER
    labels: int | None = None
    shared: bool = False
    origin: str | None = None
    source: str | None = None
    retimes: int | None = None  # the reminder whose "when?" this replies to
    edited: bool = False
    fetch_links: bool = True  # a link in a note is read (the command line's --no-fetch: not)
    imports: ImportAsked | None = None


@dataclass(frozen=True)
class Question:
    """Something to answer: one fact, or a gathering (a day, a subject, a count, a sum, a
    summary), told apart by the planner when `answer` is iterated (its final event: an
    Answer, or a Gathered or Summarised). Nothing is asked, or read, before that, so the
    sender sees the bot react at once."""

    profile: Profile
    text: str
    heard: Transcript | None
    _ask: Callable[[PositionCallback | None], AsyncGenerator[AskEvent, None]]

    def answer(self, on_position: PositionCallback | None = None) -> AsyncGenerator[AskEvent, None]:
        """The answer's events: text pieces, then the final Answer (or Gathered, Summarised,
        Cancelled); `on_position` hears the question's place in the model's queue."""
        return self._ask(on_position)


@dataclass(frozen=True)
class LinkRead:
    """The page a kept message's link points to: kept (`result`, its title its name), or
    not (`error`: refused or unreadable; the message is kept as a note all the same)."""

    url: str
    result: IngestResult | None = None
    error: MnemoError | None = None


@dataclass(frozen=True)
class Kept:
    """A note (typed, forwarded or spoken) in memory; `result.duplicate` when it was
    already there (the same message delivered again, the same recording)."""

    profile: Profile
    result: IngestResult
    origin: str | None = None
    heard: Transcript | None = None
    link: LinkRead | None = None
    offer: Reminder | None = None  # a reminder offered for the moment the note names


@dataclass(frozen=True)
class Stored:
    """A file or photo read and kept (`result.duplicate`: it was already there); `offer`
    a reminder for the moment its caption names; `label_wanted` that it is a photo with no
    words at all, so the sender is asked what is on it."""

    profile: Profile
    name: str
    result: IngestResult
    offer: Reminder | None = None
    label_wanted: bool = False


@dataclass(frozen=True)
class Imported:
    """An export brought in (a Telegram export, a mnemo export, a folder of notes);
    reminders it brought back (`report.reminders.added`) are to be planned."""

    profile: Profile
    name: str
    report: ImportReport


@dataclass(frozen=True)
class Labelled:
    """A photo's description, from the reply to the question about it."""

    profile: Profile
    doc_id: int
    text: str
    heard: Transcript | None = None


@dataclass(frozen=True)
class Edited:
    """An edited message: what it made took the new words (`rewritten`), or it made
    nothing (None: a question), so nothing changed."""

    profile: Profile
    rewritten: Rewritten | None


@dataclass(frozen=True)
class Refused:
    """Nothing kept, nothing asked: `error` says why (too long, silent, over the quota...)."""

    profile: Profile
    error: MnemoError
    heard: Transcript | None = None


@dataclass(frozen=True)
class Reminded:
    """A request for a reminder ("remind me...", "напомни..."): set, or asked about."""

    profile: Profile
    asked: Asked
    heard: Transcript | None = None


Outcome = Question | Kept | Stored | Imported | Labelled | Edited | Refused | Reminded


def heard_of(outcome: Outcome) -> Transcript | None:
    """What a recording was heard to say, when the outcome came from one."""
    if isinstance(outcome, Question | Kept | Labelled | Refused | Reminded):
        return outcome.heard
    return None
