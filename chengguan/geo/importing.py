"""Import the territory from GeoJSON FeatureCollections: validate everything, then write everything.

One FeatureCollection per layer (``chengguan.geo.exchange.LAYERS``: divisions, grids, roads, beats,
vending_zones), with the property names ``export_layer`` writes, so export → import is lossless.
Derived properties (``area_m2``, ``length_m``) are ignored and recomputed; unknown properties are
ignored. A feature describes its whole row: an absent optional property means its default.

The API, in one place:

- ``validate_territory(collections, crs=…)`` → ``ImportReport``. Never writes, never raises for bad
  data; ``report.ok`` tells, and the counts say what an import would create and update.
- ``import_territory(collections, crs=…, actor=…)`` → ``ImportReport`` on success. On any problem it
  writes nothing and raises ``ImportRejected``, whose ``report`` lists every problem.
- ``import_uploaded_files(files, crs=…, dry_run=…)`` → ``ImportReport`` for the admin page. Never raises
  for bad data: the report carries the problems (``report.ok``, ``report.written``).
- ``read_layer_files(sources, layer=…)`` turns named file contents into ``collections`` (the CLI and the
  admin use it): the layer is ``layer`` if given, else the collection's ``"name"`` member, else the file
  name's stem (``grids.geojson``).

Coordinates are in ``crs`` (wgs84, gcj02 or bd09) and stored in WGS84. With ``crs=None`` each
collection's ``"crs_name"`` member (which export writes) decides, else WGS84; an explicit ``crs`` that
contradicts a collection's ``"crs_name"`` is a problem. Rows are upserted by ``code``; rows absent from
the files are kept. References (parent divisions, communities, roads) may point to rows already in the
database or to features of the same import; units (``squadron``, ``unit``) and users (``inspector``,
``officer``, by username) must already exist.

Spatial rules, computed in metres on a local projection (``chengguan.geo.projection``) over the final
state (database rows not replaced by the import, plus the imported features): grids may not overlap
by more than ``OVERLAP_TOLERANCE_M2``; in every community that has a boundary and at least one grid,
the grids must cover the boundary and stay inside it (slivers up to ``BOUNDARY_TOLERANCE_M2`` are
tolerated: a GPS fix is good to metres).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any, Protocol

import numpy as np
import shapely
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from shapely.geometry.base import BaseGeometry

from chengguan.core.errors import BadCode, ChengguanError, ErrorCode
from chengguan.geo.coords import CRS, from_wgs84, parse_crs, to_wgs84
from chengguan.geo.exchange import LAYERS
from chengguan.geo.fields import LINEAR, POLYGONAL, parse_geometry
from chengguan.geo.models import Beat, BeatKind, Grid, PostType, Road, RoadGrade, VendingZone
from chengguan.geo.projection import LocalProjection, area_m2, length_m
from chengguan.geo.versioning import bump_territory_version, get_territory_version
from chengguan.org.codes import check_code, level_label
from chengguan.org.models import PARENT_LEVEL, Division, DivisionLevel, Unit, UnitKind

log = logging.getLogger(__name__)

MAX_PROBLEMS = 200
OVERLAP_TOLERANCE_M2 = 0.01
BOUNDARY_TOLERANCE_M2 = 1.0
BATCH_SIZE = 500
UPDATE_BATCH_SIZE = 100  # bulk_update's CASE … WHEN grows with the batch: smaller batches are faster

LEVEL_ORDER = (DivisionLevel.CITY, DivisionLevel.DISTRICT, DivisionLevel.STREET, DivisionLevel.COMMUNITY)
_MODELS = {"divisions": Division, "grids": Grid, "roads": Road, "beats": Beat, "vending_zones": VendingZone}
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
_GEOS_REASON = re.compile(r"^(?P<what>.*)\[(?P<x>\S+) (?P<y>\S+)\]$")


# --- the report -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason the import is refused.

    ``layer`` and ``index`` (0-based position in the collection's ``features``) locate the feature;
    ``index`` is None for problems of a whole file or of a community's grids. ``reason`` is the whole
    translated sentence, naming the layer, the code and the position.
    """

    layer: str
    index: int | None
    code: str | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass
class LayerCounts:
    """Rows created and updated; ``unchanged``: rows in the files that match the database already.

    Before writing (a dry run) ``updated`` counts every row that exists, changed or not.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    counts: dict[str, LayerCounts] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0  # problems found beyond MAX_PROBLEMS, counted but not listed
    written: bool = False
    territory_version: int | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems and not self.more_problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def problem_lines(self) -> list[str]:
        lines = [p.reason for p in self.problems]
        if self.more_problems:
            lines.append(_("… and %(n)d more problems not listed") % {"n": self.more_problems})
        return lines

    def summary_lines(self) -> list[str]:
        verb = (
            _("%(layer)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
            if self.written
            else _("%(layer)s: %(created)d to create, %(updated)d to update")
        )
        lines = [
            verb % {"layer": layer, "created": c.created, "updated": c.updated, "unchanged": c.unchanged}
            for layer, c in self.counts.items()
        ]
        if self.written:
            lines.append(_("territory version is now %(version)s") % {"version": self.territory_version})
        elif self.ok:
            lines.append(_("nothing was written (dry run)"))
        else:
            lines.append(_("import refused: %(n)d problems; nothing was written") % {"n": self.problem_count})
        return lines


class ImportRejected(ChengguanError):
    code = ErrorCode.IMPORT_REJECTED
    http_status = 422

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(
            _("The import was refused: %(n)d problems; nothing was written.") % {"n": report.problem_count},
            problems=[p.reason for p in report.problems],
            more_problems=report.more_problems,
        )


class _Collector:
    def __init__(self, limit: int = MAX_PROBLEMS) -> None:
        self.limit = limit
        self.items: list[Problem] = []
        self.more = 0

    def add(
        self,
        layer: str,
        index: int | None,
        code: str | None,
        field_name: str | None,
        detail: str,
        *,
        label: str | None = None,
    ) -> None:
        if len(self.items) >= self.limit:
            self.more += 1
            return
        label = label if label is not None else _layer_label(layer)
        if index is not None and code:
            sentence = _("%(layer)s %(code)s (features[%(index)d]): %(reason)s")
        elif index is not None:
            sentence = _("%(layer)s features[%(index)d]: %(reason)s")
        elif code:
            sentence = _("%(layer)s %(code)s: %(reason)s")
        else:
            sentence = _("%(layer)s: %(reason)s")
        reason = sentence % {"layer": label, "code": code, "index": index or 0, "reason": detail}
        self.items.append(Problem(layer, index, code, field_name, reason))

    def __len__(self) -> int:
        return len(self.items) + self.more


def _layer_label(layer: str) -> str:
    model = _MODELS.get(layer)
    return str(model._meta.verbose_name) if model is not None else layer


# --- parsing one feature --------------------------------------------------------------------------


@dataclass
class _Row:
    index: int
    code: str
    values: dict[str, Any]
    geom: BaseGeometry | None = None  # input CRS while parsing, WGS84 afterwards
    bad: bool = False  # a reference or code problem: left out of the spatial checks


_MISSING = object()


class _Feature:
    """Reads and checks the properties of one feature, reporting each problem once."""

    def __init__(self, layer: str, index: int, props: dict[str, Any], problems: _Collector) -> None:
        self.layer = layer
        self.index = index
        self.props = props
        self.problems = problems
        self.code: str | None = None
        self.ok = True

    def problem(self, field_name: str | None, detail: str) -> None:
        self.ok = False
        self.problems.add(self.layer, self.index, self.code, field_name, detail)

    def read_code(self, max_length: int) -> str | None:
        value = self.props.get("code")
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is None or value == "":
            self.problem("code", _("the code is missing"))
            return None
        if not isinstance(value, str):
            self.problem("code", _("the code must be text"))
            return None
        value = value.strip()
        self.code = value
        if len(value) > max_length:
            self.problem("code", _("the code is longer than %(n)d characters") % {"n": max_length})
        return value

    def text(self, name: str, *, required: bool = False, max_length: int | None = 100) -> str:
        value = self.props.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.problem(name, _("%(field)s must be text") % {"field": name})
            return ""
        value = value.strip()
        if required and not value:
            self.problem(name, _("%(field)s is missing") % {"field": name})
        elif max_length is not None and len(value) > max_length:
            self.problem(
                name, _("%(field)s is longer than %(n)d characters") % {"field": name, "n": max_length}
            )
        return value

    def ref(self, name: str) -> str | None:
        """A code or username naming another row, or None."""
        value = self.props.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.problem(name, _("%(field)s must be text") % {"field": name})
            return None
        return value.strip()

    def choice(self, name: str, choices: Any, *, default: str | None = None) -> str | None:
        value = self.props.get(name)
        if value is None or value == "":
            if default is not None:
                return default
            self.problem(name, _("%(field)s is missing") % {"field": name})
            return None
        if value not in choices.values:
            self.problem(
                name,
                _("%(value)s is not a valid %(field)s; use one of %(choices)s")
                % {
                    "value": json.dumps(value, ensure_ascii=False),
                    "field": name,
                    "choices": ", ".join(choices.values),
                },
            )
            return None
        return str(value)

    def time(self, name: str, *, required: bool = False) -> Any:
        value = self.props.get(name)
        if value is None or value == "":
            if required:
                self.problem(name, _("%(field)s is missing") % {"field": name})
            return None
        match = _TIME.match(value) if isinstance(value, str) else None
        if match is None:
            self.problem(
                name,
                _("%(value)s is not a time of day (HH:MM)")
                % {"value": json.dumps(value, ensure_ascii=False)},
            )
            return _MISSING
        return dt.time(int(match[1]), int(match[2]), int(match[3] or 0))

    def count(self, name: str, *, default: int) -> int:
        value = self.props.get(name, default)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 2**31 - 1:
            self.problem(name, _("%(field)s must be a whole number, 0 or more") % {"field": name})
            return default
        return value

    def flag(self, name: str, *, default: bool) -> bool:
        value = self.props.get(name, default)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.problem(name, _("%(field)s must be true or false") % {"field": name})
            return default
        return value

    def geometry(self, raw: Any, allowed: tuple[str, ...] | None, *, required: bool) -> BaseGeometry | None:
        """Parse and check a GeoJSON geometry (in the input CRS). ``allowed`` None: skip the type check."""
        if raw is None:
            if required:
                self.problem("geometry", _("the geometry is missing"))
            return None
        try:
            geom = parse_geometry(raw) if isinstance(raw, dict) else None
        except (ValueError, TypeError, IndexError, KeyError, shapely.errors.GEOSException) as exc:
            self.problem("geometry", str(exc))
            return None
        if geom is None:
            self.problem("geometry", _("the geometry is not a GeoJSON geometry object"))
            return None
        if shapely.has_z(geom):
            geom = shapely.force_2d(geom)
        if allowed is not None and geom.geom_type not in allowed:
            self.problem(
                "geometry",
                _("expected %(expected)s, got %(got)s")
                % {"expected": " / ".join(allowed), "got": geom.geom_type},
            )
            return None
        if geom.is_empty:
            self.problem("geometry", _("the geometry is empty"))
            return None
        coords = shapely.get_coordinates(geom)
        if not np.all(np.isfinite(coords)) or not (
            np.all(np.abs(coords[:, 0]) <= 180) and np.all(np.abs(coords[:, 1]) <= 90)
        ):
            self.problem(
                "geometry",
                _("the coordinates are not longitude and latitude in degrees (bounds %(bounds)s)")
                % {"bounds": " ".join(f"{v:g}" for v in geom.bounds)},
            )
            return None
        reason = shapely.is_valid_reason(geom)
        if reason != "Valid Geometry":
            self.problem("geometry", _invalid_sentence(reason))
            return None
        return geom


def _invalid_sentence(reason: str) -> str:
    match = _GEOS_REASON.match(reason)
    if match is None:
        return _("the geometry is not valid (%(detail)s)") % {"detail": reason}
    detail = _("%(what)s at or near point %(x)s %(y)s") % match.groupdict()
    if "Self-intersection" in match["what"]:
        return _("the polygon intersects itself (%(detail)s)") % {"detail": detail}
    return _("the geometry is not valid (%(detail)s)") % {"detail": detail}


def _parse_division(f: _Feature, raw_geom: Any) -> _Row | None:
    code = f.read_code(12)
    values = {
        "name": f.text("name", required=True),
        "level": f.choice("level", DivisionLevel),
        "parent": f.ref("parent"),
    }
    geom = f.geometry(raw_geom, POLYGONAL, required=False)
    return _Row(f.index, code, values, geom) if code else None


def _parse_grid(f: _Feature, raw_geom: Any) -> _Row | None:
    code = f.read_code(15)
    values = {
        "name": f.text("name"),
        "community": f.ref("community"),
        "inspector": f.ref("inspector"),
    }
    if values["community"] is None:
        f.problem("community", _("community is missing"))
    geom = f.geometry(raw_geom, POLYGONAL, required=True)
    return _Row(f.index, code, values, geom) if code else None


def _parse_road(f: _Feature, raw_geom: Any) -> _Row | None:
    code = f.read_code(32)
    values = {"name": f.text("name", required=True), "grade": f.choice("grade", RoadGrade)}
    geom = f.geometry(raw_geom, LINEAR, required=True)
    return _Row(f.index, code, values, geom) if code else None


def _parse_beat(f: _Feature, raw_geom: Any) -> _Row | None:
    code = f.read_code(32)
    kind = f.choice("kind", BeatKind)
    values = {
        "name": f.text("name", required=True),
        "kind": kind,
        "road": f.ref("road"),
        "squadron": f.ref("squadron"),
        "officer": f.ref("officer"),
        "post_type": f.choice("post_type", PostType, default=PostType.MOBILE),
        "post_start": f.time("post_start"),
        "post_end": f.time("post_end"),
    }
    if values["squadron"] is None:
        f.problem("squadron", _("squadron is missing"))
    if values["post_type"] == PostType.FIXED and (values["post_start"] is None or values["post_end"] is None):
        f.problem("post_start", _("a fixed post needs its hours (post_start and post_end)"))
    allowed = {BeatKind.ROAD: LINEAR, BeatKind.AREA: POLYGONAL}.get(kind) if kind else None
    geom = f.geometry(raw_geom, allowed if allowed else LINEAR + POLYGONAL, required=True)
    return _Row(f.index, code, values, geom) if code else None


def _parse_zone(f: _Feature, raw_geom: Any) -> _Row | None:
    code = f.read_code(32)
    weekdays = f.props.get("weekdays", "1234567")
    if isinstance(weekdays, int) and not isinstance(weekdays, bool):
        weekdays = str(weekdays)
    if weekdays is None:
        weekdays = "1234567"
    if (
        not isinstance(weekdays, str)
        or not weekdays
        or any(ch not in "1234567" for ch in weekdays)
        or len(set(weekdays)) != len(weekdays)
    ):
        f.problem("weekdays", _("weekdays: use the digits 1 (Monday) to 7 (Sunday), each at most once"))
    values = {
        "name": f.text("name", required=True),
        "opens_at": f.time("opens_at", required=True),
        "closes_at": f.time("closes_at", required=True),
        "weekdays": weekdays,
        "permitted_goods": f.text("permitted_goods", max_length=None),
        "capacity": f.count("capacity", default=0),
        "unit": f.ref("unit"),
        "is_active": f.flag("is_active", default=True),
    }
    if (
        values["opens_at"] is not None
        and values["opens_at"] is not _MISSING
        and values["opens_at"] == values["closes_at"]
    ):
        f.problem("closes_at", _("opening and closing times are the same"))
    geom = f.geometry(raw_geom, POLYGONAL, required=True)
    return _Row(f.index, code, values, geom) if code else None


_PARSERS: dict[str, Callable[[_Feature, Any], _Row | None]] = {
    "divisions": _parse_division,
    "grids": _parse_grid,
    "roads": _parse_road,
    "beats": _parse_beat,
    "vending_zones": _parse_zone,
}


# --- validation -----------------------------------------------------------------------------------


@dataclass
class _Plan:
    rows: dict[str, list[_Row]]
    report: ImportReport


def _collection_crs(
    layer: str, collection: dict[str, Any], crs: CRS | None, problems: _Collector
) -> CRS | None:
    declared = collection.get("crs_name")
    if declared in (None, ""):
        return crs or CRS.WGS84
    try:
        declared_crs = parse_crs(str(declared))
    except ChengguanError as exc:
        problems.add(layer, None, None, "crs_name", str(exc.message))
        return None
    if crs is not None and declared_crs is not crs:
        problems.add(
            layer,
            None,
            None,
            "crs_name",
            _("the file declares coordinates in %(declared)s but the import was asked for %(crs)s")
            % {"declared": declared_crs, "crs": crs},
        )
        return None
    return declared_crs


def _parse_collection(layer: str, collection: Any, problems: _Collector) -> list[_Row]:
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        problems.add(layer, None, None, None, _("not a GeoJSON FeatureCollection"))
        return []
    features = collection.get("features")
    if not isinstance(features, list):
        problems.add(layer, None, None, "features", _('the member "features" must be a list'))
        return []
    parse = _PARSERS[layer]
    rows: list[_Row] = []
    first_at: dict[str, int] = {}
    for index, feature in enumerate(features):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            problems.add(layer, index, None, None, _("not a GeoJSON Feature"))
            continue
        props = feature.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            problems.add(layer, index, None, "properties", _('the member "properties" must be an object'))
            continue
        f = _Feature(layer, index, props, problems)
        row = parse(f, feature.get("geometry"))
        if row is None:
            continue
        if row.code in first_at:
            f.problem(
                "code",
                _("the code appears twice (first at features[%(index)d])") % {"index": first_at[row.code]},
            )
            continue
        first_at[row.code] = index
        # A row with a problem is kept, marked bad, so its references are still checked.
        row.bad = not f.ok
        rows.append(row)
    return rows


def _convert_to_wgs84(rows: list[_Row], crs: CRS) -> None:
    with_geom = [r for r in rows if r.geom is not None]
    if crs is CRS.WGS84 or not with_geom:
        return

    def convert(coords: np.ndarray) -> np.ndarray:
        lon, lat = to_wgs84(coords[:, 0], coords[:, 1], crs)
        return np.column_stack([lon, lat])

    converted = shapely.transform(np.array([r.geom for r in with_geom], dtype=object), convert)
    for row, geom in zip(with_geom, converted, strict=True):
        row.geom = geom


class _Validator:
    def __init__(self, collections: dict[str, Any], crs: CRS | None) -> None:
        self.collections = collections
        self.crs = crs
        self.problems = _Collector()
        self.rows: dict[str, list[_Row]] = {}
        self.crs_of: dict[str, CRS] = {}

    def run(self) -> _Plan:
        if not isinstance(self.collections, dict):
            self.problems.add(
                "", None, None, None, _("expected a mapping of layer names to FeatureCollections")
            )
            return self._plan()
        for layer in self.collections:
            if layer not in LAYERS:
                self.problems.add(
                    str(layer),
                    None,
                    None,
                    None,
                    _("unknown layer %(layer)s; the layers are %(layers)s")
                    % {"layer": json.dumps(layer, ensure_ascii=False), "layers": ", ".join(LAYERS)},
                )
        for layer in LAYERS:
            if layer not in self.collections:
                continue
            collection = self.collections[layer]
            crs = (
                _collection_crs(layer, collection, self.crs, self.problems)
                if isinstance(collection, dict)
                else None
            )
            rows = _parse_collection(layer, collection, self.problems)
            if crs is not None:
                _convert_to_wgs84(rows, crs)
                self.crs_of[layer] = crs
            else:
                for row in rows:
                    row.bad = True
            self.rows[layer] = rows
        self._check_divisions()
        self._check_grids()
        self._check_roads_and_beats()
        self._check_zones()
        if "grids" in self.rows or "divisions" in self.rows:
            self._check_grid_geometry()
        return self._plan()

    def _plan(self) -> _Plan:
        order = {layer: i for i, layer in enumerate(LAYERS)}
        problems = sorted(
            self.problems.items,
            key=lambda p: (order.get(p.layer, -1), p.index if p.index is not None else float("inf")),
        )
        report = ImportReport(problems=problems, more_problems=self.problems.more)
        for layer, rows in self.rows.items():
            model = _MODELS[layer]
            codes = [r.code for r in rows]
            existing = (
                set(model.objects.filter(code__in=codes).values_list("code", flat=True)) if codes else set()
            )
            report.counts[layer] = LayerCounts(
                created=sum(1 for c in codes if c not in existing), updated=len(existing)
            )
        return _Plan(self.rows, report)

    def _add(self, layer: str, row: _Row, field_name: str | None, detail: str) -> None:
        row.bad = True
        self.problems.add(layer, row.index, row.code, field_name, detail)

    def _where(self, layer: str, point: BaseGeometry) -> str:
        """A point (WGS84) written in the coordinates of the layer's file."""
        crs = self.crs_of.get(layer, CRS.WGS84)
        lon, lat = from_wgs84(point.x, point.y, crs)
        return f"{float(lon):.6f} {float(lat):.6f}"

    # divisions -------------------------------------------------------------------------------

    def _division_levels(self) -> dict[str, str]:
        """Code → level of every division after the import."""
        levels = dict(Division.objects.values_list("code", "level"))
        self.db_division_levels = dict(levels)
        for row in self.rows.get("divisions", []):
            if row.values["level"]:
                levels[row.code] = row.values["level"]
        return levels

    def _check_divisions(self) -> None:
        self.division_levels = self._division_levels()
        for row in self.rows.get("divisions", []):
            level, parent = row.values["level"], row.values["parent"]
            if level is None:
                continue
            old_level = self.db_division_levels.get(row.code)
            if old_level is not None and old_level != level:
                self._add(
                    "divisions",
                    row,
                    "level",
                    _("the level of an existing division cannot change (%(old)s → %(new)s)")
                    % {"old": old_level, "new": level},
                )
                continue
            expected = PARENT_LEVEL.get(level)
            if expected is None:
                if parent is not None:
                    self._add("divisions", row, "parent", _("a city has no parent division"))
                    continue
            elif parent is None:
                self._add("divisions", row, "parent", _("this level needs a parent division"))
                continue
            else:
                parent_level = self.division_levels.get(parent)
                if parent_level is None:
                    self._add(
                        "divisions",
                        row,
                        "parent",
                        _("there is no division with code %(code)s") % {"code": parent},
                    )
                    continue
                if parent_level != expected:
                    self._add(
                        "divisions",
                        row,
                        "parent",
                        _("the parent of a %(level)s must be a %(expected)s, but %(parent)s is a %(actual)s")
                        % {
                            "level": level_label(level),
                            "expected": level_label(expected),
                            "parent": parent,
                            "actual": level_label(parent_level),
                        },
                    )
                    continue
            try:
                check_code(level, row.code, parent)
            except BadCode as exc:
                self._add("divisions", row, exc.field or "code", str(exc.message))

    # grids -----------------------------------------------------------------------------------

    def _check_grids(self) -> None:
        rows = self.rows.get("grids", [])
        if not rows:
            return
        usernames = _existing_usernames(r.values["inspector"] for r in rows)
        for row in rows:
            community = row.values["community"]
            level = self.division_levels.get(community)
            if level is None:
                self._add(
                    "grids",
                    row,
                    "community",
                    _("there is no community with code %(code)s") % {"code": community},
                )
            elif level != DivisionLevel.COMMUNITY:
                self._add(
                    "grids",
                    row,
                    "community",
                    _("%(code)s is a %(level)s, not a community")
                    % {"code": community, "level": level_label(level)},
                )
            else:
                try:
                    check_code("grid", row.code, community)
                except BadCode as exc:
                    self._add("grids", row, exc.field or "code", str(exc.message))
            inspector = row.values["inspector"]
            if inspector is not None and inspector not in usernames:
                self._add(
                    "grids", row, "inspector", _("there is no user %(username)s") % {"username": inspector}
                )

    def _check_grid_geometry(self) -> None:
        """Overlaps between grids, gaps in communities, grids outside their community."""
        # A grid or community with another problem is left out (its stored version, if any, stays
        # in), so that one mistake is not reported again as an overlap or a gap.
        imported = [r for r in self.rows.get("grids", []) if r.geom is not None and not r.bad]
        imported_codes = {r.code for r in imported}
        boundaries: dict[str, BaseGeometry | None] = {}
        self.boundary_rows: dict[str, _Row] = {}
        for row in self.rows.get("divisions", []):
            if row.values["level"] == DivisionLevel.COMMUNITY and not row.bad:
                boundaries[row.code] = row.geom
                self.boundary_rows[row.code] = row
        communities = {r.values["community"] for r in imported} | set(boundaries)
        communities.discard(None)
        if not communities and not imported:
            return

        # every grid after the import, as (code, community, geometry, row or None)
        final: list[tuple[str, str, BaseGeometry, _Row | None]] = [
            (r.code, r.values["community"], r.geom, r) for r in imported
        ]
        db_grids = Grid.objects.exclude(code__in=imported_codes).values_list(
            "code", "community__code", "geometry"
        )
        if not imported:
            db_grids = db_grids.filter(community__code__in=communities)
        for code, community, raw in db_grids.iterator(chunk_size=2000):
            geom = parse_geometry(raw)
            if geom is not None and shapely.is_valid(geom):
                final.append((code, community, geom, None))
        missing = [c for c in communities if c not in boundaries]
        for code, raw in Division.objects.filter(code__in=missing, level=DivisionLevel.COMMUNITY).values_list(
            "code", "boundary"
        ):
            boundaries[code] = parse_geometry(raw)
        if not final:
            return

        geoms = np.array([g for _c, _m, g, _r in final], dtype=object)
        xmin, ymin, xmax, ymax = shapely.total_bounds(geoms)
        proj = LocalProjection((xmin + xmax) / 2, (ymin + ymax) / 2)
        projected = proj.project(geoms)
        self._check_overlaps(final, projected, proj)

        by_community: dict[str, list[int]] = {}
        for i, (_code, community, _geom, _row) in enumerate(final):
            by_community.setdefault(community, []).append(i)
        for community in sorted(communities):
            boundary = boundaries.get(community)
            members = by_community.get(community)
            if boundary is None or not members or not shapely.is_valid(boundary):
                continue
            self._check_community(
                community, proj.project(boundary), [final[i] for i in members], projected[members], proj
            )

    def _check_overlaps(
        self,
        final: list[tuple[str, str, BaseGeometry, _Row | None]],
        projected: np.ndarray,
        proj: LocalProjection,
    ) -> None:
        n_imported = sum(1 for item in final if item[3] is not None)  # imported grids come first
        if not n_imported:
            return
        tree = shapely.STRtree(projected)
        left, right = tree.query(projected[:n_imported], predicate="intersects")
        keep = left != right  # a pair of imported grids comes twice: each is named, naming the other
        left, right = left[keep], right[keep]
        if not len(left):
            return
        overlaps = shapely.intersection(projected[left], projected[right])
        areas = shapely.area(overlaps)
        for i, j, area, overlap in zip(left, right, areas, overlaps, strict=True):
            if area <= OVERLAP_TOLERANCE_M2:
                continue
            row = final[i][3]
            assert row is not None
            where = self._where("grids", proj.unproject(shapely.point_on_surface(overlap)))
            self._add(
                "grids",
                row,
                "geometry",
                _("overlaps grid %(other)s by %(area).2f m² near %(where)s")
                % {"other": final[j][0], "area": area, "where": where},
            )

    def _check_community(
        self,
        community: str,
        boundary: BaseGeometry,
        members: list[tuple[str, str, BaseGeometry, _Row | None]],
        projected: np.ndarray,
        proj: LocalProjection,
    ) -> None:
        outside = shapely.difference(projected, boundary)
        boundary_row = self.boundary_rows.get(community)
        for (code, _community, _geom, row), piece in zip(members, outside, strict=True):
            area = piece.area
            if area <= BOUNDARY_TOLERANCE_M2:
                continue
            if row is None:
                if boundary_row is not None:  # a stored grid left outside a new boundary
                    self._add(
                        "divisions",
                        boundary_row,
                        "geometry",
                        _("%(area).1f m² of grid %(grid)s lie outside this boundary, near %(where)s")
                        % {
                            "area": area,
                            "grid": code,
                            "where": self._where(
                                "divisions", proj.unproject(shapely.point_on_surface(piece))
                            ),
                        },
                    )
                continue
            self._add(
                "grids",
                row,
                "geometry",
                _("%(area).1f m² of the grid lie outside its community %(community)s, near %(where)s")
                % {
                    "area": area,
                    "community": community,
                    "where": self._where("grids", proj.unproject(shapely.point_on_surface(piece))),
                },
            )
        gap = shapely.difference(boundary, shapely.union_all(projected))
        if gap.area <= BOUNDARY_TOLERANCE_M2:
            return
        pieces = sorted(shapely.get_parts(gap), key=lambda p: p.area, reverse=True)
        places = "; ".join(
            _("%(area).1f m² near %(where)s")
            % {"area": p.area, "where": self._where("grids", proj.unproject(shapely.point_on_surface(p)))}
            for p in pieces[:3]
            if p.area > BOUNDARY_TOLERANCE_M2 / 10
        )
        if len(pieces) > 3:
            places += " …"
        self.problems.add(
            "grids",
            None,
            community,
            "geometry",
            _("its grids leave %(area).1f m² of the community uncovered (%(places)s)")
            % {"area": gap.area, "places": places},
            label=str(DivisionLevel.COMMUNITY.label),
        )

    # roads, beats and zones ----------------------------------------------------------------------

    def _check_roads_and_beats(self) -> None:
        rows = self.rows.get("beats", [])
        if not rows:
            return
        road_codes = {r.code for r in self.rows.get("roads", [])}
        wanted = {r.values["road"] for r in rows} - road_codes - {None}
        road_codes |= set(Road.objects.filter(code__in=wanted).values_list("code", flat=True))
        units = _existing_units(r.values["squadron"] for r in rows)
        usernames = _existing_usernames(r.values["officer"] for r in rows)
        for row in rows:
            road = row.values["road"]
            if road is not None and road not in road_codes:
                self._add("beats", row, "road", _("there is no road with code %(code)s") % {"code": road})
            squadron = row.values["squadron"]
            if squadron is not None:
                kind = units.get(squadron)
                if kind is None:
                    self._add(
                        "beats",
                        row,
                        "squadron",
                        _("there is no unit with code %(code)s") % {"code": squadron},
                    )
                elif kind != UnitKind.SQUADRON:
                    self._add(
                        "beats",
                        row,
                        "squadron",
                        _("unit %(code)s is a %(kind)s, not a squadron")
                        % {"code": squadron, "kind": UnitKind(kind).label},
                    )
            officer = row.values["officer"]
            if officer is not None and officer not in usernames:
                self._add("beats", row, "officer", _("there is no user %(username)s") % {"username": officer})

    def _check_zones(self) -> None:
        rows = self.rows.get("vending_zones", [])
        units = _existing_units(r.values["unit"] for r in rows)
        for row in rows:
            unit = row.values["unit"]
            if unit is not None and unit not in units:
                self._add(
                    "vending_zones", row, "unit", _("there is no unit with code %(code)s") % {"code": unit}
                )


def _existing_usernames(names: Iterable[str | None]) -> set[str]:
    wanted = {n for n in names if n}
    if not wanted:
        return set()
    return set(get_user_model().objects.filter(username__in=wanted).values_list("username", flat=True))


def _existing_units(codes: Iterable[str | None]) -> dict[str, str]:
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(Unit.objects.filter(code__in=wanted).values_list("code", "kind"))


# --- writing --------------------------------------------------------------------------------------


class _WriteFailed(Exception):
    def __init__(self, layer: str, row: _Row, field_name: str, detail: str) -> None:
        self.args = (layer, row, field_name, detail)


def _ids(model: Any, field_name: str, keys: Iterable[str | None]) -> dict[str, int]:
    wanted = {k for k in keys if k}
    if not wanted:
        return {}
    return dict(model.objects.filter(**{f"{field_name}__in": wanted}).values_list(field_name, "id"))


def _need(ids: dict[str, int], key: str | None, layer: str, row: _Row, field_name: str) -> int | None:
    if key is None:
        return None
    try:
        return ids[key]
    except KeyError:
        raise _WriteFailed(
            layer, row, field_name, _("%(value)s disappeared while importing") % {"value": key}
        ) from None


def _same(old: Any, new: Any) -> bool:
    if isinstance(old, BaseGeometry) or isinstance(new, BaseGeometry):
        return old is not None and new is not None and shapely.to_wkb(old) == shapely.to_wkb(new)
    return old == new


def _upsert(
    model: Any, rows: list[_Row], fields: list[str], build: Callable[[_Row], dict[str, Any]]
) -> LayerCounts:
    """Create the new rows and update the changed ones (rows that would not change are left alone)."""
    existing = model.objects.in_bulk([r.code for r in rows], field_name="code")
    creates, updates = [], []
    for row in rows:
        values = build(row)
        obj = existing.get(row.code)
        if obj is None:
            creates.append(model(code=row.code, **values))
        elif not all(_same(getattr(obj, name), value) for name, value in values.items()):
            for name, value in values.items():
                setattr(obj, name, value)
            updates.append(obj)
    model.objects.bulk_create(creates, batch_size=BATCH_SIZE)
    if updates:
        model.objects.bulk_update(updates, fields, batch_size=UPDATE_BATCH_SIZE)
    return LayerCounts(created=len(creates), updated=len(updates), unchanged=len(existing) - len(updates))


def _write(rows: dict[str, list[_Row]]) -> dict[str, LayerCounts]:
    counts: dict[str, LayerCounts] = {}
    user_model = get_user_model()

    if "divisions" in rows:
        division_rows = rows["divisions"]
        ids = _ids(Division, "code", (r.values["parent"] for r in division_rows))
        total = LayerCounts()
        for level in LEVEL_ORDER:
            level_rows = [r for r in division_rows if r.values["level"] == level]
            if not level_rows:
                continue
            c = _upsert(
                Division,
                level_rows,
                ["name", "level", "parent", "boundary"],
                lambda r: {
                    "name": r.values["name"],
                    "level": r.values["level"],
                    "parent_id": _need(ids, r.values["parent"], "divisions", r, "parent"),
                    "boundary": r.geom,
                },
            )
            total.created += c.created
            total.updated += c.updated
            total.unchanged += c.unchanged
            ids.update(_ids(Division, "code", (r.code for r in level_rows)))
        counts["divisions"] = total

    if "grids" in rows:
        grid_rows = rows["grids"]
        communities = _ids(Division, "code", (r.values["community"] for r in grid_rows))
        inspectors = _ids(user_model, "username", (r.values["inspector"] for r in grid_rows))
        counts["grids"] = _upsert(
            Grid,
            grid_rows,
            ["name", "community", "geometry", "area_m2", "inspector"],
            lambda r: {
                "name": r.values["name"],
                "community_id": _need(communities, r.values["community"], "grids", r, "community"),
                "geometry": r.geom,
                "area_m2": area_m2(r.geom),
                "inspector_id": _need(inspectors, r.values["inspector"], "grids", r, "inspector"),
            },
        )

    if "roads" in rows:
        counts["roads"] = _upsert(
            Road,
            rows["roads"],
            ["name", "grade", "geometry", "length_m"],
            lambda r: {
                "name": r.values["name"],
                "grade": r.values["grade"],
                "geometry": r.geom,
                "length_m": length_m(r.geom),
            },
        )

    if "beats" in rows:
        beat_rows = rows["beats"]
        roads = _ids(Road, "code", (r.values["road"] for r in beat_rows))
        squadrons = _ids(Unit, "code", (r.values["squadron"] for r in beat_rows))
        officers = _ids(user_model, "username", (r.values["officer"] for r in beat_rows))
        counts["beats"] = _upsert(
            Beat,
            beat_rows,
            [
                "name",
                "kind",
                "road",
                "geometry",
                "squadron",
                "officer",
                "post_type",
                "post_start",
                "post_end",
            ],
            lambda r: {
                "name": r.values["name"],
                "kind": r.values["kind"],
                "road_id": _need(roads, r.values["road"], "beats", r, "road"),
                "geometry": r.geom,
                "squadron_id": _need(squadrons, r.values["squadron"], "beats", r, "squadron"),
                "officer_id": _need(officers, r.values["officer"], "beats", r, "officer"),
                "post_type": r.values["post_type"],
                "post_start": r.values["post_start"],
                "post_end": r.values["post_end"],
            },
        )

    if "vending_zones" in rows:
        zone_rows = rows["vending_zones"]
        units = _ids(Unit, "code", (r.values["unit"] for r in zone_rows))
        zone_fields = [
            "name",
            "opens_at",
            "closes_at",
            "weekdays",
            "permitted_goods",
            "capacity",
            "is_active",
        ]
        counts["vending_zones"] = _upsert(
            VendingZone,
            zone_rows,
            [*zone_fields, "geometry", "unit"],
            lambda r: {
                **{name: r.values[name] for name in zone_fields},
                "geometry": r.geom,
                "unit_id": _need(units, r.values["unit"], "vending_zones", r, "unit"),
            },
        )

    bump_territory_version()
    return counts


# --- the public functions -------------------------------------------------------------------------


def _crs_or_none(crs: CRS | str | None) -> CRS | None:
    if crs is None or crs == "":
        return None
    return crs if isinstance(crs, CRS) else parse_crs(crs)


def validate_territory(collections: dict[str, Any], *, crs: CRS | str | None = None) -> ImportReport:
    """Check the collections against each other and the database; write nothing.

    ``report.counts`` says how many rows an import would create and update.
    """
    started = time.perf_counter()
    plan = _Validator(collections, _crs_or_none(crs)).run()
    plan.report.seconds = time.perf_counter() - started
    return plan.report


def import_territory(
    collections: dict[str, Any], *, crs: CRS | str | None = None, actor: Any = None
) -> ImportReport:
    """Validate, then upsert every layer in one transaction and bump the territory version once.

    Raises ``ImportRejected`` (carrying the report) on any problem, having written nothing.
    """
    started = time.perf_counter()
    plan = _Validator(collections, _crs_or_none(crs)).run()
    report = plan.report
    if not report.ok:
        report.seconds = time.perf_counter() - started
        raise ImportRejected(report)
    try:
        with transaction.atomic():
            report.counts = _write(plan.rows)
            report.territory_version = get_territory_version()
    except _WriteFailed as failed:
        layer, row, field_name, detail = failed.args
        problems = _Collector()
        problems.add(layer, row.index, row.code, field_name, detail)
        report.problems = problems.items
        report.seconds = time.perf_counter() - started
        raise ImportRejected(report) from None
    report.written = True
    report.seconds = time.perf_counter() - started
    log.info(
        "territory imported by %s: %s",
        getattr(actor, "username", None) or "-",
        ", ".join(f"{layer} +{c.created} ~{c.updated}" for layer, c in report.counts.items()),
    )
    return report


# --- files ----------------------------------------------------------------------------------------


class NamedFile(Protocol):
    """What ``import_uploaded_files`` needs of an uploaded file (Django's ``UploadedFile`` fits)."""

    name: str | None

    def read(self, *args: Any) -> bytes | str: ...


def read_layer_files(
    sources: Iterable[tuple[str, bytes | str]], *, layer: str | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    """Parse named file contents into ``{layer: FeatureCollection}``, with a problem per unreadable file.

    The layer of a file is ``layer`` when given (only with one file), else the collection's ``"name"``
    member when it names a layer, else the file name's stem.
    """
    sources = list(sources)
    problems = _Collector()
    collections: dict[str, Any] = {}
    from_file: dict[str, str] = {}
    if layer is not None and layer not in LAYERS:
        problems.add(
            layer,
            None,
            None,
            None,
            _("unknown layer %(layer)s; the layers are %(layers)s")
            % {"layer": layer, "layers": ", ".join(LAYERS)},
        )
        return collections, problems.items
    if layer is not None and len(sources) > 1:
        problems.add(layer, None, None, None, _("a layer can be named only when importing one file"))
        return collections, problems.items
    for name, content in sources:
        stem = PurePath(name).name.split(".")[0]
        try:
            text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
            data = json.loads(text)
        except UnicodeDecodeError:
            problems.add(
                layer or stem, None, None, None, _("%(file)s is not UTF-8 text") % {"file": name}, label=name
            )
            continue
        except json.JSONDecodeError as exc:
            problems.add(
                layer or stem,
                None,
                None,
                None,
                _("not valid JSON: %(reason)s (line %(line)d, column %(column)d)")
                % {"reason": exc.msg, "line": exc.lineno, "column": exc.colno},
                label=name,
            )
            continue
        member = data.get("name") if isinstance(data, dict) else None
        chosen = layer or (member if member in LAYERS else None) or (stem if stem in LAYERS else None)
        if chosen is None:
            problems.add(
                stem,
                None,
                None,
                None,
                _(
                    "cannot tell which layer this is: name the file after a layer (%(layers)s), "
                    'give the collection a "name", or pass the layer'
                )
                % {"layers": ", ".join(LAYERS)},
                label=name,
            )
            continue
        if layer is not None and member in LAYERS and member != layer:
            problems.add(
                layer,
                None,
                None,
                None,
                _("the collection is named %(member)s but was given as layer %(layer)s")
                % {"member": member, "layer": layer},
                label=name,
            )
            continue
        if chosen in collections:
            problems.add(
                chosen,
                None,
                None,
                None,
                _("two files hold the layer %(layer)s: %(first)s and %(second)s")
                % {"layer": chosen, "first": from_file[chosen], "second": name},
                label=name,
            )
            continue
        collections[chosen] = data
        from_file[chosen] = name
    return collections, problems.items


def import_uploaded_files(
    files: Iterable[NamedFile], *, crs: CRS | str | None = None, dry_run: bool = False, actor: Any = None
) -> ImportReport:
    """Import uploaded GeoJSON files (the admin page). Never raises for bad data: read the report.

    ``report.ok`` is False when something is wrong (and then nothing was written); ``report.written``
    is True after a successful import, False after a dry run.
    """
    sources = []
    for upload in files:
        content = upload.read()
        if hasattr(upload, "seek"):
            upload.seek(0)
        sources.append((getattr(upload, "name", None) or "upload.geojson", content))
    collections, read_problems = read_layer_files(sources)
    if read_problems:
        report = validate_territory(collections, crs=crs)
        combined = read_problems + report.problems
        report.problems = combined[:MAX_PROBLEMS]
        report.more_problems += max(0, len(combined) - MAX_PROBLEMS)
        return report
    if dry_run:
        return validate_territory(collections, crs=crs)
    try:
        return import_territory(collections, crs=crs, actor=actor)
    except ImportRejected as rejected:
        return rejected.report
