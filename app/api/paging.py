"""The list's cursor: the last case of a page, as (time of its latest action, id), written as
opaque text. Paging by keys, not by page number, loses nothing when cases change meanwhile."""
import base64
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Cursor:
    at: datetime  # naive UTC, as CaseAction.at is stored
    case_id: int

    @property
    def encoded(self) -> str:
        return base64.urlsafe_b64encode(f"{self.at.isoformat()}|{self.case_id}".encode()).decode().rstrip("=")

    @classmethod
    def parse(cls, text: str) -> "Cursor | None":
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            at, _, case_id = raw.partition("|")
            value = cls(datetime.fromisoformat(at), int(case_id))
        except (ValueError, UnicodeDecodeError):
            return None
        if value.at.tzinfo is not None or not 0 < value.case_id < 2**31:
            return None
        return value
