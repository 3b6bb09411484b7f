"""``python -m bench.load`` (``make load``): many people working at once, on loopback only.

50 sessions of clerks and supervisors (35 and 15), each logged in through the real form, loop
for ``--seconds`` over what their day holds: read their lists, save their draft inspection with a
changed note, upload a photo to it, edit their organisation's contact person. Each works on its
own records, so no refusal is expected; afterwards every write a session was told succeeded is
counted back from the database (0 lost writes), and any 5xx or dropped connection is an error.
SQLite, and PostgreSQL when ``BENCH_DATABASE_URL`` is set (its tables are dropped).
"""
import argparse
import io
import json
import math
import os
import random
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from bench.forms import form_values
from bench.settings import APP_ENV, BENCH, INSTANCE, SCRATCH, SQLITE_URL

CLERKS, SUPERVISORS = 35, 15
ACTIONS = ("read", "save", "upload", "edit")


@dataclass
class Work:
    """One session's own records and what it was told it wrote."""

    username: str
    inspection_id: int
    result_ids: list[int]
    organization_id: int
    notes: dict[int, str] = field(default_factory=dict)  # result id -> last note saved
    contact: str | None = None  # last contact person saved
    photos: set[tuple[int, tuple]] = field(default_factory=set)  # (result id, colour) uploaded


def percentile(samples: list[float], fraction: float) -> float:
    """The value below which ``fraction`` of ``samples`` lie (nearest rank)."""
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def photo(colour: tuple[int, int, int]) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(out, "JPEG", quality=80)
    return out.getvalue()


def prepare_work(url: str) -> list[Work]:
    """A draft inspection and an organisation for each session, made through the services."""
    from sqlalchemy import select

    from app import create_app
    from app.auth.models import User
    from app.auth.roles import Role
    from app.extensions import db
    from app.rules import RuleError
    from app.standards import inspections
    from app.standards.models import InspectionKind, InspectionStatus
    from app.timeutil import local_today
    from bench import seed

    app = create_app(seed.bench_config(url))
    work, used = [], set()
    with app.app_context():
        for role, count, kind in ((Role.CLERK, CLERKS, InspectionKind.SELF_CHECK),
                                  (Role.SUPERVISOR, SUPERVISORS, InspectionKind.ACCEPTANCE)):
            taken = 0
            for user in db.session.execute(select(User).where(User.role == role, User.active.is_(True))
                                           .order_by(User.id)).scalars():
                if taken >= count:
                    break
                org = _organization_for(db, user, used)
                if org is None:
                    continue
                try:
                    inspection = inspections.start_inspection(org, kind, user=user, inspected_on=local_today())
                except RuleError:  # the township has a self-check open already: work on it if still a draft
                    inspection = inspections.open_self_check(org, local_today().year)
                    if inspection is None or inspection.status != InspectionStatus.DRAFT:
                        continue
                used.add(org.id)
                taken += 1
                user.must_change_password = False
                work.append(Work(user.username, inspection.id, [r.id for r in inspection.results], org.id))
        db.session.commit()
        db.engine.dispose()
    return work


def _organization_for(db, user, used: set[int]):
    """An active federation in the user's region (a township's own, or one in a county)."""
    from sqlalchemy import select

    from app.organizations.models import Organization, OrgKind, OrgStatus
    from app.regions.models import Region

    return db.session.execute(
        select(Organization).join(Region, Organization.region_id == Region.id)
        .where(Region.in_subtree(user.region.path), Organization.kind == OrgKind.FEDERATION,
               Organization.status == OrgStatus.ACTIVE, Organization.id.not_in(used or {0}))
        .order_by(Organization.id).limit(1)
    ).scalar_one_or_none()


class Session(threading.Thread):
    def __init__(self, base_url: str, work: Work, password: str, deadline: float, seed_value: int):
        super().__init__(daemon=True)
        from bench.client import Client

        self.client, self.work, self.password, self.deadline = Client(base_url), work, password, deadline
        self.rng = random.Random(seed_value)
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.conflicts = 0

    def run(self):
        from bench.client import login

        try:
            login(self.client, self.work.username, self.password)
        except Exception as error:  # noqa: BLE001 - a failed login is counted, not raised
            self.errors.append(f"login: {error}")
            return
        step = 0
        while time.monotonic() < self.deadline:
            action = ACTIONS[step % len(ACTIONS)]
            step += 1
            try:
                getattr(self, action)()
            except Exception as error:  # noqa: BLE001 - a dropped connection is an error to report
                self.errors.append(f"{action}: {type(error).__name__}: {error}")

    def _timed(self, action: str, response) -> bool:
        self.timings[action].append(response.seconds * 1000)
        if response.status == 409:
            self.conflicts += 1
            return False
        if response.status >= 500 or response.status not in (200, 303):
            self.errors.append(f"{action}: HTTP {response.status} as {self.work.username}: {_gist(response.text)}")
            return False
        return True

    def read(self):
        for path in ("/", "/organizations", "/inspections", "/rectifications"):
            self._timed("read", self.client.get(path))

    def _results_form(self) -> tuple[str, dict]:
        action = f"/inspections/{self.work.inspection_id}"
        page = self.client.get(action)
        return action, form_values(page.text, action)

    def save(self):
        action, values = self._results_form()
        note = f"负载测试说明 {self.rng.randrange(10**9)}"
        result_id = self.rng.choice(self.work.result_ids)
        values.update({f"result_{rid}": "pass" for rid in self.work.result_ids})
        values[f"note_{result_id}"] = note
        if self._timed("save", self.client.post(action, values)):
            self.work.notes[result_id] = note

    def upload(self):
        action, values = self._results_form()
        values.update({f"result_{rid}": "pass" for rid in self.work.result_ids})
        result_id = self.rng.choice(self.work.result_ids)
        colour = tuple(self.rng.randrange(256) for _ in range(3))
        response = self.client.post_multipart(action, values, {f"evidence_{result_id}": ("现场.jpg", photo(colour))})
        if self._timed("upload", response):
            self.work.photos.add((result_id, colour))

    def edit(self):
        action = f"/organizations/{self.work.organization_id}/edit"
        values = form_values(self.client.get(action).text, action)
        contact = f"联系人{self.rng.randrange(10**6)}"
        values["contact_person"] = contact
        if self._timed("edit", self.client.post(action, values)):
            self.work.contact = contact


def _gist(html: str) -> str:
    """The error sentences of a refused page, for the report."""
    import re

    found = re.findall(r'<p class="error[^"]*"[^>]*>([^<]+)</p>', html) or re.findall(r"<h1>([^<]+)</h1>", html)
    return "；".join(found)[:200]


def count_back(url: str, work: list[Work]) -> int:
    """Writes a session was told succeeded but the database does not hold."""
    from sqlalchemy import func, select

    from app import create_app
    from app.attachments.models import Attachment
    from app.extensions import db
    from app.organizations.models import Organization
    from app.standards.models import InspectionResult
    from bench import seed

    lost = 0
    app = create_app(seed.bench_config(url))
    with app.app_context():
        for w in work:
            for result_id, note in w.notes.items():
                stored = db.session.get(InspectionResult, result_id).note
                # A later save of another item keeps this note; only this item's last note counts.
                lost += stored != note
            if w.contact is not None:
                lost += db.session.get(Organization, w.organization_id).contact_person != w.contact
            for result_id in {r for r, _ in w.photos}:
                held = db.session.execute(select(func.count()).select_from(Attachment).where(
                    Attachment.owner_type == "inspection_results", Attachment.owner_id == result_id)).scalar()
                lost += max(0, len({c for r, c in w.photos if r == result_id}) - held)
        db.engine.dispose()
    return lost


def run(database: str, url: str, seconds: float) -> dict:
    from bench import seed, servers

    print(f"== {database}: preparing", flush=True)
    seed.prepare(url)
    work = prepare_work(url)
    print(f"   {len(work)} sessions for {seconds:.0f} s", flush=True)
    log = SCRATCH / f"gunicorn-load-{database}.log"
    with servers.gunicorn("wsgi:app", {**APP_ENV, "DATABASE_URL": url, "JOBS_IN_PROCESS": "0"}, log) as served:
        deadline = time.monotonic() + seconds
        sessions = [Session(served.url, w, seed.PASSWORD, deadline, n) for n, w in enumerate(work)]
        for s in sessions:
            s.start()
        for s in sessions:
            s.join(seconds + 120)
    timings = defaultdict(list)
    for s in sessions:
        for action, samples in s.timings.items():
            timings[action] += samples
    result = {
        "database": database, "sessions": len(work), "seconds": seconds,
        "errors": [e for s in sessions for e in s.errors][:50], "error_count": sum(len(s.errors) for s in sessions),
        "conflicts": sum(s.conflicts for s in sessions), "lost_writes": count_back(url, work),
        "actions": {a: {"count": len(v), "p50_ms": percentile(v, .5), "p95_ms": percentile(v, .95)}
                    for a, v in sorted(timings.items())},
    }
    print(f"   {'action':8s} {'count':>6s} {'p50 ms':>8s} {'p95 ms':>8s}")
    for action, figures in result["actions"].items():
        print(f"   {action:8s} {figures['count']:6d} {figures['p50_ms']:8.1f} {figures['p95_ms']:8.1f}")
    print(f"   errors {result['error_count']}, 409 conflicts {result['conflicts']}, lost writes {result['lost_writes']}")
    for error in result["errors"][:10]:
        print(f"     {error}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--seconds", type=float, default=120, help="how long the sessions work (default 120)")
    options = parser.parse_args(argv)
    os.environ.update(APP_ENV)
    INSTANCE.mkdir(parents=True, exist_ok=True)
    from config import database_url

    runs = [("sqlite", SQLITE_URL)]
    if os.environ.get("BENCH_DATABASE_URL"):
        runs.append(("postgresql", database_url(os.environ["BENCH_DATABASE_URL"])))
    results = [run(database, url, options.seconds) for database, url in runs]
    (BENCH / "load-results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2, default=str))
    return 0 if all(r["error_count"] == 0 and r["lost_writes"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
