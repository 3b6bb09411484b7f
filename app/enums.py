"""Enumerations whose members carry the Chinese label the UI and the printed paper show."""
import enum


class LabelledEnum(enum.StrEnum):
    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]
