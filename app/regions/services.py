"""Region tree rules: official-style codes, adding, renaming, moving and deactivating."""
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.extensions import db
from app.regions.models import CODE_LENGTH, SIGNIFICANT_DIGITS, Region, RegionLevel
from app.rules import RuleError


def code_problem(code: str, level: RegionLevel, parent: Region | None, region_id: int | None = None) -> str | None:
    """Why ``code`` cannot name a region of ``level`` under ``parent``; None when it can."""
    length = CODE_LENGTH[level]
    if not code.isdigit() or len(code) != length:
        return f"{level.label}级代码应为 {length} 位数字。"
    significant = SIGNIFICANT_DIGITS[level]
    if code[significant:] != "0" * (length - significant):
        return f"{level.label}级代码后 {length - significant} 位应为 0。"
    if parent is not None:
        prefix = parent.significant_code
        if not code.startswith(prefix) or code[: significant] == prefix.ljust(significant, "0"):
            return f"代码应以上级“{parent.name}”的代码 {prefix} 开头，且本级位不能全为 0。"
    existing = db.session.execute(
        select(Region.id).where(Region.code == code, Region.id != (region_id or 0)),
        execution_options={"unscoped": True},
    ).first()
    if existing is not None:
        return "该代码已被其他区划使用。"
    return None


def parent_problem(level: RegionLevel, parent: Region | None) -> str | None:
    if level == RegionLevel.PROVINCE:
        return None if parent is None else "省级区划没有上级。"
    if parent is None or parent.level.child != level:
        return f"{level.label}级区划的上级必须是{list(RegionLevel)[level.depth - 1].label}级区划。"
    if not parent.active:
        return "上级区划已停用，不能在其下新增或移入区划。"
    return None


def create_region(*, name: str, code: str, level: RegionLevel, parent: Region | None) -> Region:
    """A new region under ``parent``; raises RuleError when the level or the code does not fit."""
    if problem := parent_problem(level, parent) or code_problem(code, level, parent):
        raise RuleError(problem, "code")
    region = Region(name=name.strip(), code=code, level=level, parent=parent, active=True,
                    path=region_path(parent, code))
    db.session.add(region)
    db.session.flush()
    return region


def region_path(parent: Region | None, code: str) -> str:
    """Codes are unique, so the chain of codes from the root names a region's place in the tree."""
    return f"{parent.path if parent else '/'}{code}/"


def rename_region(region: Region, name: str) -> None:
    region.name = name.strip()
    db.session.flush()


def move_region(region: Region, new_parent: Region, new_code: str) -> None:
    """Re-hang a region (a township merged into another county, say) with its whole subtree.

    Codes follow the parent, so the region gets its new official code; the codes of
    regions below it are left to be corrected one by one, as the statistics office issues them.
    """
    if problem := parent_problem(region.level, new_parent) or code_problem(
            new_code, region.level, new_parent, region_id=region.id):
        raise RuleError(problem, "code")
    old_path = region.path
    new_path = region_path(new_parent, new_code)
    region.parent = new_parent
    region.code = new_code
    region.path = new_path
    db.session.flush()
    # Descendants keep their place under the region; only the prefix of their paths moves.
    descendants = db.session.execute(
        select(Region).where(Region.in_subtree(old_path), Region.id != region.id)
    ).scalars()
    for child in descendants:
        child.path = new_path + child.path[len(old_path):]
    db.session.flush()


def set_region_active(region: Region, active: bool, user) -> None:
    """Deactivate (never delete: records and history point at regions) with the whole subtree."""
    if not active and region.id == user.region_id:
        raise RuleError("不能停用自己所属的区划。")
    if active and region.parent is not None and not region.parent.active:
        raise RuleError("上级区划已停用，请先启用上级区划。")
    ids = select(Region.id).where(Region.in_subtree(region.path))
    for r in db.session.execute(select(Region).where(Region.id.in_(ids))).scalars():
        r.active = active
    db.session.flush()


def region_choices(levels: tuple[RegionLevel, ...] | None = None, active_only: bool = True) -> list[SelectChoice]:
    """Options for select boxes, in tree order, limited by the scope like any query."""
    stmt = select(Region).order_by(Region.code)
    if levels:
        stmt = stmt.where(Region.level.in_(levels))
    if active_only:
        stmt = stmt.where(Region.active.is_(True))
    regions = db.session.execute(stmt).scalars().all()
    return [SelectChoice(r.id, f"{'　' * r.level.depth}{r.name}（{r.code}）") for r in regions]
