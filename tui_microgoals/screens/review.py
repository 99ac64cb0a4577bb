"""A day's review: what got done, the blocks, focus minutes, planned against done.

Kept simple on purpose; the full review (charts, suggestions, export) builds on this.
"""

from __future__ import annotations

from pendulum import Date
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from tui_microgoals.core.review import Review
from tui_microgoals.session import Session


def review_content(review: Review, tz: str, titles: dict[int, str]) -> Content:
    """The review as styled lines; every title goes in as plain text."""
    lines: list[Content] = [
        Content.from_markup(
            "[b]$done[/b] done · [b]$minutes[/b] focus min · [b]$blocks[/b] blocks · "
            "[b]$inter[/b] interruptions · streak [b]$streak[/b]",
            done=str(len(review.done)),
            minutes=str(round(review.focus_minutes)),
            blocks=str(len(review.blocks)),
            inter=str(review.interruptions),
            streak=str(review.streak),
        ),
        Content.from_markup(
            "Planned [b]$planned[/b], done [b]$done[/b] of them",
            planned=str(len(review.planned)),
            done=str(sum(1 for i in review.planned if i.done)),
        ),
        Content(""),
        Content.styled("Done", "bold $success"),
    ]
    for item in review.done:
        when = item.at.in_timezone(tz).format("HH:mm") if item.at else "habit"
        lines.append(Content.assemble((f"  ✔ {when}  ", "green"), item.path))
    if not review.done:
        lines.append(Content.styled("  nothing yet", "dim"))
    lines += [Content(""), Content.styled("Blocks", "bold")]
    for block in review.blocks:
        start = block.started_at.in_timezone(tz).format("HH:mm")
        minutes = round(review.focus_seconds.get(block.id, 0) / 60)
        outcome = block.outcome or "running"
        row = Content.assemble(
            (f"  {start}  {minutes:>3} min  {outcome:<9}  ", "dim"),
            titles.get(block.goal, f"goal {block.goal}"),
        )
        if block.interruptions:
            row = row.append(
                Content.styled(f"  {len(block.interruptions)} interruptions", "$warning")
            )
        if block.reflection:
            row = row.append(Content.styled("  “", "dim")).append(block.reflection)
            row = row.append(Content.styled("”", "dim"))
        lines.append(row)
    if not review.blocks:
        lines.append(Content.styled("  no blocks", "dim"))
    if review.not_done:
        lines += [Content(""), Content.styled("Planned, not done", "bold $warning")]
        lines += [Content.assemble("  ○ ", i.goal.title) for i in review.not_done]
    if review.suggestions:
        lines += [Content(""), Content.styled("Suggestions", "bold")]
        lines += [
            Content.assemble("  • ", s.title, (f": {s.reason}", "dim")) for s in review.suggestions
        ]
    return Content("\n").join(lines)


class ReviewScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("left_square_bracket", "day(-1)", "Day before", key_display="["),
        Binding("right_square_bracket", "day(1)", "Day after", key_display="]"),
        Binding("escape,r,q", "close", "Close"),
    ]

    def __init__(self, session: Session, date: Date | None = None) -> None:
        super().__init__()
        self.session = session
        self.date = date or session.clock.today()

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog review"):
            yield Static(id="review-title", classes="dialog-title")
            yield Static(id="review-body")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.show_day()

    def show_day(self) -> None:
        store = self.session.store
        review = store.review(self.date)
        titles = {gid: g.title for gid, g in store.goals().items()}
        self.query_one("#review-title", Static).update(
            Content.from_markup("Review of $day", day=self.date.format("dddd, MMMM D, YYYY"))
        )
        self.query_one("#review-body", Static).update(
            review_content(review, self.session.clock.tz, titles)
        )

    def action_day(self, delta: int) -> None:
        self.date = self.date.add(days=delta)
        self.show_day()

    def action_close(self) -> None:
        self.dismiss(None)
