"""Demo data for ``flask --app wsgi seed-demo``: every screen has something real to show."""
from app.demo.activities import load_activities
from app.demo.api_tokens import DEMO_TOKEN, load_api_token
from app.demo.cases import load_cases
from app.demo.inspections import load_inspections
from app.demo.organizations import load_organizations
from app.demo.regions import DEMO_PASSWORD, load_regions_and_users

__all__ = ["DEMO_PASSWORD", "DEMO_TOKEN", "load_demo_data"]


def load_demo_data(case_count: int | None = None) -> dict[str, int]:
    """Everything the demo holds; ``case_count`` scales the year of cases down (tests that only
    need some of each kind), the default being the year the seeds describe (about 1,100)."""
    regions, users = load_regions_and_users()
    organizations = load_organizations(regions)
    # Before the inspections: their 有活动 items take the year's activities as evidence.
    activities, activity_files = load_activities(organizations, users)
    inspections, rectifications, photos = load_inspections(organizations, users)
    cases = load_cases(users, count=case_count)
    api_tokens = load_api_token(regions, users)
    return {"区划": len(regions), "用户": len(users), "体育组织": len(organizations),
            "检查": inspections, "整改": rectifications, "照片": photos, "活动": activities,
            "活动附件": activity_files, "诉求件": cases, "接口令牌": api_tokens}
