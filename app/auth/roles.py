"""角色: what each kind of account is for, and at which level of the region tree it works."""
from app.enums import LabelledEnum
from app.regions.models import RegionLevel


class Role(LabelledEnum):
    ADMIN = "admin", "系统管理员"
    SUPERVISOR = "supervisor", "县级督导员"
    CLERK = "clerk", "乡镇文体干事"
    VIEWER = "viewer", "市级查看（只读）"


# A clerk works for a township, a supervisor for a county; viewers and admins anywhere above.
REGION_LEVELS = {
    Role.CLERK: (RegionLevel.TOWNSHIP,),
    Role.SUPERVISOR: (RegionLevel.COUNTY,),
    Role.VIEWER: (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY),
    Role.ADMIN: (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY),
}


def role_region_problem(role: Role, region) -> str | None:
    """Why an account of ``role`` cannot belong to ``region``; None when it can."""
    allowed = REGION_LEVELS[role]
    if region.level not in allowed:
        return f"{role.label}只能属于{'、'.join(level.label for level in allowed)}级区划。"
    return None
