"""The year's figures in the sentences a work report is written in (seed 000: "乡镇级体育总会数量
达到123个", "在168个社区中实现社区健身会全覆盖", "新成立排球协会…完成了换届选举"), for the .docx
and the page alike."""
from app.activities.models import ActivityKind
from app.organizations.models import EventKind, OrgKind, OrgLevel
from app.regions.models import Region, RegionLevel
from app.reports.statistics import BY_CHANNEL, NAMES_SHOWN, Statistics, chinese_date
from app.standards.models import InspectionKind, Verdict

# A region's name ends in what it is: 阳城县 → 全县, 城区 → 全区, 高平市 → 全市, 凤城镇 → 全镇.
SUFFIXES = ("街道", "县", "区", "市", "旗", "镇", "乡", "省")
LEVEL_WORDS = {RegionLevel.PROVINCE: "省", RegionLevel.CITY: "市", RegionLevel.COUNTY: "县",
               RegionLevel.TOWNSHIP: "乡镇", RegionLevel.VILLAGE: "村"}
PASS = Verdict.PASS.value


def whole(region: Region) -> str:
    """全县, 全市, 全镇 …: how a report names its own region as a whole."""
    suffix = next((s for s in SUFFIXES if region.name.endswith(s)), LEVEL_WORDS[region.level])
    return f"全{suffix}"


def percent(part: int, whole_: int) -> str:
    return f"{part / whole_:.0%}" if whole_ else "—"


def _named(count: int, names: list[str]) -> str:
    """N个（甲、乙、丙等）: the names when there are any, cut after NAMES_SHOWN."""
    if not count:
        return "0个"
    shown = "、".join(names[:NAMES_SHOWN]) + ("等" if count > NAMES_SHOWN else "")
    return f"{count}个（{shown}）"


def _federation_sentence(stats: Statistics, level: OrgLevel, word: str) -> str:
    federations = stats["federations"]
    count = federations.get(level=level.value)
    standard = stats.standards.get(level)
    passed = f"，其中{federations.get(level=level.value, verdict=PASS)}个达到“{standard.name}”标准" if standard else ""
    return f"{word}达到{count}个{passed}"


def sentences(stats: Statistics) -> list[str]:
    """The report's paragraphs, each figure in its sentence; a sentence about nothing is left out."""
    region, period = stats.region, stats.period
    everywhere = whole(region)
    paragraphs = []

    townships = stats["townships"]
    if townships.total:
        covered = townships.get(covered="yes")
        paragraphs.append(
            f"截至{chinese_date(stats.as_of)}，{everywhere}"
            f"{_federation_sentence(stats, OrgLevel.TOWNSHIP, '乡镇级体育总会')}，"
            f"覆盖{townships.total}个乡镇（街道）中的{covered}个，覆盖率{percent(covered, townships.total)}。")
    if region.level.depth <= RegionLevel.COUNTY.depth and stats["federations"].get(level=OrgLevel.COUNTY.value):
        paragraphs.append(f"{everywhere}{_federation_sentence(stats, OrgLevel.COUNTY, '县级体育总会')}。")
    communities = stats["communities"]
    if communities.total:
        covered = communities.get(covered="yes")
        if covered == communities.total:
            paragraphs.append(f"在{communities.total}个社区中实现社区健身会全覆盖。")
        else:
            paragraphs.append(f"{everywhere}{communities.total}个社区中，{covered}个建立了社区健身会，"
                              f"覆盖率{percent(covered, communities.total)}。")

    organizations = stats["organizations"]
    kinds = "、".join(f"{k.label}{n}个" for k in OrgKind if (n := organizations.get(kind=k.value)))
    paragraphs.append(f"截至{chinese_date(stats.as_of)}，{everywhere}共有体育社会组织{organizations.total}个"
                      + (f"，其中{kinds}。" if kinds else "。"))

    events = stats["events"]

    def named(kind: EventKind) -> str:
        return _named(events.get(kind=kind.value), stats.names.get(kind.value, []))

    paragraphs.append(f"{period.opening}新成立体育社会组织{named(EventKind.FOUNDING)}，"
                      f"完成换届{named(EventKind.REELECTION)}，办理变更登记{named(EventKind.CHANGE)}，"
                      f"注销{named(EventKind.DISSOLUTION)}。")

    inspections = stats["inspections"]
    kinds = "、".join(f"{k.label}{n}次" for k in InspectionKind if (n := inspections.get(kind=k.value)))
    paragraphs.append(
        f"{period.opening}完成检查{inspections.total}次" + (f"（{kinds}）" if kinds else "")
        + f"，结论为达标的{inspections.get(verdict=PASS)}次；"
        f"新增整改问题{stats['rectifications_opened'].total}项，整改销号{stats['rectifications_closed'].total}项。")

    activities = stats["activities"]
    paragraphs.append(
        f"{period.opening}开展赛事活动{activities.total}场，其中培训{activities.get(kind=ActivityKind.TRAINING.value)}期，"
        f"参与群众{stats['participants'].total}人次（按已上报活动的实际参与人数统计）。")

    received = stats["cases_received"]
    if received.total:
        by_channel = "、".join(f"{label}{n}件" for value, label in BY_CHANNEL.choices()
                               if (n := received.get(channel=str(value))))
        due, satisfied = stats["cases_due"].total, stats["cases_called_back"].total
        paragraphs.append(
            f"{period.opening}共收到诉求件{received.total}件（{by_channel}），办理答复{stats['cases_answered'].total}件，"
            f"按时办结率{percent(stats['cases_on_time'].total, due)}，回访满意率"
            f"{percent(stats['cases_satisfied'].total, satisfied)}。")
    return paragraphs
