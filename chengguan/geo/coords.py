"""Coordinate systems used by Chinese maps: WGS84 (GPS), GCJ-02 (AMap, Tencent) and BD-09 (Baidu).

chengguan stores WGS84. Input in GCJ-02 or BD-09 is converted on the way in and output on the way
out. The GCJ-02 offset is the published obfuscation polynomial; its inverse is computed by fixed-point
iteration to well under a millimetre. Outside mainland China GCJ-02 equals WGS84. All functions take
scalars or NumPy arrays.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from chengguan.core.errors import InvalidInput

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


class CRS(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


def parse_crs(value: str | None) -> CRS:
    if value is None or value == "":
        return CRS.WGS84
    try:
        return CRS(value.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"unknown coordinate system {value!r}; use wgs84, gcj02 or bd09", field="crs"
        ) from None


def _out_of_china(lon: Any, lat: Any) -> Any:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _delta(lon: Any, lat: Any) -> tuple[Any, Any]:
    x = lon - 105.0
    y = lat - 35.0
    sq = np.sqrt(np.abs(x))
    dlat = (
        -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * sq
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
        + (160.0 * np.sin(y / 12.0 * np.pi) + 320.0 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    )
    dlon = (
        300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * sq
        + (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
        + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
        + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    )
    radlat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * np.cos(radlat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: Any, lat: Any) -> tuple[Any, Any]:
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _delta(lon, lat)
    outside = _out_of_china(lon, lat)
    return np.where(outside, lon, lon + dlon), np.where(outside, lat, lat + dlat)


def gcj02_to_wgs84(lon: Any, lat: Any) -> tuple[Any, Any]:
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    wlon, wlat = lon.copy(), lat.copy()
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        elon, elat = glon - lon, glat - lat
        wlon = wlon - elon
        wlat = wlat - elat
        if np.all(np.abs(elon) < 1e-10) and np.all(np.abs(elat) < 1e-10):
            break
    return wlon, wlat


def gcj02_to_bd09(lon: Any, lat: Any) -> tuple[Any, Any]:
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    z = np.sqrt(lon * lon + lat * lat) + 0.00002 * np.sin(lat * _X_PI)
    theta = np.arctan2(lat, lon) + 0.000003 * np.cos(lon * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def bd09_to_gcj02(lon: Any, lat: Any) -> tuple[Any, Any]:
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    x = lon - 0.0065
    y = lat - 0.006
    z = np.sqrt(x * x + y * y) - 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) - 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta), z * np.sin(theta)


def bd09_to_wgs84(lon: Any, lat: Any) -> tuple[Any, Any]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lon, lat))


def wgs84_to_bd09(lon: Any, lat: Any) -> tuple[Any, Any]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def to_wgs84(lon: Any, lat: Any, crs: CRS | str) -> tuple[Any, Any]:
    crs = parse_crs(crs) if not isinstance(crs, CRS) else crs
    if crs is CRS.GCJ02:
        return gcj02_to_wgs84(lon, lat)
    if crs is CRS.BD09:
        return bd09_to_wgs84(lon, lat)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def from_wgs84(lon: Any, lat: Any, crs: CRS | str) -> tuple[Any, Any]:
    crs = parse_crs(crs) if not isinstance(crs, CRS) else crs
    if crs is CRS.GCJ02:
        return wgs84_to_gcj02(lon, lat)
    if crs is CRS.BD09:
        return wgs84_to_bd09(lon, lat)
    return np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)


def _transform_geometry(geom: BaseGeometry, fn: Any) -> BaseGeometry:
    def _apply(coords: np.ndarray) -> np.ndarray:
        lon, lat = fn(coords[:, 0], coords[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, _apply)


def geometry_to_wgs84(geom: BaseGeometry, crs: CRS | str) -> BaseGeometry:
    crs = parse_crs(crs) if not isinstance(crs, CRS) else crs
    if crs is CRS.WGS84:
        return geom
    return _transform_geometry(geom, lambda lon, lat: to_wgs84(lon, lat, crs))


def geometry_from_wgs84(geom: BaseGeometry, crs: CRS | str) -> BaseGeometry:
    crs = parse_crs(crs) if not isinstance(crs, CRS) else crs
    if crs is CRS.WGS84:
        return geom
    return _transform_geometry(geom, lambda lon, lat: from_wgs84(lon, lat, crs))
