"""Domain objects. Pendulum values become ISO strings only in ``to_doc`` / ``from_doc``.

Fields a document has that a model does not know are kept in ``extra`` and written back,
so a file touched by a newer minor version loses nothing.

A hand-edited file may hold a known field with the wrong type (a number as a title, a string
as ``after``, a date that is not one). Reading never fails on such a field: it reads as the
default, and the stored value is kept in ``unread`` and written back as it was unless the
field is changed, so an edit elsewhere in the goal loses nothing. Only a value a document
cannot do without (a block's start, a day's date) makes it ``CorruptDatabase``. Text read
from the file has its control characters stripped, as typed text has.

The models live in ``models_goal`` (goals) and ``models_day`` (blocks and day plans), over
the tolerant field readers of ``docfields``; this module is their one import point.
"""

from __future__ import annotations

from tui_microgoals.core.models_day import DEFAULT_BLOCK_MINUTES as DEFAULT_BLOCK_MINUTES
from tui_microgoals.core.models_day import MAX_BLOCK_MINUTES as MAX_BLOCK_MINUTES
from tui_microgoals.core.models_day import MIN_BLOCK_MINUTES as MIN_BLOCK_MINUTES
from tui_microgoals.core.models_day import OUTCOMES as OUTCOMES
from tui_microgoals.core.models_day import Block as Block
from tui_microgoals.core.models_day import Day as Day
from tui_microgoals.core.models_day import Extension as Extension
from tui_microgoals.core.models_day import Interruption as Interruption
from tui_microgoals.core.models_day import Pause as Pause
from tui_microgoals.core.models_goal import DONE as DONE
from tui_microgoals.core.models_goal import DROPPED as DROPPED
from tui_microgoals.core.models_goal import OPEN as OPEN
from tui_microgoals.core.models_goal import STATUSES as STATUSES
from tui_microgoals.core.models_goal import Goal as Goal
