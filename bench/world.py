"""The synthetic province, planned in memory before anything is written.

One province (湖南省, whose 14 cities and ~120 counties give the scale the app must handle),
~2,000 townships, a hundred villages under one county, and a user for each role. Codes follow
GB/T 2260 and the statistics office's extension: county codes are 6 digits, township codes add
3 digits (街道 001–, 镇 100–, 乡 200–), village codes 3 more. Ids and materialized paths are
assigned here, before insertion, and the plan is the same on every run: the cached scratch
database can be recognised, and pages can name their ids.
"""
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from random import Random
from types import SimpleNamespace

from app.auth.roles import Role
from app.regions.models import RegionLevel
from app.regions.services import region_path
from bench.names import person_name, phone, place_name

PROVINCE = ("430000", "湖南省")
CITIES = [
    ("4301", "长沙市"), ("4302", "株洲市"), ("4303", "湘潭市"), ("4304", "衡阳市"), ("4305", "邵阳市"),
    ("4306", "岳阳市"), ("4307", "常德市"), ("4308", "张家界市"), ("4309", "益阳市"), ("4310", "郴州市"),
    ("4311", "永州市"), ("4312", "怀化市"), ("4313", "娄底市"), ("4331", "湘西土家族苗族自治州"),
]
COUNTIES = 120
TOWNSHIPS_PER_COUNTY = (11, 22)  # ~16.5 on average, ~2,000 in all
VILLAGES_PER_TOWNSHIP = (4, 8)  # only under the benchmark county: "a few villages"
ACCOUNTS_CREATED = datetime(2025, 1, 6, 1, 30)


@dataclass
class World:
    regions: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    # Ids and usernames the measured pages refer to ("/regions?parent={county_id}"); the seeded
    # inspections add theirs (bench/inspections.py: inspection_id, pdf_inspection_ids).
    landmarks: dict = field(default_factory=dict)

    def add_region(self, code: str, name: str, level: RegionLevel, parent: dict | None) -> dict:
        # The app's own rule computes the path, so the scratch tree cannot drift from it.
        path = region_path(SimpleNamespace(path=parent["path"]) if parent else None, code)
        region = {
            "id": len(self.regions) + 1, "code": code, "name": name, "level": level,
            "parent_id": parent["id"] if parent else None, "path": path, "active": True,
        }
        self.regions.append(region)
        return region

    def add_user(self, username: str, role: Role, region: dict, rng: Random) -> dict:
        user_id = len(self.users) + 1
        user = {
            "id": user_id, "username": username, "display_name": person_name(rng), "role": role,
            "phone": phone(rng), "active": True, "must_change_password": False, "failed_logins": 0,
            "created_at": ACCOUNTS_CREATED + timedelta(minutes=user_id), "region_id": region["id"],
        }
        self.users.append(user)
        return user


def build_world() -> World:
    rng = Random("bench:world")  # a string seed is stable across interpreters and runs
    world = World()
    province = world.add_region(PROVINCE[0], PROVINCE[1], RegionLevel.PROVINCE, None)
    world.add_user("admin", Role.ADMIN, province, rng)
    county_names: set[str] = set()
    for index, (prefix, city_name) in enumerate(CITIES):
        city = world.add_region(prefix + "00", city_name, RegionLevel.CITY, province)
        viewer = world.add_user(f"viewer_{prefix}", Role.VIEWER, city, rng)
        for county in _add_counties(world, rng, city, prefix, _counties_in_city(index), county_names):
            supervisor = world.add_user(f"supervisor_{county['code']}", Role.SUPERVISOR, county, rng)
            townships = _add_townships(world, rng, county)
            clerks = [world.add_user(f"clerk_{t['code']}", Role.CLERK, t, rng) for t in townships]
            if not world.landmarks and county["name"].endswith("县"):
                # The first 县 and its first 镇 are what the supervisor and clerk pages look at;
                # the county gets villages so that a township's subtree has depth.
                for township in townships:
                    _add_villages(world, rng, township)
                town = next(i for i, t in enumerate(townships) if t["name"].endswith("镇"))
                world.landmarks = {
                    "province_id": province["id"], "city_id": city["id"], "county_id": county["id"],
                    "township_id": townships[town]["id"],
                    # What a supervisor types to find the township's federation (乡镇体育总会).
                    "township_name": townships[town]["name"],
                    "users": {"admin": "admin", "viewer": viewer["username"],
                              "supervisor": supervisor["username"], "clerk": clerks[town]["username"]},
                }
    return world


def _counties_in_city(index: int) -> int:
    base, extra = divmod(COUNTIES, len(CITIES))
    return base + (1 if index < extra else 0)


def _add_counties(world: World, rng: Random, city: dict, prefix: str, count: int, taken: set[str]) -> list[dict]:
    """A city has a couple of districts (区, codes 02–), counties (县, 21–) and one county-level city (市, 81)."""
    districts = 2
    counties = []
    for i in range(count):
        if i < districts:
            code, suffix = f"{prefix}{2 + i:02d}", "区"
        elif i < count - 1:
            code, suffix = f"{prefix}{21 + i - districts:02d}", "县"
        else:
            code, suffix = f"{prefix}81", "市"
        counties.append(world.add_region(code, place_name(rng, taken) + suffix, RegionLevel.COUNTY, city))
    return counties


def _add_townships(world: World, rng: Random, county: dict) -> list[dict]:
    count = rng.randint(*TOWNSHIPS_PER_COUNTY)
    if county["name"].endswith("区"):
        kinds = ["街道"] * (count - 2) + ["镇"] * 2
    else:
        streets = rng.randint(1, 3)
        towns = (count - streets) * 2 // 3
        kinds = ["街道"] * streets + ["镇"] * towns + ["乡"] * (count - streets - towns)
    first_number = {"街道": 1, "镇": 100, "乡": 200}
    used = {kind: 0 for kind in first_number}
    names: set[str] = set()
    townships = []
    for kind in kinds:
        code = f"{county['code']}{first_number[kind] + used[kind]:03d}"
        used[kind] += 1
        townships.append(world.add_region(code, place_name(rng, names) + kind, RegionLevel.TOWNSHIP, county))
    return townships


def _add_villages(world: World, rng: Random, township: dict) -> None:
    names: set[str] = set()
    for i in range(rng.randint(*VILLAGES_PER_TOWNSHIP)):
        # Communities (社区) are numbered 001–, villages (村) 200–.
        community = i == 0
        code = f"{township['code']}{1 if community else 200 + i:03d}"
        name = place_name(rng, names) + ("社区" if community else "村")
        world.add_region(code, name, RegionLevel.VILLAGE, township)
