"""行政区划: the region tree every record and every user hangs from."""
from sqlalchemy import Boolean, ForeignKey, String, and_, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.models import Audited
from app.enums import LabelledEnum
from app.extensions import db, enum_type
from app.regional import PATH_TYPE, in_subtree


class RegionLevel(LabelledEnum):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（市、区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"

    @property
    def depth(self) -> int:
        return list(RegionLevel).index(self)

    @property
    def child(self) -> "RegionLevel | None":
        levels = list(RegionLevel)
        return levels[self.depth + 1] if self.depth + 1 < len(levels) else None


# GB/T 2260 codes are 6 digits down to the county; the statistical division codes
# extend them to 9 digits for townships and 12 for villages. The digits that identify
# a region (and so prefix every code below it) grow 2, 4, 6, 9, 12.
CODE_LENGTH = {
    RegionLevel.PROVINCE: 6,
    RegionLevel.CITY: 6,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
SIGNIFICANT_DIGITS = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
COMMUNITY_CODES_BELOW = "200"


class Region(Audited, db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    level: Mapped[RegionLevel] = mapped_column(enum_type(RegionLevel, 16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    # Materialized path of codes ("/140000/140500/140522/"): a subtree is one prefix match.
    path: Mapped[str] = mapped_column(PATH_TYPE, index=True, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped["Region | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Region"]] = relationship(back_populates="parent", order_by="Region.code")

    def __str__(self) -> str:
        return self.name

    @property
    def audit_region_id(self) -> int | None:
        return self.id

    @property
    def significant_code(self) -> str:
        return self.code[: SIGNIFICANT_DIGITS[self.level]]

    @classmethod
    def in_subtree(cls, path: str):
        """The SQL condition "this region lies in the subtree of ``path``" (one index range)."""
        return in_subtree(cls.path, path)

    @classmethod
    def is_community(cls):
        """The SQL condition "this region is a 社区 (a residents' committee), not a 村". The
        statistical division codes tell them apart: a village-level code ends in 001–199 for a
        居民委员会 and in 200–399 for a 村民委员会 (国家统计局《统计用区划代码编制规则》)."""
        return and_(cls.level == RegionLevel.VILLAGE, func.substr(cls.code, 10, 3) < COMMUNITY_CODES_BELOW)

    def ancestors(self) -> list["Region"]:
        """Root first, without self; one query for the whole chain.

        The one deliberate way to read upward past the scope: a township clerk may name its
        county and city (breadcrumbs, full names) though it cannot open them."""
        codes = self.path.strip("/").split("/")[:-1]
        if not codes:
            return []
        rows = db.session.execute(
            select(Region).where(Region.code.in_(codes)), execution_options={"unscoped": True}
        ).scalars()
        by_code = {r.code: r for r in rows}
        return [by_code[c] for c in codes if c in by_code]

    def ancestor(self, level: RegionLevel) -> "Region | None":
        return next((r for r in self.ancestors() if r.level == level), None)

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in self.ancestors()[1:]) + self.name

    def contains(self, other: "Region") -> bool:
        return other.path.startswith(self.path)
