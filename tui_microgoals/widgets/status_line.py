"""The status line: today's score at a glance."""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static


@dataclass(frozen=True)
class Score:
    done_today: int = 0
    focus_minutes: int = 0
    streak: int = 0
    #: Completions until the next reward (``None``: no reward set).
    next_reward: int | None = None


def plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


class StatusLine(Static):
    """One line: done today, focus minutes today, streak, next reward; then how the last
    sync went, when sync is set up."""

    _score: Score | None = None
    _alert: str | None = None
    _sync: tuple[str, bool] | None = None

    def show_sync(self, text: str | None, failed: bool = False) -> None:
        """``synced 14:02``, ``sync failed 14:02: …`` or ``syncing…``, after the score."""
        sync = (text, failed) if text is not None else None
        if sync == self._sync:
            return
        self._sync = sync
        if self._score is not None:
            score, self._score = self._score, None
            self.show(score)

    def show_alert(self, alert: str | None) -> None:
        """A state the user must know of (the database is read-only), ahead of the score."""
        self._alert = alert
        if self._score is not None:
            score, self._score = self._score, None
            self.show(score)

    def show(self, score: Score) -> None:
        if score == self._score:
            return
        self._score = score
        parts = [
            Content.from_markup("✔ [b]$n[/b] done today", n=str(score.done_today)),
            Content.from_markup("[b]$n[/b] focus min", n=str(score.focus_minutes)),
            Content.from_markup(
                "streak [b]$n[/b] $days", n=str(score.streak), days=plural(score.streak, "day")
            ),
        ]
        if score.next_reward is not None:
            parts.append(Content.from_markup("reward in [b]$n[/b]", n=str(score.next_reward)))
        if self._alert is not None:
            parts.insert(0, Content.from_markup("[reverse] $alert [/reverse]", alert=self._alert))
        if self._sync is not None:
            text, failed = self._sync
            style = "$warning" if failed else "dim"
            parts.append(Content.from_markup(f"[{style}]$line[/]", line=text))
        self.update(Content("  ·  ").join(parts))
