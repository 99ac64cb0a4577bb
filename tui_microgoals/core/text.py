"""Input hygiene: every piece of user input passes through here on its way into the core.

Imports nothing heavy (the regular expressions are compiled on first need), so the fast path
of ``microgoals add`` checks a title with the same code as the store.
"""

from __future__ import annotations

from tui_microgoals.core.errors import InputError

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` costs a few ms to import)
    from typing import Any

TITLE_MAX = 200
NOTE_MAX = 10_000
LINE_MAX = 500
MAX_ESTIMATE_MINUTES = 24 * 60

# ESC-introduced sequences (CSI, OSC, DCS, single-character escapes) and their 8-bit forms.
_ESCAPES = r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                  # CSI ... final byte
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]).*?(?:\x07|\x1b\\|\x9c|$)  # OSC/DCS/SOS/PM/APC ... ST
    | \x1b[@-Z\\-_]                                    # two-character escapes
"""
# C0 except tab and newline, DEL, C1.
_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f]"
# Characters that draw nothing besides whitespace: a title made only of these is empty.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff\u00ad\u034f\u180e"
)
_compiled: tuple[Any, Any] | None = None


def _patterns() -> tuple[Any, Any]:
    global _compiled
    if _compiled is None:
        import re  # ~4 ms: only for text that has something to strip

        _compiled = (re.compile(_ESCAPES, re.VERBOSE | re.DOTALL), re.compile(_CONTROLS))
    return _compiled


def strip_controls(text: str) -> str:
    """Remove escape sequences and control characters, keep everything else as typed."""
    if text.isprintable():  # no control character, so no escape sequence or line break
        return text
    escapes, controls = _patterns()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return controls.sub("", escapes.sub("", text))


def check_valid(text: str, subject: str) -> None:
    """Refuse lone surrogates: bytes that were not UTF-8 (Python decodes ``\\xff`` in argv to
    ``\\udcff``); they cannot be stored or printed."""
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            raise InputError(f"{subject} not valid text (bad bytes)") from None


def draws_nothing(text: str) -> bool:
    """Only whitespace and invisible characters (zero-width spaces, joiners...)."""
    return all(ch.isspace() or ch in _INVISIBLE for ch in text)


def clean_title(text: str, *, what: str = "title") -> str:
    """A one-line title: controls stripped, whitespace collapsed to single spaces, trimmed."""
    check_valid(text, f"the {what} is")
    text = " ".join(strip_controls(text).split())
    if draws_nothing(text):
        raise InputError(f"the {what} is empty")
    if len(text) > TITLE_MAX:
        raise InputError(f"the {what} is {len(text)} characters long; the limit is {TITLE_MAX}")
    return text


def clean_line(text: str | None, *, what: str = "note", limit: int = LINE_MAX) -> str:
    """An optional one-line text (an interruption note, a reflection)."""
    if text is None:
        return ""
    check_valid(text, f"the {what} is")
    text = " ".join(strip_controls(text).split())
    if len(text) > limit:
        raise InputError(f"the {what} is {len(text)} characters long; the limit is {limit}")
    return text


def clean_notes(text: str | None) -> str:
    """Free multi-line notes: controls stripped, trailing space trimmed."""
    if text is None:
        return ""
    check_valid(text, "the notes are")
    text = strip_controls(text).strip()
    if len(text) > NOTE_MAX:
        raise InputError(f"the notes are {len(text)} characters long; the limit is {NOTE_MAX}")
    return text


def check_minutes(minutes: int | None, *, what: str = "estimate") -> int | None:
    if minutes is None:
        return None
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise InputError(f"the {what} must be a whole number of minutes")
    if not 1 <= minutes <= MAX_ESTIMATE_MINUTES:
        raise InputError(f"the {what} must be between 1 and {MAX_ESTIMATE_MINUTES} minutes")
    return minutes


def quoted(title: str, limit: int = 40) -> str:
    """A title inside a sentence the app says ("marked 'Bake test batch #2' done"): in single
    quotes, on one line, cut with "…" when longer than ``limit`` characters."""
    text = " ".join(strip_controls(title).split())
    if len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return f"'{text}'"
