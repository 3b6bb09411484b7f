"""Help pages: one short page per screen, in the users' words. A page finds its help by the
section of the address it lies under, as the navigation finds its current item."""
from dataclasses import dataclass


@dataclass(frozen=True)
class HelpTopic:
    slug: str
    title: str
    prefixes: tuple[str, ...]  # the addresses this topic explains (their first path segment)


TOPICS = (
    HelpTopic("todo", "我的待办", ("",)),
    HelpTopic("organizations", "体育社会组织名册", ("organizations",)),
    HelpTopic("standards", "“四有”“五有”“六有”标准", ("standards",)),
    HelpTopic("inspections", "自查、验收、抽查与复查", ("inspections", "v", "verify")),
    HelpTopic("rectifications", "整改与销号", ("rectifications",)),
    HelpTopic("activities", "赛事活动的报备与上报", ("activities",)),
    HelpTopic("coverage", "达标覆盖", ("coverage",)),
    HelpTopic("statistics", "年度统计", ("statistics",)),
    HelpTopic("kpis", "考核指标", ("kpis",)),
    HelpTopic("cases", "诉求件办理", ("cases",)),
    HelpTopic("printing", "打印、核验码与批量打印", ("jobs",)),
)
BY_SLUG = {t.slug: t for t in TOPICS}


def topic_for(path: str) -> HelpTopic | None:
    """The help for the page at ``path`` (/inspections/12 → 自查、验收…), or None."""
    first = path.strip("/").split("/", 1)[0].split(".", 1)[0]
    return next((t for t in TOPICS if first in t.prefixes), None)
