"""The year's figures laid out as tables, once, for the page, the Excel and the .docx: each
number keeps the figure and cell it comes from, so the page links it to its records."""
from dataclasses import dataclass, field

from app.activities.models import ActivityKind
from app.organizations.models import OrgKind, OrgLevel
from app.reports.statistics import EVENT_KINDS, FIGURES, NAMES_SHOWN, Statistics
from app.reports.wording import percent
from app.standards.models import InspectionKind, Verdict


@dataclass(frozen=True)
class Number:
    """A figure's number in one cell (``cell``: dimension key -> param; empty: its total)."""

    value: int
    figure: str
    cell: tuple[tuple[str, str], ...] = ()

    @property
    def args(self) -> dict[str, str]:
        return {"figure": self.figure, **dict(self.cell)}

    def __str__(self) -> str:
        return str(self.value)


@dataclass
class Table:
    title: str
    header: list[str]
    rows: list[list] = field(default_factory=list)  # str, int or Number
    note: str = ""


def number(stats: Statistics, figure: str, **cell: str) -> Number:
    return Number(stats[figure].get(**cell), figure, tuple(cell.items()))


def _organizations(stats: Statistics) -> Table:
    levels = list(OrgLevel)
    table = Table("体育社会组织（期末存续）", ["类型", *(lv.label for lv in levels), "合计"],
                  note=FIGURES["organizations"].note)
    for kind in OrgKind:
        table.rows.append([kind.label, *(number(stats, "organizations", kind=kind.value, level=lv.value) for lv in levels),
                           number(stats, "organizations", kind=kind.value)])
    table.rows.append(["合计", *(number(stats, "organizations", level=lv.value) for lv in levels),
                       number(stats, "organizations")])
    return table


def _federations(stats: Statistics) -> Table:
    table = Table("体育总会达标情况", ["级别", "体育总会", "达标", "不达标", "未检查", "标准"],
                  note=FIGURES["federations"].note)
    for level in OrgLevel:
        standard = stats.standards.get(level)
        if standard is None and not stats["federations"].get(level=level.value):
            continue
        table.rows.append([level.label, number(stats, "federations", level=level.value),
                           *(number(stats, "federations", level=level.value, verdict=v)
                             for v in (Verdict.PASS.value, Verdict.FAIL.value, "none")),
                           f"“{standard.name}”" if standard else "未设标准"])
    return table


def _coverage(stats: Statistics) -> Table:
    table = Table("覆盖情况", ["区划", "覆盖组织", "总数", "已覆盖", "未覆盖", "覆盖率"],
                  note="期末有存续的乡镇级体育总会的乡镇（街道）、有存续的社区健身会的社区")
    for figure, what in (("townships", "乡镇级体育总会"), ("communities", "社区健身会")):
        covered = number(stats, figure, covered="yes")
        table.rows.append([FIGURES[figure].title, what, number(stats, figure), covered,
                           number(stats, figure, covered="no"), percent(covered.value, stats[figure].total)])
    return table


def _events(stats: Statistics) -> Table:
    table = Table("成立、换届、变更、注销", ["事项", "数量", "组织名称"], note="期内登记的事项，按登记日期计")
    for kind in EVENT_KINDS:
        count = number(stats, "events", kind=kind.value)
        names = stats.names.get(kind.value, [])
        table.rows.append([kind.label, count, "、".join(names[:NAMES_SHOWN]) + ("等" if count.value > NAMES_SHOWN else "")])
    return table


def _inspections(stats: Statistics) -> Table:
    table = Table("检查与整改", ["检查类型", "次数", "达标", "不达标"], note=FIGURES["inspections"].note)
    for kind in [*InspectionKind, None]:
        cell = {"kind": kind.value} if kind else {}
        table.rows.append([kind.label if kind else "合计", number(stats, "inspections", **cell),
                           *(number(stats, "inspections", **cell, verdict=v.value) for v in Verdict)])
    table.rows.append(["新增整改（项）", number(stats, "rectifications_opened"), "", ""])
    table.rows.append(["整改销号（项）", number(stats, "rectifications_closed"), "", ""])
    return table


def _activities(stats: Statistics) -> Table:
    table = Table("赛事活动", ["类型", "场次"], note=f"{FIGURES['activities'].note}；参与人次为{FIGURES['participants'].note}")
    for kind in ActivityKind:
        table.rows.append([kind.label, number(stats, "activities", kind=kind.value)])
    table.rows.append(["合计", number(stats, "activities")])
    table.rows.append(["参与人次", number(stats, "participants")])
    return table


CASE_COLUMNS = ("cases_received", "cases_answered", "cases_due", "cases_on_time", "cases_called_back", "cases_satisfied")


def _cases(stats: Statistics) -> Table:
    """Per channel that received any: the counts, and the rates of the KPI page (按时办结率, 满意率)."""
    table = Table("诉求件办理", ["来源渠道", *(FIGURES[f].title for f in CASE_COLUMNS), "按时办结率", "满意率"],
                  note="按收件时间计；答复、按时、回访、满意的口径与考核指标相同，以最近一轮为准")
    received = stats["cases_received"]
    channels = [(str(value), label) for value, label in FIGURES["cases_received"].dimension("channel").choices()
                if received.get(channel=str(value))] if received.total else []
    for cell, label in [*(({"channel": value}, label) for value, label in channels), ({}, "合计")]:
        row = [number(stats, figure, **cell) for figure in CASE_COLUMNS]
        table.rows.append([label, *row, percent(row[3].value, row[2].value), percent(row[5].value, row[4].value)])
    return table


SECTIONS = (_organizations, _federations, _coverage, _events, _inspections, _activities, _cases)


def tables(stats: Statistics) -> list[Table]:
    return [section(stats) for section in SECTIONS]
