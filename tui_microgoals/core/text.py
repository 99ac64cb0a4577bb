"""Input hygiene: every piece of user text passes through here on its way into the core."""

from __future__ import annotations

import re

from tui_microgoals.core.errors import InputError

TITLE_MAX = 200
NOTE_MAX = 10_000
LINE_MAX = 500

# ESC-introduced sequences (CSI, OSC, DCS, single-character escapes) and their 8-bit forms.
_ESCAPES = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                  # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC/DCS/SOS/PM/APC ... ST
    | \x1b[@-Z\\-_]                                    # two-character escapes
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 except tab and newline, DEL, C1.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Characters that draw nothing: a title made only of these is empty.
_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u180e]")


def strip_controls(text: str) -> str:
    """Remove escape sequences and control characters, keep everything else as typed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROLS.sub("", _ESCAPES.sub("", text))


def clean_title(text: str, *, what: str = "title") -> str:
    """A one-line title: controls stripped, whitespace collapsed to single spaces, trimmed."""
    text = " ".join(strip_controls(text).split())
    if not _INVISIBLE.sub("", text):
        raise InputError(f"the {what} is empty")
    if len(text) > TITLE_MAX:
        raise InputError(f"the {what} is {len(text)} characters long; the limit is {TITLE_MAX}")
    return text


def clean_line(text: str | None, *, what: str = "note", limit: int = LINE_MAX) -> str:
    """An optional one-line text (an interruption note, a reflection)."""
    if text is None:
        return ""
    text = " ".join(strip_controls(text).split())
    if len(text) > limit:
        raise InputError(f"the {what} is {len(text)} characters long; the limit is {limit}")
    return text


def clean_notes(text: str | None) -> str:
    """Free multi-line notes: controls stripped, trailing space trimmed."""
    if text is None:
        return ""
    text = strip_controls(text).strip()
    if len(text) > NOTE_MAX:
        raise InputError(f"the notes are {len(text)} characters long; the limit is {NOTE_MAX}")
    return text
