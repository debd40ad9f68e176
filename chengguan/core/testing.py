"""Builders shared by the test suites: a tiny, hand-checkable city with one actor per role.

Layout (lon/lat, WGS84), two districts side by side along the 121.55 meridian:

    29.880 +-----------+-----------+-----------+-----------+
           | 001001001 | 001001002 | 001001001 | 001001002 |   district 330203 (west) │ 330212 (east)
    29.870 +-----------+-----------+-----------+-----------+   one street, one community each,
           | 001001003 | 001001004 | 001001003 | 001001004 |   four grids per community
    29.860 +-----------+-----------+-----------+-----------+
         121.530     121.540     121.550     121.560     121.570

A main road runs along latitude 29.870 across the whole city; it is split into two beats, one per
squadron. A night market (18:00–23:00) sits inside grid 330212001001001.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from shapely.geometry import LineString, box

from chengguan.geo.models import Beat, BeatKind, Grid, PostType, Road, RoadGrade, VendingZone
from chengguan.geo.projection import area_m2, length_m
from chengguan.org.models import Division, DivisionLevel, Specialty, Unit, UnitKind, User
from chengguan.org.roles import Role

WEST_DISTRICT = "330203"
EAST_DISTRICT = "330212"
CITY_BOUNDS = (121.53, 29.86, 121.57, 29.88)


@dataclass
class TinyCity:
    city: Division
    districts: dict[str, Division]
    streets: dict[str, Division]
    communities: dict[str, Division]
    grids: dict[str, Grid]
    units: dict[str, Unit]
    users: dict[str, User]
    beats: dict[str, Beat]
    zone: VendingZone
    road: Road
    extra: dict[str, Any] = field(default_factory=dict)


def _user(username: str, role: Role | None, unit: Unit | None, name: str, **kw: Any) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, name=name, unit=unit, **kw)
    if role is not None:
        user.groups.add(Group.objects.get(name=role))
    return user


def build_tiny_city() -> TinyCity:
    city = Division.objects.create(
        code="330200", name="宁波市", level=DivisionLevel.CITY, boundary=box(*CITY_BOUNDS)
    )
    districts, streets, communities, grids = {}, {}, {}, {}
    for dcode, dname, sname, cname, x0 in (
        (WEST_DISTRICT, "海曙区", "鼓楼街道", "中山社区", 121.53),
        (EAST_DISTRICT, "鄞州区", "东胜街道", "史家社区", 121.55),
    ):
        outline = box(x0, 29.86, x0 + 0.02, 29.88)
        district = Division.objects.create(
            code=dcode, name=dname, level=DivisionLevel.DISTRICT, parent=city, boundary=outline
        )
        street = Division.objects.create(
            code=dcode + "001", name=sname, level=DivisionLevel.STREET, parent=district, boundary=outline
        )
        community = Division.objects.create(
            code=dcode + "001001", name=cname, level=DivisionLevel.COMMUNITY, parent=street, boundary=outline
        )
        districts[dcode], streets[street.code], communities[community.code] = district, street, community
        # grids numbered west→east, north→south
        cells = [
            (x0, 29.87, x0 + 0.01, 29.88),
            (x0 + 0.01, 29.87, x0 + 0.02, 29.88),
            (x0, 29.86, x0 + 0.01, 29.87),
            (x0 + 0.01, 29.86, x0 + 0.02, 29.87),
        ]
        for seq, cell in enumerate(cells, start=1):
            geom = box(*cell)
            code = f"{community.code}{seq:03d}"
            grids[code] = Grid.objects.create(
                code=code, community=community, geometry=geom, area_m2=area_m2(geom)
            )

    bureau = Unit.objects.create(code="CG", name="宁波市城市管理局", kind=UnitKind.BUREAU)
    bureau.territory.add(city)
    west = Unit.objects.create(code="CG-SQ1", name="鼓楼中队", kind=UnitKind.SQUADRON, parent=bureau)
    west.territory.add(streets[WEST_DISTRICT + "001"])
    east = Unit.objects.create(code="CG-SQ2", name="东胜中队", kind=UnitKind.SQUADRON, parent=bureau)
    east.territory.add(streets[EAST_DISTRICT + "001"])
    water = Unit.objects.create(
        code="CG-WATER", name="排水管理处", kind=UnitKind.DEPARTMENT, parent=bureau, specialty=Specialty.WATER
    )
    units = {"bureau": bureau, "west": west, "east": east, "water": water}

    users = {
        "admin": _user("admin", Role.ADMIN, bureau, "管理员", is_staff=True),
        "leader": _user("leader", Role.LEADER, bureau, "刘局长", is_staff=True),
        "operator": _user("operator", Role.OPERATOR, bureau, "李受理", is_staff=True),
        "dispatcher": _user("dispatcher", Role.DISPATCHER, bureau, "赵派遣", is_staff=True),
        "inspector": _user("inspector", Role.INSPECTOR, west, "王监督"),
        "officer": _user("officer", Role.OFFICER, west, "陈刚", badge_number="33020001"),
        "squadron_leader": _user(
            "squadron_leader", Role.SQUADRON_LEADER, west, "周队长", badge_number="33020002"
        ),
        "outsider": _user("outsider", Role.OFFICER, east, "吴外来", badge_number="33020009"),
        "department": _user("department", Role.DEPARTMENT, water, "孙排水"),
        "citizen": _user("citizen", Role.CITIZEN, None, "市民张"),
    }
    for code, grid in grids.items():
        if code.startswith(WEST_DISTRICT):
            grid.inspector = users["inspector"]
            grid.save(update_fields=["inspector"])

    line = LineString([(121.53, 29.87), (121.57, 29.87)])
    road = Road.objects.create(
        code="R1", name="中山东路", grade=RoadGrade.MAIN, geometry=line, length_m=length_m(line)
    )
    beats = {
        "west": Beat.objects.create(
            code="B1",
            name="中山东路-1",
            kind=BeatKind.ROAD,
            road=road,
            geometry=LineString([(121.53, 29.87), (121.55, 29.87)]),
            squadron=west,
            officer=users["officer"],
            post_type=PostType.FIXED,
            post_start=dt.time(7),
            post_end=dt.time(19),
        ),
        "east": Beat.objects.create(
            code="B2",
            name="中山东路-2",
            kind=BeatKind.ROAD,
            road=road,
            geometry=LineString([(121.55, 29.87), (121.57, 29.87)]),
            squadron=east,
            officer=users["outsider"],
        ),
    }
    zone = VendingZone.objects.create(
        code="Z1",
        name="东胜夜市",
        geometry=box(121.552, 29.875, 121.556, 29.878),
        opens_at=dt.time(18),
        closes_at=dt.time(23),
        permitted_goods="水果、小吃",
        capacity=40,
        unit=east,
    )
    _issue_credentials(users)
    return TinyCity(city, districts, streets, communities, grids, units, users, beats, zone, road)


def _issue_credentials(users: dict[str, User]) -> None:
    """Everyone with a badge number holds a valid enforcement credential (执法证) until 2035."""
    from chengguan.penalty.models import EnforcementCredential

    for user in users.values():
        if user.badge_number:
            EnforcementCredential.objects.create(
                user=user,
                number=f"TINY-{user.badge_number}",
                valid_from=dt.date(2020, 1, 1),
                valid_until=dt.date(2035, 12, 31),
            )


@pytest.fixture
def in_english() -> Iterator[None]:
    """Messages of functions called directly come out in English, for tests that read reasons.

    Use it per module (``pytestmark = pytest.mark.usefixtures("in_english")``) only where no page
    is requested: with English active, ``reverse()`` adds the /en/ prefix to admin URLs.
    """
    with translation.override("en"):
        yield
