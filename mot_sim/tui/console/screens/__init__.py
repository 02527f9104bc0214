"""The console's screens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from mot_sim.classroom.models import RosterEntry


@runtime_checkable
class ClassView(Protocol):
    """A screen that shows the class and follows its changes."""

    def class_changed(self, roster: list[RosterEntry]) -> None:
        """The class's data moved; ``roster`` is the room now."""
