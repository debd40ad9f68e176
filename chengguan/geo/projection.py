"""A local metric plane for a city: equirectangular around the city's centre.

Over a city (tens of kilometres) the error of this projection is far below the accuracy of a GPS
fix, and it is fast and exact to invert, which the locate index and the area/length figures need.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

EARTH_RADIUS_M = 6371008.8


@dataclass(frozen=True)
class LocalProjection:
    lon0: float
    lat0: float

    @property
    def kx(self) -> float:
        return math.radians(1.0) * EARTH_RADIUS_M * math.cos(math.radians(self.lat0))

    @property
    def ky(self) -> float:
        return math.radians(1.0) * EARTH_RADIUS_M

    def to_xy(self, lon: Any, lat: Any) -> tuple[Any, Any]:
        return (np.asarray(lon, dtype=float) - self.lon0) * self.kx, (
            np.asarray(lat, dtype=float) - self.lat0
        ) * self.ky

    def to_lonlat(self, x: Any, y: Any) -> tuple[Any, Any]:
        return np.asarray(x, dtype=float) / self.kx + self.lon0, np.asarray(
            y, dtype=float
        ) / self.ky + self.lat0

    def project(self, geom: BaseGeometry) -> BaseGeometry:
        kx, ky, lon0, lat0 = self.kx, self.ky, self.lon0, self.lat0
        return shapely.transform(
            geom, lambda c: np.column_stack([(c[:, 0] - lon0) * kx, (c[:, 1] - lat0) * ky])
        )

    def unproject(self, geom: BaseGeometry) -> BaseGeometry:
        kx, ky, lon0, lat0 = self.kx, self.ky, self.lon0, self.lat0
        return shapely.transform(geom, lambda c: np.column_stack([c[:, 0] / kx + lon0, c[:, 1] / ky + lat0]))


def projection_for(geom: BaseGeometry) -> LocalProjection:
    c = geom.centroid
    return LocalProjection(c.x, c.y)


def area_m2(geom: BaseGeometry) -> float:
    """Area in square metres of a lon/lat polygon."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(projection_for(geom).project(geom).area)


def length_m(geom: BaseGeometry) -> float:
    """Length in metres of a lon/lat line."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(projection_for(geom).project(geom).length)
