"""Seed the scratch database: the real migrations build the schema, bulk Core inserts fill it.

Every table is one ``TableSeed`` in ``TABLES``: its name, how many rows the plan gives it, and a
generator of row dicts. A later table (cases …) is one more generator and one more line. Each
table draws from its own random stream, so adding one leaves the others unchanged.

Generators get a ``Plan``: the world (regions, users), the township standard as the
default-standards migration left it in the database, and the plans several tables share, made
once from their own streams (organisations; inspections with every item's outcome, from which
results and rectifications follow; the organisations' activities).
"""
import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from itertools import islice
from random import Random

from flask_migrate import upgrade
from sqlalchemy import Column, MetaData, String, Table, func, inspect, select, text
from werkzeug.security import generate_password_hash

from app import create_app
from app.cases.models import DeadlineKind
from app.extensions import db
from app.organizations.models import OrgKind, OrgLevel
from app.regions.models import RegionLevel
from bench.activities import plan_activities
from bench.cases import CasePlan, ChannelSnapshot, action_rows, deadline_rows, plan_cases, steps_of
from bench.inspections import InspectionPlan, Item, StandardSnapshot, plan_inspections, rectification_rows, result_rows
from bench.names import PLACE_FIRST, phone
from bench.registry import founding_event_rows, plan_organizations
from bench.settings import BENCH, INSTANCE, ROOT
from bench.world import World, build_world
from config import Config

PASSWORD = "Bench-2026"
CHUNK = 5_000  # rows per executemany: big enough to amortise round trips, small enough for memory

AUDIT_ENTRIES = 200_000
AUDIT_SPAN = (datetime(2024, 11, 1), datetime(2026, 11, 1))  # fixed, so every run seeds the same rows
# Most changes happen where the work is: in townships.
AUDIT_SHARE = {RegionLevel.TOWNSHIP: 0.85, RegionLevel.COUNTY: 0.08, RegionLevel.VILLAGE: 0.04,
               RegionLevel.CITY: 0.02, RegionLevel.PROVINCE: 0.01}

# What the scratch data were made from: a database seeded from other migrations (even one edited
# in place) or by other seeding code is seeded again. Kept in the scratch database itself.
# The migrations import nothing from app/ (the default standards are literal rows in 0002).
FINGERPRINT_SOURCES = [*sorted((ROOT / "migrations" / "versions").glob("*.py")),
                       *(BENCH / name for name in ("names.py", "world.py", "registry.py", "inspections.py", "cases.py",
                                                    "activities.py", "seed.py"))]
fingerprint_table = Table("bench_fingerprint", MetaData(), Column("value", String(64)))


def stream(table: str) -> Random:
    """The table's own random stream (a string seed is stable across interpreters and runs)."""
    return Random(f"bench:{table}")


@dataclass
class Plan:
    """What the generators draw on. The shared plans are made on first use, once."""
    world: World
    standard: StandardSnapshot
    channels: ChannelSnapshot

    @cached_property
    def organizations(self) -> list[dict]:
        return plan_organizations(self.world, stream("organizations"))

    @cached_property
    def inspections(self) -> InspectionPlan:
        return plan_inspections(self.world, self.organizations, self.standard, stream("inspections"))

    @cached_property
    def activities(self) -> list[dict]:
        return plan_activities(self.world, self.organizations, stream("activities"))

    @cached_property
    def cases(self) -> CasePlan:
        return plan_cases(self.world, self.channels, stream("cases"))

    @property
    def landmarks(self) -> dict:
        return {**self.world.landmarks, **self.inspections.landmarks, **self.cases.landmarks}


@dataclass(frozen=True)
class TableSeed:
    table: str
    count: Callable[[Plan], int]
    rows: Callable[[Plan, Random], Iterable[dict]]


@dataclass(frozen=True)
class Seeded:
    rows: dict[str, int]
    seconds: float
    reused: bool
    landmarks: dict


def user_rows(plan: Plan, rng: Random) -> Iterator[dict]:
    # One scrypt hash for everybody: hashing 2,000 passwords one by one would take minutes.
    password_hash = generate_password_hash(PASSWORD, method="scrypt")
    return ({**user, "password_hash": password_hash} for user in plan.world.users)


def audit_entry_rows(plan: Plan, rng: Random) -> Iterator[dict]:
    """Changes to regions and users, spread over the regions and over two years, oldest first
    (ids grow with time, as they do when the app writes them)."""
    world = plan.world
    per_level = Counter(r["level"] for r in world.regions)
    weights = [AUDIT_SHARE[r["level"]] / per_level[r["level"]] for r in world.regions]
    regions = rng.choices(world.regions, weights, k=AUDIT_ENTRIES)
    start, end = AUDIT_SPAN
    span = (end - start).total_seconds()
    offsets = sorted(rng.random() * span for _ in range(AUDIT_ENTRIES))
    user_of = {u["region_id"]: u for u in world.users}  # each region above villages has one user
    parent_of = {r["id"]: r["parent_id"] for r in world.regions}
    for region, offset in zip(regions, offsets, strict=False):
        actor = user_of.get(region["id"]) or user_of[parent_of[region["id"]]]
        subject = user_of.get(region["id"])
        if subject is not None and rng.random() < 0.4:
            entry = _user_change(rng, subject)
        else:
            entry = _region_change(rng, region)
        entry.update(
            created_at=start + timedelta(seconds=offset), user_id=actor["id"], username=actor["username"],
            remote_addr=f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            region_id=region["id"],
        )
        yield entry


def _region_change(rng: Random, region: dict) -> dict:
    if rng.random() < 0.1:
        changes = {key: [None, region[key].value if key == "level" else region[key]]
                   for key in ("id", "code", "name", "level", "parent_id", "path", "active")}
        action = "insert"
    elif rng.random() < 0.8:
        changes = {"name": [rng.choice(PLACE_FIRST) + region["name"][1:], region["name"]]}
        action = "update"
    else:
        changes = {"active": [True, False]}
        action = "update"
    return {"action": action, "record_type": "regions", "record_id": str(region["id"]),
            "record_label": region["name"], "changes": changes}


def _user_change(rng: Random, user: dict) -> dict:
    if rng.random() < 0.1:
        changes = {key: [None, user[key].value if key == "role" else user[key]]
                   for key in ("id", "username", "display_name", "role", "phone", "region_id")}
        changes["password_hash"] = [None, "******"]
        action = "insert"
    elif rng.random() < 0.6:
        changes = {"phone": [phone(rng), user["phone"]]}
        action = "update"
    else:
        changes = {"password_hash": ["******", "******"], "must_change_password": [False, True]}
        action = "update"
    return {"action": action, "record_type": "users", "record_id": str(user["id"]),
            "record_label": f"{user['display_name']}（{user['username']}）", "changes": changes}


TABLES = [
    TableSeed("regions", lambda p: len(p.world.regions), lambda p, rng: p.world.regions),
    TableSeed("users", lambda p: len(p.world.users), user_rows),
    TableSeed("audit_entries", lambda p: AUDIT_ENTRIES, audit_entry_rows),
    TableSeed("organizations", lambda p: len(p.organizations), lambda p, rng: p.organizations),
    TableSeed("lifecycle_events", lambda p: len(p.organizations),
              lambda p, rng: founding_event_rows(p.organizations, rng)),
    TableSeed("inspections", lambda p: len(p.inspections.inspections), lambda p, rng: p.inspections.inspections),
    TableSeed("inspection_results", lambda p: len(p.inspections.inspections) * len(p.standard.items),
              lambda p, rng: result_rows(p.inspections, p.standard, rng)),
    TableSeed("rectifications", lambda p: p.inspections.failed,
              lambda p, rng: rectification_rows(p.inspections, p.standard, p.organizations, p.world, rng)),
    TableSeed("activities", lambda p: len(p.activities), lambda p, rng: p.activities),
    TableSeed("handling_units", lambda p: len(p.cases.units), lambda p, rng: p.cases.units),
    TableSeed("cases", lambda p: len(p.cases.cases), lambda p, rng: p.cases.cases),
    TableSeed("case_deadlines", lambda p: sum(2 if c["unit_id"] else 1 for c in p.cases.cases),
              lambda p, rng: deadline_rows(p.cases, p.channels, rng)),
    TableSeed("case_actions", lambda p: sum(len(steps_of(c)) for c in p.cases.cases),
              lambda p, rng: action_rows(p.cases, rng)),
]


def prepare(url: str, reseed: bool = False) -> Seeded:
    """The scratch database at ``url``, migrated to head and holding the planned rows;
    reused as it is when it already does (same migrations, same seeding code), unless ``reseed``."""
    started = time.perf_counter()
    world = build_world()
    fingerprint = _fingerprint()
    app = create_app(bench_config(url))
    with app.app_context():
        plan = None
        if not reseed and _fingerprint_matches(fingerprint):
            plan = Plan(world, _township_standard(), _channel_snapshot())
            if _row_counts() != _expected(plan):
                plan = None
        reused = plan is not None
        if not reused:
            _drop_everything()
            upgrade()
            plan = Plan(world, _township_standard(), _channel_snapshot())
            _load(plan, fingerprint)
        rows = _row_counts()
        db.engine.dispose()  # the servers open their own connections
    expected = _expected(plan)
    if rows != expected:
        raise RuntimeError(f"seeded {rows}, planned {expected}")
    return Seeded(rows, time.perf_counter() - started, reused, plan.landmarks)


def _expected(plan: Plan) -> dict[str, int]:
    return {seed.table: seed.count(plan) for seed in TABLES}


def _township_standard() -> StandardSnapshot:
    """The current version of the township federation standard (四有) and its items, as migrated."""
    tables = db.metadata.tables
    standards, versions, items = tables["standards"], tables["standard_versions"], tables["standard_items"]
    with db.engine.connect() as conn:
        standard = conn.execute(
            select(standards.c.id, standards.c.name)
            .where(standards.c.org_kind == OrgKind.FEDERATION, standards.c.org_level == OrgLevel.TOWNSHIP)
        ).one()
        version_id = conn.execute(
            select(versions.c.id).where(versions.c.standard_id == standard.id)
            .order_by(versions.c.number.desc()).limit(1)
        ).scalar_one()
        rows = conn.execute(
            select(items.c.id, items.c.position, items.c.code, items.c.title, items.c.criterion, items.c.required)
            .where(items.c.version_id == version_id).order_by(items.c.position)
        ).all()
    return StandardSnapshot(standard.name, version_id, tuple(Item(*row) for row in rows))


def _channel_snapshot() -> ChannelSnapshot:
    """The 12345 and letter channels' general class and their rule ids, as the case-desk migration loaded them."""
    tables = db.metadata.tables
    channels, classes, rules = tables["channels"], tables["channel_classes"], tables["deadline_rules"]
    with db.engine.connect() as conn:
        def one(code: str) -> tuple[int, int, dict]:
            channel_id, class_id = conn.execute(
                select(channels.c.id, classes.c.id).join(classes, classes.c.channel_id == channels.c.id)
                .where(channels.c.code == code, classes.c.code == "general")).one()
            kinds = {DeadlineKind(kind): rule_id for rule_id, kind in conn.execute(
                select(rules.c.id, rules.c.kind).where(rules.c.channel_class_id == class_id))}
            return channel_id, class_id, kinds

        return ChannelSnapshot(hotline=one("hotline12345"), letter=one("petition_letter"))


def bench_config(url: str) -> type[Config]:
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        INSTANCE_DIR = INSTANCE

    return BenchConfig


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for path in FINGERPRINT_SOURCES:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _fingerprint_matches(fingerprint: str) -> bool:
    """True when the data were seeded, completely, from the same migrations and code."""
    with db.engine.connect() as conn:
        if not inspect(conn).has_table(fingerprint_table.name):
            return False
        return conn.execute(select(fingerprint_table.c.value)).scalar() == fingerprint


def _row_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            seed.table: conn.execute(select(func.count()).select_from(db.metadata.tables[seed.table])).scalar_one()
            for seed in TABLES
        }


def _drop_everything() -> None:
    """Whatever an earlier run (or an older schema) left, alembic_version included."""
    leftovers = MetaData()
    leftovers.reflect(bind=db.engine)
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # With foreign keys on, SQLite empties a table row by row before dropping it and checks
            # every row against the tables referring to it: inspections.recheck_of_id, unindexed,
            # makes that a full scan per row (minutes). Nothing is left to protect here.
            # (A PRAGMA outside a transaction: the driver opens one only for DML.)
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            leftovers.drop_all(bind=conn)
            conn.commit()
        finally:
            if sqlite:
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")  # the connection goes back to the pool


def _load(plan: Plan, fingerprint: str) -> None:
    with db.engine.begin() as conn:
        for seed in TABLES:
            rows = iter(seed.rows(plan, stream(seed.table)))
            table = db.metadata.tables[seed.table]
            while chunk := list(islice(rows, CHUNK)):
                conn.execute(table.insert(), chunk)
        if conn.dialect.name == "postgresql":
            # Explicit ids leave the sequences behind; the app's next insert must not collide.
            for seed in TABLES:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{seed.table}', 'id'), "
                                  f"(SELECT max(id) FROM {seed.table}))"))
        # Written last, in the same transaction: an interrupted seeding leaves no fingerprint.
        fingerprint_table.create(conn)
        conn.execute(fingerprint_table.insert().values(value=fingerprint))
    if db.engine.dialect.name == "postgresql":
        # A production database has been vacuumed and analysed by autovacuum long since; a bulk
        # load has not, and would be measured with no statistics and no visibility map.
        # (SQLite is left as the app leaves it in production: it never runs ANALYZE.)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
