"""我的待办: what the logged-in user must act on, gathered from each domain."""
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Due:
    """The deadline an item counts down to: its words (剩余2个工作日, 已超期…) change with the
    clock, so they are worked out each time the list is shown, not when it is gathered."""

    due_at: datetime
    provisional: bool = False


@dataclass
class TodoItem:
    label: str
    url: str
    overdue: bool = False
    note: str = ""
    due: Due | None = None  # set: ``overdue`` and ``note`` are the countdown's, as of the showing


@dataclass
class TodoGroup:
    title: str
    items: list[TodoItem] = field(default_factory=list)
    more_url: str = ""

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)
