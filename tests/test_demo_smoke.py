"""Every link each demo user can see on the demo data answers 200: no dead links, no errors."""
import re
from collections import deque

import pytest

from app.demo import DEMO_PASSWORD, load_demo_data
from app.extensions import db

LINK = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"\.(pdf|xlsx)(\?|$)|^/attachments/|^/static/|^/jobs/")
MAX_PAGES = 120


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo_data(case_count=80)  # a sample of the year of cases: each kind, not the thousand
        db.session.commit()


@pytest.mark.parametrize("username", ["admin", "supervisor", "clerk", "viewer"])
def test_every_visible_link_works(app, demo, username):
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": DEMO_PASSWORD}).status_code == 303
    seen, queue, broken = {"/"}, deque(["/"]), []
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200:
            broken.append((url, response.status_code))
            continue
        if response.mimetype != "text/html":
            continue
        for link in LINK.findall(response.get_data(as_text=True)):
            link = link.replace("&amp;", "&")
            if link not in seen and not SKIP.search(link):
                seen.add(link)
                queue.append(link)
    assert not broken, f"{username}: {broken}"
    assert len(seen) > 10
