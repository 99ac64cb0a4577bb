"""The countdown: Textual's three-line digits, or block digits as big as the space allows."""

from __future__ import annotations

from rich.text import Text
from textual.app import RenderResult
from textual.widgets import Digits

#: 3x5 glyphs; each ``#`` is a "pixel" drawn two cells wide and one row high (terminal cells
#: are about twice as tall as wide), times the scale.
GLYPHS = {
    "0": ("###", "# #", "# #", "# #", "###"),
    "1": (" # ", "## ", " # ", " # ", "###"),
    "2": ("###", "  #", "###", "#  ", "###"),
    "3": ("###", "  #", "###", "  #", "###"),
    "4": ("# #", "# #", "###", "  #", "  #"),
    "5": ("###", "#  ", "###", "  #", "###"),
    "6": ("###", "#  ", "###", "# #", "###"),
    "7": ("###", "  #", "  #", "  #", "  #"),
    "8": ("###", "# #", "###", "# #", "###"),
    "9": ("###", "# #", "###", "  #", "###"),
    ":": (" ", "#", " ", "#", " "),
    "-": ("   ", "   ", "###", "   ", "   "),
}
GLYPH_ROWS = 5
#: The biggest scale: digits 40 rows high are past useful on any screen.
MAX_SCALE = 8


def pixel_rows(value: str) -> list[str]:
    """``value`` as rows of pixels, one blank pixel between glyphs."""
    glyphs = [GLYPHS.get(char, ("   ",) * GLYPH_ROWS) for char in value]
    return [" ".join(glyph[row] for glyph in glyphs) for row in range(GLYPH_ROWS)]


def big_scale(value: str, width: int, height: int) -> int:
    """The largest scale at which ``value`` fits ``width`` x ``height`` cells (0: none)."""
    pixels = len(pixel_rows(value)[0])
    if pixels == 0:
        return 0
    return max(0, min(width // (2 * pixels), height // GLYPH_ROWS, MAX_SCALE))


def big_lines(value: str, scale: int) -> list[str]:
    """``value`` in block digits at ``scale``: 5 x scale rows."""
    lines = []
    for row in pixel_rows(value):
        line = "".join(("██" if pixel == "#" else "  ") * scale for pixel in row)
        lines += [line] * scale
    return lines


class Countdown(Digits):
    """Three-line digits; with ``grow``, the biggest block digits its region holds.

    In focus mode the clock gets the space the other lines leave (CSS ``height: 1fr``); below
    scale 1 (a small terminal) it falls back to the three-line digits.
    """

    def __init__(self, value: str = "", *, grow: bool = False, id: str | None = None) -> None:
        super().__init__(value, id=id)
        self.grow = grow

    def scale(self) -> int:
        if not self.grow:
            return 0
        size = self.content_size
        return big_scale(self.value, size.width, size.height)

    def update(self, value: str) -> None:
        if self.grow:
            self._value = value  # the region's size does not depend on the value
            self.refresh()
        else:
            super().update(value)

    def render(self) -> RenderResult:
        scale = self.scale()
        if scale == 0:
            return super().render()
        lines = big_lines(self.value, scale)
        top = max(0, (self.content_size.height - len(lines)) // 2)
        # Every line is as wide as the digits: the CSS text-align places them as one block.
        return Text("\n" * top + "\n".join(lines), style=self.rich_style)
