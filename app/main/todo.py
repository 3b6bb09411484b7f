"""我的待办: what the logged-in user must act on, gathered from each domain."""
from dataclasses import dataclass, field


@dataclass
class TodoItem:
    label: str
    url: str
    overdue: bool = False
    note: str = ""


@dataclass
class TodoGroup:
    title: str
    items: list[TodoItem] = field(default_factory=list)
    more_url: str = ""

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)
