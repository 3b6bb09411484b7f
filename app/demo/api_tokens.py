"""The demo's API token, for trying the API locally: a fixed, documented value (README, `make run`),
stored hashed like any other. A real installation issues its own on the 接口令牌 page."""
from app.api.tokens import issue_token
from app.auth.models import User
from app.regions.models import Region
from app.timeutil import utcnow

DEMO_TOKEN = "demo-token-yangcheng-2026"
DEMO_COUNTY = "140522"  # 阳城县


def load_api_token(regions: dict[str, Region], users: dict[str, User]) -> int:
    issue_token("演示12345平台", regions[DEMO_COUNTY], users["admin"], utcnow(), secret=DEMO_TOKEN)
    return 1
