"""The review's headline: counts, the One Thing, the streaks. Titles go in as plain text."""

from __future__ import annotations

from dataclasses import dataclass

from pendulum import Date
from textual.content import Content
from textual.widgets import Static


def plural(n: int, word: str) -> str:
    return word if n == 1 else word + "s"


@dataclass(frozen=True)
class SummaryView:
    done: int
    focus_minutes: float
    blocks: int
    interruptions: int
    planned: int
    planned_done: int
    streak: int
    #: The One Thing's title and whether it got done; ``None``: there was none.
    one_thing: tuple[str, bool] | None = None
    #: (habit title, due days done in a row)
    habits: tuple[tuple[str, int], ...] = ()
    #: The week view: several days summed.
    days: int = 1
    #: Deadlines not on track, from today's forecast: (title, status, why).
    deadlines: tuple[tuple[str, str, str], ...] = ()
    #: The day reviewed is before anything was recorded: the first day with a record.
    no_record_before: Date | None = None
    #: The user's pace against their estimates, in words (``calibration.summary_words``);
    #: None: calibration is off.
    estimates: str | None = None


def no_record_line(first_day: Date) -> Content:
    """Said instead of a zero streak or an empty plan on days before the first use."""
    return Content.styled(f"no record before {first_day.format('dddd, MMMM D, YYYY')}", "dim")


def summary_content(view: SummaryView) -> Content:
    if view.no_record_before is not None:
        return no_record_line(view.no_record_before)
    lines = [
        Content.from_markup(
            "[b]$done[/b] $mw done · [b]$minutes[/b] focus min · [b]$blocks[/b] $bw · "
            "[b]$inter[/b] $iw · planned [b]$pdone[/b]/[b]$planned[/b] done",
            done=str(view.done),
            mw=plural(view.done, "micro-goal"),
            minutes=f"{view.focus_minutes:g}",
            blocks=str(view.blocks),
            bw=plural(view.blocks, "block"),
            inter=str(view.interruptions),
            iw=plural(view.interruptions, "interruption"),
            pdone=str(view.planned_done),
            planned=str(view.planned),
        ),
        Content.from_markup(
            "[b $success]🔥 streak $n $days[/] with a micro-goal done",
            n=str(view.streak),
            days=plural(view.streak, "day"),
        ),
    ]
    if view.one_thing is not None:
        title, done = view.one_thing
        mark = ("✔ done", "bold $success") if done else ("not done", "bold $warning")
        lines.append(
            Content.assemble(("★ One Thing: ", "bold $accent"), Content(title), "  ", mark)
        )
    elif view.days == 1:
        lines.append(Content.styled("★ no One Thing set that day", "dim"))
    for title, count in view.habits:
        lines.append(
            Content.assemble(
                ("↻ ", "cyan"),
                Content(title),
                (f"  {count} due {plural(count, 'day')} in a row", "dim"),
            )
        )
    for title, status, why in view.deadlines:
        mark = (
            ("✗ overdue", "bold $error") if status == "overdue" else ("▲ at risk", "bold $warning")
        )
        lines.append(
            Content.assemble(("⚑ ", "bold"), Content(title), "  ", mark, (f"  {why}", "dim"))
        )
    if view.estimates is not None:
        lines.append(Content.assemble(("≈ Estimates: ", "bold"), (view.estimates, "dim")))
    return Content("\n").join(lines)


class ReviewSummary(Static):
    DEFAULT_CSS = """
    ReviewSummary {
        height: auto;
        margin-bottom: 1;
    }
    """

    def show(self, view: SummaryView) -> None:
        self.update(summary_content(view))
