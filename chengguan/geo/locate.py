"""Who is responsible for a point: ``locate(lon, lat)`` and its vectorised form ``locate_many``.

A point (WGS84 by default; GCJ-02 and BD-09 are converted first) is routed to

* its **unit grid** and, through the grid's community, its **community, street and district**;
* its **beat**: the nearest *road* beat within ``settings.BEAT_ROAD_DISTANCE_M`` metres, otherwise
  the *area* beat that covers the point;
* its **squadron** and **officer**: those of the beat; with no beat, the squadron whose territory
  (``Unit.territory``) holds the point's community, else its street, else its district (most specific
  first, smallest unit code among equals), and no officer;
* the **vending zone** that covers the point, if the zone is active and open at ``at`` (default now).

Rules that make the answer exact and deterministic:

* **Border rule.** Grids, area beats and vending zones are *closed* polygons in WGS84 (a point on the
  boundary is covered, as ``shapely.intersects_xy`` says). A point covered by several of them, e.g.
  on an edge or a vertex shared by two grids, belongs to **the one with the smallest code**.
* **Road beats.** Distances are measured in the city's local metric plane (the equirectangular
  ``LocalProjection`` around the centre of the territory). A point within the distance of several
  beat roads belongs to the nearest; at equal distances, to the smallest code.
* **Opening hours** are read in ``settings.CITY_TIME_ZONE``: a zone is open from ``opens_at``
  (included) to ``closes_at`` (excluded) on its ISO ``weekdays``; when ``closes_at`` is earlier than
  ``opens_at`` the zone is open past midnight, and the hours after midnight belong to the weekday on
  which the evening began. Among several open zones covering a point, the smallest code wins.

The spatial index (:mod:`chengguan.geo.locate_index`) is a per-process cache: it is built from the
database on first use and rebuilt when ``get_territory_version()`` moves (asked at most every
``settings.LOCATE_VERSION_TTL_S`` seconds) or, at once, after a territory change made in this
process. Nothing is shared between processes.
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from chengguan.core.clock import city_zone
from chengguan.core.errors import BadCoordinates, OutsideCity
from chengguan.geo.coords import CRS, parse_crs, to_wgs84
from chengguan.geo.locate_index import NONE, Frame, LineLayer, PolygonLayer
from chengguan.geo.versioning import get_territory_version

__all__ = [
    "BeatRecord",
    "BeatRef",
    "GridRecord",
    "LocateIndex",
    "Location",
    "LocationBatch",
    "Officer",
    "Place",
    "Territory",
    "ZoneRecord",
    "get_index",
    "invalidate_index",
    "load_territory",
    "locate",
    "locate_many",
    "zone_is_open",
]


# --- results ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """Something with a code and a name: a division, a grid, a squadron or a vending zone."""

    code: str
    name: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True, slots=True)
class GridPlace:
    code: str
    name: str
    community: Place
    street: Place | None
    district: Place | None

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name}


@dataclass(frozen=True, slots=True)
class BeatRef:
    code: str
    name: str
    kind: str  # "road" or "area"

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "name": self.name, "kind": self.kind}


@dataclass(frozen=True, slots=True)
class Officer:
    id: int
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}


def _d(value: Any) -> Any:
    return None if value is None else value.to_dict()


@dataclass(frozen=True, slots=True)
class Location:
    """The routing answer for one point (WGS84 ``lon``/``lat``)."""

    lon: float
    lat: float
    grid: GridPlace
    beat: BeatRef | None
    squadron: Place | None
    officer: Officer | None
    vending_zone: Place | None

    @property
    def grid_code(self) -> str:
        return self.grid.code

    @property
    def community(self) -> Place:
        return self.grid.community

    @property
    def street(self) -> Place | None:
        return self.grid.street

    @property
    def district(self) -> Place | None:
        return self.grid.district

    def to_dict(self) -> dict[str, Any]:
        return {
            "lon": self.lon,
            "lat": self.lat,
            "grid": self.grid.to_dict(),
            "community": self.grid.community.to_dict(),
            "street": _d(self.grid.street),
            "district": _d(self.grid.district),
            "beat": _d(self.beat),
            "squadron": _d(self.squadron),
            "officer": _d(self.officer),
            "vending_zone": _d(self.vending_zone),
        }


# --- plain territory data (what the index is built from) ------------------------------------------


@dataclass(frozen=True)
class GridRecord:
    code: str
    geometry: BaseGeometry  # WGS84 polygon
    community: Place
    street: Place | None = None
    district: Place | None = None
    name: str = ""
    squadron: int = NONE  # index into Territory.squadrons: the territory fallback, or -1


@dataclass(frozen=True)
class BeatRecord:
    code: str
    name: str
    geometry: BaseGeometry  # WGS84 line (road beat) or polygon (area beat)
    squadron: int = NONE  # index into Territory.squadrons
    officer: int = NONE  # index into Territory.officers

    @property
    def kind(self) -> str:
        return "road" if self.geometry.geom_type in ("LineString", "MultiLineString") else "area"


@dataclass(frozen=True)
class ZoneRecord:
    code: str
    name: str
    geometry: BaseGeometry
    opens_at: dt.time
    closes_at: dt.time
    weekdays: str = "1234567"
    is_active: bool = True


@dataclass
class Territory:
    grids: Sequence[GridRecord]
    beats: Sequence[BeatRecord] = ()
    zones: Sequence[ZoneRecord] = ()
    squadrons: Sequence[Place] = ()
    officers: Sequence[Officer] = ()


def zone_is_open(zone: ZoneRecord, moment: dt.datetime) -> bool:
    """Whether ``zone`` is open at the aware ``moment`` (see the module docstring)."""
    if not zone.is_active:
        return False
    local = moment.astimezone(city_zone())
    now_t = local.time().replace(tzinfo=None)
    weekday = str(local.isoweekday())
    if zone.opens_at < zone.closes_at:
        return weekday in zone.weekdays and zone.opens_at <= now_t < zone.closes_at
    if zone.opens_at == zone.closes_at:
        return False
    if now_t >= zone.opens_at:
        return weekday in zone.weekdays
    if now_t < zone.closes_at:
        previous = str((local.isoweekday() + 5) % 7 + 1)
        return previous in zone.weekdays
    return False


def _moment(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        return at.replace(tzinfo=city_zone())
    return at


# --- the index -----------------------------------------------------------------------------------


class LocateIndex:
    """Everything ``locate`` needs, in memory: the layers and the names, codes and links."""

    def __init__(
        self,
        territory: Territory,
        *,
        cell_m: float,
        max_cells: int,
        road_distance_m: float,
        version: int | None = None,
    ) -> None:
        started = time.perf_counter()
        self.version = version
        self.road_distance_m = float(road_distance_m)
        grids = sorted(territory.grids, key=lambda g: g.code)
        beats = sorted(territory.beats, key=lambda b: b.code)
        zones = sorted(territory.zones, key=lambda z: z.code)
        self.grids = grids
        self.beats = beats
        self.zones = zones
        self.squadrons = list(territory.squadrons)
        self.officers = list(territory.officers)

        self.grid_places = [GridPlace(g.code, g.name, g.community, g.street, g.district) for g in grids]
        self.beat_refs = [BeatRef(b.code, b.name, b.kind) for b in beats]
        self.zone_places = [Place(z.code, z.name) for z in zones]
        self.grid_code_array = np.array([g.code for g in grids] + [None], dtype=object)
        self.beat_code_array = np.array([b.code for b in beats] + [None], dtype=object)
        self.zone_code_array = np.array([z.code for z in zones] + [None], dtype=object)
        self.squadron_code_array = np.array([s.code for s in self.squadrons] + [None], dtype=object)
        self.grid_squadron = np.array([g.squadron for g in grids] + [NONE], dtype=np.int32)
        self.beat_squadron = np.array([b.squadron for b in beats] + [NONE], dtype=np.int32)
        self.beat_officer = np.array([b.officer for b in beats] + [NONE], dtype=np.int32)

        road_ids = [i for i, b in enumerate(beats) if b.kind == "road"]
        area_ids = [i for i, b in enumerate(beats) if b.kind == "area"]
        self.road_beat = np.array([*road_ids, NONE], dtype=np.int32)
        self.area_beat = np.array([*area_ids, NONE], dtype=np.int32)
        # Plain lists for the one-point path (indexing a list with an int beats NumPy scalars).
        self._road_beat = [*road_ids, NONE]
        self._area_beat = [*area_ids, NONE]
        self._grid_squadron = self.grid_squadron.tolist()
        self._beat_squadron = self.beat_squadron.tolist()
        self._beat_officer = self.beat_officer.tolist()

        geoms = [g.geometry for g in grids] + [b.geometry for b in beats] + [z.geometry for z in zones]
        bounds = shapely.total_bounds(np.asarray(geoms, dtype=object)) if geoms else np.zeros(4)
        pad = self.road_distance_m + 4 * cell_m
        self.frame = Frame.around(bounds, cell_m=cell_m, max_cells=max_cells, pad_m=pad)
        self.grid_layer = PolygonLayer(self.frame, [g.geometry for g in grids])
        self.road_layer = LineLayer(self.frame, [beats[i].geometry for i in road_ids], self.road_distance_m)
        self.area_layer = PolygonLayer(self.frame, [beats[i].geometry for i in area_ids])
        self.zone_layer = PolygonLayer(self.frame, [z.geometry for z in zones])
        self.build_seconds = time.perf_counter() - started

    @property
    def nbytes(self) -> int:
        """Memory held by the cell arrays and candidate lists."""
        return sum(
            layer.nbytes for layer in (self.grid_layer, self.road_layer, self.area_layer, self.zone_layer)
        )

    def zones_open(self, at: dt.datetime | None) -> np.ndarray:
        moment = _moment(at)
        return np.array([zone_is_open(z, moment) for z in self.zones] + [False], dtype=bool)

    # one point, plain Python on the fast path
    def locate(self, lon: float, lat: float, at: dt.datetime | None = None) -> Location:
        row, col = self.frame.cell(lon, lat)
        if row < 0:
            raise _outside(lon, lat)
        g = self.grid_layer.value_at(row, col)
        if g < NONE:
            g = self.grid_layer.resolve_one(lon, lat, g)
        if g < 0:
            raise _outside(lon, lat)
        grid = self.grid_places[g]

        b = self.road_layer.value_at(row, col)
        if b < NONE:
            b = self.road_layer.resolve_one(lon, lat, b)
        if b >= 0:
            beat_i = self._road_beat[b]
        else:
            a = self.area_layer.value_at(row, col)
            if a < NONE:
                a = self.area_layer.resolve_one(lon, lat, a)
            beat_i = self._area_beat[a]
        if beat_i >= 0:
            beat = self.beat_refs[beat_i]
            s = self._beat_squadron[beat_i]
            o = self._beat_officer[beat_i]
        else:
            beat = None
            s = self._grid_squadron[g]
            o = NONE

        zone = None
        z = self.zone_layer.value_at(row, col)
        if z != NONE:
            z = self.zone_layer.resolve_one(lon, lat, z, self.zones_open(at))
            if z >= 0:
                zone = self.zone_places[z]
        return Location(
            lon,
            lat,
            grid,
            beat,
            self.squadrons[s] if s >= 0 else None,
            self.officers[o] if o >= 0 else None,
            zone,
        )

    def locate_many(self, lon: np.ndarray, lat: np.ndarray, at: dt.datetime | None = None) -> LocationBatch:
        q = self.frame.query(lon, lat)
        grid = self.grid_layer.resolve(lon, lat, self.grid_layer.raw(q))
        road = self.road_layer.resolve(lon, lat, self.road_layer.raw(q))
        area = self.area_layer.resolve(lon, lat, self.area_layer.raw(q))
        beat = np.where(road >= 0, self.road_beat[road], self.area_beat[area])
        zraw = self.zone_layer.raw(q)
        if len(self.zones) and (zraw != NONE).any():
            zone = self.zone_layer.resolve(lon, lat, zraw, self.zones_open(at)[:-1])
        else:
            zone = zraw
        return LocationBatch(self, lon, lat, grid, beat.astype(np.int32), zone)


def _outside(lon: float, lat: float) -> OutsideCity:
    return OutsideCity(
        _("The point (%(lon)s, %(lat)s) lies outside the city: no grid covers it.")
        % {"lon": lon, "lat": lat},
        lon=lon,
        lat=lat,
    )


@dataclass(frozen=True)
class LocationBatch:
    """Answers for many points as index arrays (``-1``: outside the city / no beat / no open zone)."""

    index: LocateIndex = field(repr=False)
    lon: np.ndarray
    lat: np.ndarray
    grid: np.ndarray
    beat: np.ndarray
    zone: np.ndarray

    def __len__(self) -> int:
        return len(self.grid)

    @property
    def inside(self) -> np.ndarray:
        return self.grid >= 0

    @property
    def squadron(self) -> np.ndarray:
        ix = self.index
        return np.where(self.beat >= 0, ix.beat_squadron[self.beat], ix.grid_squadron[self.grid])

    @property
    def officer(self) -> np.ndarray:
        return self.index.beat_officer[self.beat]

    def grid_codes(self) -> np.ndarray:
        """Grid codes (object array, ``None`` outside the city)."""
        return self.index.grid_code_array[self.grid]

    def beat_codes(self) -> np.ndarray:
        return self.index.beat_code_array[self.beat]

    def zone_codes(self) -> np.ndarray:
        return self.index.zone_code_array[self.zone]

    def squadron_codes(self) -> np.ndarray:
        return self.index.squadron_code_array[self.squadron]

    def location(self, i: int) -> Location:
        """The full answer for point ``i``; ``OutsideCity`` if no grid covers it."""
        ix = self.index
        lon, lat = float(self.lon[i]), float(self.lat[i])
        g = int(self.grid[i])
        if g < 0:
            raise _outside(lon, lat)
        b = int(self.beat[i])
        z = int(self.zone[i])
        s = int(self.squadron[i])
        o = int(self.officer[i])
        return Location(
            lon,
            lat,
            ix.grid_places[g],
            ix.beat_refs[b] if b >= 0 else None,
            ix.squadrons[s] if s >= 0 else None,
            ix.officers[o] if o >= 0 else None,
            ix.zone_places[z] if z >= 0 else None,
        )


# --- loading from the database and the per-process cache ----------------------------------------


def load_territory() -> Territory:
    """Read grids, divisions, beats, squadrons, officers and vending zones (a handful of queries)."""
    from chengguan.geo.models import Beat, Grid, VendingZone
    from chengguan.org.models import Division, Unit, User

    divisions = {
        pk: (code, name, level, parent)
        for pk, code, name, level, parent in Division.objects.values_list(
            "pk", "code", "name", "level", "parent"
        )
    }
    places = {pk: Place(code, name) for pk, (code, name, _level, _parent) in divisions.items()}

    squadron_rows = list(
        Unit.objects.filter(kind="squadron").order_by("code").values_list("pk", "code", "name")
    )
    squadron_index = {pk: i for i, (pk, _code, _name) in enumerate(squadron_rows)}
    squadrons = [Place(code, name) for _pk, code, name in squadron_rows]
    covering: dict[int, int] = {}  # division pk → squadron index (smallest code wins)
    through = Unit.territory.through
    for unit_pk, division_pk in through.objects.filter(unit__kind="squadron").values_list("unit", "division"):
        i = squadron_index[unit_pk]
        covering[division_pk] = min(i, covering.get(division_pk, i))

    def _chain(community_pk: int) -> tuple[Place, Place | None, Place | None, int]:
        chain: dict[str, int] = {}
        pk: int | None = community_pk
        while pk is not None and pk in divisions:
            _code, _name, level, parent = divisions[pk]
            chain.setdefault(level, pk)
            pk = parent
        squadron = NONE
        for level in ("community", "street", "district"):
            if level in chain and chain[level] in covering:
                squadron = covering[chain[level]]
                break
        street = places[chain["street"]] if "street" in chain else None
        district = places[chain["district"]] if "district" in chain else None
        return places[community_pk], street, district, squadron

    chains: dict[int, tuple[Place, Place | None, Place | None, int]] = {}
    grids = []
    for code, name, community_pk, geom in Grid.objects.values_list("code", "name", "community", "geometry"):
        if geom is None or geom.is_empty:
            continue
        if community_pk not in chains:
            chains[community_pk] = _chain(community_pk)
        community, street, district, squadron = chains[community_pk]
        grids.append(GridRecord(code, geom, community, street, district, name, squadron))

    beat_rows = list(Beat.objects.values_list("code", "name", "geometry", "squadron", "officer"))
    officer_pks = sorted({row[4] for row in beat_rows if row[4] is not None})
    officer_index = {pk: i for i, pk in enumerate(officer_pks)}
    names = dict(
        (pk, name or username)
        for pk, name, username in User.objects.filter(pk__in=officer_pks).values_list(
            "pk", "name", "username"
        )
    )
    officers = [Officer(pk, names.get(pk, "")) for pk in officer_pks]
    beats = [
        BeatRecord(
            code,
            name,
            geom,
            squadron_index.get(squadron_pk, NONE),
            officer_index.get(officer_pk, NONE) if officer_pk is not None else NONE,
        )
        for code, name, geom, squadron_pk, officer_pk in beat_rows
        if geom is not None and not geom.is_empty
    ]
    zones = [
        ZoneRecord(code, name, geom, opens, closes, weekdays, active)
        for code, name, geom, opens, closes, weekdays, active in VendingZone.objects.values_list(
            "code", "name", "geometry", "opens_at", "closes_at", "weekdays", "is_active"
        )
        if geom is not None and not geom.is_empty
    ]
    return Territory(grids, beats, zones, squadrons, officers)


def build_index(territory: Territory, *, version: int | None = None) -> LocateIndex:
    """An index with the cell size, cell budget and road distance from the settings."""
    return LocateIndex(
        territory,
        cell_m=settings.LOCATE_CELL_M,
        max_cells=settings.LOCATE_MAX_CELLS,
        road_distance_m=settings.BEAT_ROAD_DISTANCE_M,
        version=version,
    )


class _Cache:
    def __init__(self) -> None:
        self.index: LocateIndex | None = None
        self.checked_at = -math.inf
        self.dirty = True
        self.lock = threading.Lock()


_cache = _Cache()


def invalidate_index(*_args: Any, **_kwargs: Any) -> None:
    """Make the next lookup in this process rebuild the index.

    ``bump_territory_version`` calls it on every territory change, so a change made in this process
    is seen at once; other processes see it within ``LOCATE_VERSION_TTL_S``.
    """
    _cache.dirty = True


def get_index() -> LocateIndex:
    """This process's index, rebuilt when the territory changed."""
    index = _cache.index
    if (
        index is not None
        and not _cache.dirty
        and time.monotonic() - _cache.checked_at < settings.LOCATE_VERSION_TTL_S
    ):
        return index
    with _cache.lock:
        index = _cache.index
        now = time.monotonic()
        if index is not None and not _cache.dirty and now - _cache.checked_at < settings.LOCATE_VERSION_TTL_S:
            return index
        version = get_territory_version()
        if index is None or _cache.dirty or index.version != version:
            _cache.dirty = False
            index = build_index(load_territory(), version=version)
            _cache.index = index
        _cache.checked_at = now
        return index


# --- public entry points -------------------------------------------------------------------------


def _coordinate(value: Any, name: str, limit: float) -> float:
    if isinstance(value, bool):
        number = math.nan
    else:
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = math.nan
    if not math.isfinite(number) or not -limit <= number <= limit:
        raise BadCoordinates(
            _("%(field)s must be a number from %(low)s to %(high)s, got %(value)r")
            % {"field": name, "low": -limit, "high": limit, "value": value},
            field=name,
        )
    return number


def locate(lon: Any, lat: Any, *, crs: str | CRS = "wgs84", at: dt.datetime | None = None) -> Location:
    """Route one point to its grid, divisions, beat, squadron, officer and open vending zone.

    Raises ``BadCoordinates`` (field ``lon`` or ``lat``), ``InvalidInput`` (field ``crs``) or
    ``OutsideCity``.
    """
    lon = _coordinate(lon, "lon", 180.0)
    lat = _coordinate(lat, "lat", 90.0)
    if crs != "wgs84":
        system = parse_crs(crs)
        if system is not CRS.WGS84:
            wlon, wlat = to_wgs84(lon, lat, system)
            lon, lat = float(wlon), float(wlat)
    return get_index().locate(lon, lat, at)


def locate_many(
    lons: Any, lats: Any, *, crs: str | CRS = "wgs84", at: dt.datetime | None = None
) -> LocationBatch:
    """Vectorised ``locate``: never raises for single points, which get ``-1`` (outside) instead.

    NaN, infinite or out-of-range coordinates count as outside the city. Raises ``BadCoordinates``
    when the two arrays differ in shape.
    """
    lon = np.ascontiguousarray(lons, dtype=float).ravel()
    lat = np.ascontiguousarray(lats, dtype=float).ravel()
    if lon.shape != lat.shape:
        raise BadCoordinates(_("lon and lat must have the same length"), field="lat")
    if crs != "wgs84":
        system = parse_crs(crs)
        if system is not CRS.WGS84:
            lon, lat = to_wgs84(lon, lat, system)
            lon, lat = np.ascontiguousarray(lon), np.ascontiguousarray(lat)
    return get_index().locate_many(lon, lat, at)
