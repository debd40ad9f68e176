"""The raster cell index behind ``locate``: plain geometry in, layer indexes out (no database here).

A :class:`Frame` lays a raster of square cells (side ``cell_m`` metres in the city's local metric
plane) over the territory. Cell coordinates are an affine image of longitude/latitude,
``u = (lon - lon_min) * su`` and ``v = (lat - lat_min) * sv``, so a lookup is a multiply, a floor and
a gather, and it never moves a point before the exact test.

Each layer keeps one ``int32`` per cell:

* ``-1``: no feature of the layer touches the cell;
* ``k >= 0``: the whole cell lies inside feature ``k`` and inside no other feature (a *uniform* cell);
* ``<= -2``: an *ambiguous* cell, ``-2 - a`` indexes a CSR list of the candidate features, sorted by
  feature index, that may cover some point of the cell.

Only points that fall in ambiguous cells get an exact test, done on the original WGS84 geometry
(:class:`PolygonLayer`: ``shapely.intersects_xy``, i.e. the *closed* polygon, the lowest feature index
that covers the point wins) or in the metric plane (:class:`LineLayer`: ``shapely.distance`` to the
projected line, the nearest line within the distance wins, ties to the lowest index). Callers sort
features by code, so "lowest index" means "smallest code".

Invariant (tested by property tests): a uniform cell is entirely inside one feature and touches no
other, so the answer of the index equals the brute-force shapely answer for every point.

Polygon layers: interiors are filled by a scanline at cell centres; the cells crossed by any ring
segment (a supercover grown by a tiny epsilon) or whose centre lies in two or more polygons are
ambiguous. Line layers (points within ``distance_m`` of a line): with ``h`` the half diagonal of a
cell, a cell whose centre lies within ``distance_m - h`` of exactly one line and farther than
``distance_m + h`` from every other is uniform (1-Lipschitz distance); cells whose centre is farther
than ``distance_m + h`` from every line are empty; the others are ambiguous. Those two regions are
buffers of the projected lines, the outer one enlarged so that its polygon approximation contains
the true round buffer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from chengguan.geo.projection import LocalProjection

# Margin (in cells) added around ring segments: far above the rounding of the affine cell
# coordinates (about 1e-12 of a cell) and far below a cell.
EDGE_EPS = 1e-6
# Buffer resolution (segments per quarter circle) for the line layers.
QUAD_SEGS = 8
NONE = -1


@dataclass(frozen=True)
class Frame:
    """The raster: ``nx`` × ``ny`` cells of ``cell_m`` metres from (lon_min, lat_min)."""

    lon_min: float
    lat_min: float
    su: float  # cells per degree of longitude
    sv: float  # cells per degree of latitude
    nx: int
    ny: int
    cell_m: float
    projection: LocalProjection

    @classmethod
    def around(cls, bounds: Sequence[float], *, cell_m: float, max_cells: int, pad_m: float = 0.0) -> Frame:
        """A frame covering ``bounds`` (lon_min, lat_min, lon_max, lat_max) plus ``pad_m``."""
        lon0, lat0, lon1, lat1 = (float(b) for b in bounds)
        if not all(math.isfinite(b) for b in (lon0, lat0, lon1, lat1)) or lon1 < lon0 or lat1 < lat0:
            raise ValueError(f"bad bounds {bounds!r}")
        proj = LocalProjection((lon0 + lon1) / 2.0, (lat0 + lat1) / 2.0)
        pad = float(pad_m)
        width = (lon1 - lon0) * proj.kx + 2 * pad
        height = (lat1 - lat0) * proj.ky + 2 * pad
        cell = max(float(cell_m), math.sqrt(max(width * height, 1.0) / max_cells))
        while True:
            nx = math.floor(width / cell) + 3
            ny = math.floor(height / cell) + 3
            if nx * ny <= max_cells:
                break
            cell *= 1.02
        # One spare cell on each side so that boundary points never sit on the raster's edge.
        lon_min = lon0 - (pad + cell) / proj.kx
        lat_min = lat0 - (pad + cell) / proj.ky
        return cls(lon_min, lat_min, proj.kx / cell, proj.ky / cell, nx, ny, cell, proj)

    @property
    def half_diagonal_m(self) -> float:
        return self.cell_m * math.sqrt(0.5)

    def cell_coords(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        return (np.asarray(lon, dtype=float) - self.lon_min) * self.su, (
            np.asarray(lat, dtype=float) - self.lat_min
        ) * self.sv

    def to_cell_geometry(self, geom: Any) -> Any:
        lon_min, lat_min, su, sv = self.lon_min, self.lat_min, self.su, self.sv
        return shapely.transform(
            geom, lambda c: np.column_stack([(c[:, 0] - lon_min) * su, (c[:, 1] - lat_min) * sv])
        )

    def metric_to_cell_geometry(self, geom: Any) -> Any:
        """Metric (projection-plane) geometry to cell coordinates."""
        return _metric_to_cells(self, geom)

    def query(self, lon: np.ndarray, lat: np.ndarray) -> CellQuery:
        """Row, column and flat number of the cell of each point (NaN and inf fall outside)."""
        u = np.subtract(lon, self.lon_min, dtype=float)
        u *= self.su
        v = np.subtract(lat, self.lat_min, dtype=float)
        v *= self.sv
        outside = ~((u >= 0.0) & (u < self.nx) & (v >= 0.0) & (v < self.ny))
        any_outside = bool(outside.any())
        if any_outside:
            u[outside] = -1.0
            v[outside] = -1.0
        col = u.astype(np.int64)
        row = v.astype(np.int64)
        flat = row * self.nx
        flat += col
        if any_outside:
            flat[outside] = self.nx * self.ny  # the sentinel cell of full-frame layers
        return CellQuery(row, col, flat)

    def cell(self, lon: float, lat: float) -> tuple[int, int]:
        """(row, column) of one point in plain Python, (-1, -1) outside; same arithmetic as :meth:`query`."""
        u = (lon - self.lon_min) * self.su
        v = (lat - self.lat_min) * self.sv
        if 0.0 <= u < self.nx and 0.0 <= v < self.ny:
            return int(v), int(u)
        return -1, -1


@dataclass(frozen=True)
class CellQuery:
    row: np.ndarray  # -1 outside the frame
    col: np.ndarray
    flat: np.ndarray  # row * nx + col; nx * ny outside the frame


def _metric_to_cells(frame: Frame, geom: Any) -> Any:
    """Metric plane → longitude/latitude → cell coordinates, with the exact lookup arithmetic."""
    p = frame.projection
    lon_min, lat_min, su, sv, kx, ky = frame.lon_min, frame.lat_min, frame.su, frame.sv, p.kx, p.ky

    def _tr(c: np.ndarray) -> np.ndarray:
        lon = c[:, 0] / kx + p.lon0
        lat = c[:, 1] / ky + p.lat0
        return np.column_stack([(lon - lon_min) * su, (lat - lat_min) * sv])

    return shapely.transform(geom, _tr)


# --- rasterisation helpers -----------------------------------------------------------------------


def _segments(cell_geoms: Sequence[BaseGeometry]) -> tuple[np.ndarray, ...]:
    """Ring segments (u0, v0, u1, v1, feature) of polygonal geometries in cell coordinates."""
    geoms = np.asarray(cell_geoms, dtype=object)
    if len(geoms) == 0:
        empty = np.empty(0)
        return empty, empty, empty, empty, np.empty(0, dtype=np.int64)
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_part = shapely.get_rings(parts, return_index=True)
    coords, coord_ring = shapely.get_coordinates(rings, return_index=True)
    same = coord_ring[1:] == coord_ring[:-1]
    owner = part_owner[ring_part[coord_ring[:-1][same]]]
    start = coords[:-1][same]
    end = coords[1:][same]
    return start[:, 0], start[:, 1], end[:, 0], end[:, 1], owner.astype(np.int64)


def _expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For ``counts`` [2, 0, 3] → owners [0, 0, 2, 2, 2] and offsets [0, 1, 0, 1, 2]."""
    counts = np.maximum(counts, 0).astype(np.int64)
    total = int(counts.sum())
    owners = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    offsets = np.arange(total, dtype=np.int64) - starts[owners]
    return owners, offsets


def _scanline_spans(
    segs: tuple[np.ndarray, ...], nx: int, ny: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Spans (row, col_start, col_end_exclusive, feature) of cells whose centre is inside a feature.

    Even–odd rule at row centres v = row + 0.5 with half-open crossings; the exact boundary of a
    span does not matter, the cells around edges are ambiguous anyway.
    """
    u0, v0, u1, v1, owner = segs
    lo = np.minimum(v0, v1)
    hi = np.maximum(v0, v1)
    r0 = np.clip(np.ceil(lo - 0.5), 0, ny).astype(np.int64)
    r1 = np.clip(np.ceil(hi - 0.5), 0, ny).astype(np.int64)
    seg_i, off = _expand(r1 - r0)
    row = r0[seg_i] + off
    vc = row + 0.5
    du = u1[seg_i] - u0[seg_i]
    dv = v1[seg_i] - v0[seg_i]
    ux = u0[seg_i] + (vc - v0[seg_i]) * (du / dv)
    own = owner[seg_i]
    order = np.lexsort((ux, row, own))
    ux, row, own = ux[order], row[order], own[order]
    # Each (feature, row) has an even number of crossings, so pairs line up globally.
    ua, ub = ux[0::2], ux[1::2]
    row, own = row[0::2], own[0::2]
    c0 = np.clip(np.ceil(ua - 0.5), 0, nx).astype(np.int64)
    c1 = np.clip(np.ceil(ub - 0.5), 0, nx).astype(np.int64)
    keep = c1 > c0
    return row[keep], c0[keep], c1[keep], own[keep]


def _centre_cover(spans: tuple[np.ndarray, ...], nx: int, ny: int) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: how many features contain its centre, and the sum of their indexes."""
    row, c0, c1, own = spans
    count = np.zeros((ny, nx + 1), dtype=np.int32)
    idsum = np.zeros((ny, nx + 1), dtype=np.int32)
    np.add.at(count, (row, c0), 1)
    np.add.at(count, (row, c1), -1)
    np.add.at(idsum, (row, c0), own.astype(np.int32))
    np.add.at(idsum, (row, c1), -own.astype(np.int32))
    np.cumsum(count, axis=1, out=count)
    np.cumsum(idsum, axis=1, out=idsum)
    return count[:, :nx].ravel(), idsum[:, :nx].ravel()


def _multi_pairs(spans: tuple[np.ndarray, ...], count: np.ndarray, nx: int) -> tuple[np.ndarray, np.ndarray]:
    """(cell, feature) for every cell whose centre lies in two or more features."""
    multi = np.flatnonzero(count >= 2)
    if len(multi) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    row, c0, c1, own = spans
    pick = np.isin(row, np.unique(multi // nx))
    row, c0, c1, own = row[pick], c0[pick], c1[pick], own[pick]
    span_i, off = _expand(c1 - c0)
    cells = row[span_i] * nx + c0[span_i] + off
    keep = count[cells] >= 2
    return cells[keep], own[span_i][keep]


def _supercover(
    segs: tuple[np.ndarray, ...], nx: int, ny: int, eps: float = EDGE_EPS
) -> tuple[np.ndarray, np.ndarray]:
    """(cell, feature) for every cell within ``eps`` of a ring segment."""
    u0, v0, u1, v1, owner = segs
    umin = np.minimum(u0, u1)
    umax = np.maximum(u0, u1)
    i0 = np.floor(umin - eps).astype(np.int64)
    i1 = np.floor(umax + eps).astype(np.int64)
    seg_i, off = _expand(i1 - i0 + 1)
    col = i0[seg_i] + off
    su0, sv0, su1, sv1 = u0[seg_i], v0[seg_i], u1[seg_i], v1[seg_i]
    du = su1 - su0
    dv = sv1 - sv0
    vertical = du == 0.0
    safe_du = np.where(vertical, 1.0, du)
    ta = (col - eps - su0) / safe_du
    tb = (col + 1 + eps - su0) / safe_du
    t_lo = np.clip(np.minimum(ta, tb), 0.0, 1.0)
    t_hi = np.clip(np.maximum(ta, tb), 0.0, 1.0)
    t_lo = np.where(vertical, 0.0, t_lo)
    t_hi = np.where(vertical, 1.0, t_hi)
    va = sv0 + t_lo * dv
    vb = sv0 + t_hi * dv
    j0 = np.floor(np.minimum(va, vb) - eps).astype(np.int64)
    j1 = np.floor(np.maximum(va, vb) + eps).astype(np.int64)
    col_i, roff = _expand(j1 - j0 + 1)
    rows = j0[col_i] + roff
    cols = col[col_i]
    own = owner[seg_i][col_i]
    ok = (rows >= 0) & (rows < ny) & (cols >= 0) & (cols < nx)
    return rows[ok] * nx + cols[ok], own[ok]


def _assemble(
    count: np.ndarray,
    idsum: np.ndarray,
    ambiguous_pairs: tuple[np.ndarray, np.ndarray],
    uniform: np.ndarray,
    n_features: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cell array and the CSR candidate lists of the ambiguous cells."""
    cells_of_pairs, feats = ambiguous_pairs
    cells = np.where(uniform, idsum, NONE).astype(np.int32)
    if len(cells_of_pairs) == 0:
        return cells, np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int32)
    n = max(n_features, 1)
    key = cells_of_pairs * n + feats
    key.sort()
    fresh = np.ones(len(key), dtype=bool)
    fresh[1:] = key[1:] != key[:-1]
    key = key[fresh]
    pair_cells = key // n
    pair_feats = (key % n).astype(np.int32)
    first = np.flatnonzero(np.concatenate([[True], pair_cells[1:] != pair_cells[:-1]]))
    amb_cells = pair_cells[first]
    cells[amb_cells] = -2 - np.arange(len(amb_cells), dtype=np.int32)
    ptr = np.append(first, len(key)).astype(np.int64)
    return cells, ptr, pair_feats


# --- layers --------------------------------------------------------------------------------------


class _Layer:
    """Cells of one layer over a window of the frame (the whole frame when the layer is large)."""

    frame: Frame
    cells: np.ndarray
    ptr: np.ndarray
    cand: np.ndarray
    n_features: int
    r0: int = 0
    c0: int = 0
    wnx: int = 0
    wny: int = 0
    full: bool = False

    def _window(self, segs: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
        """Choose the window around ``segs`` (cell coordinates) and shift them into it."""
        nx, ny = self.frame.nx, self.frame.ny
        u0, v0, u1, v1, owner = segs
        if len(u0) == 0:
            self.r0 = self.c0 = self.wnx = self.wny = 0
            return segs
        c0 = max(0, math.floor(min(u0.min(), u1.min())) - 2)
        c1 = min(nx, math.floor(max(u0.max(), u1.max())) + 3)
        r0 = max(0, math.floor(min(v0.min(), v1.min())) - 2)
        r1 = min(ny, math.floor(max(v0.max(), v1.max())) + 3)
        if c1 <= c0 or r1 <= r0:
            self.r0 = self.c0 = self.wnx = self.wny = 0
            return segs
        if (c1 - c0) * (r1 - r0) * 2 >= nx * ny:
            c0, r0, c1, r1 = 0, 0, nx, ny
            self.full = True
        self.r0, self.c0, self.wnx, self.wny = r0, c0, c1 - c0, r1 - r0
        return u0 - c0, v0 - r0, u1 - c0, v1 - r0, owner

    def _finish(self, cells: np.ndarray) -> None:
        if self.full:
            cells = np.append(cells, np.int32(NONE))  # the sentinel for points outside the frame
        self.cells = np.ascontiguousarray(cells, dtype=np.int32)

    @property
    def nbytes(self) -> int:
        return int(self.cells.nbytes + self.ptr.nbytes + self.cand.nbytes)

    @property
    def ambiguous_cells(self) -> int:
        return len(self.ptr) - 1

    def raw(self, q: CellQuery) -> np.ndarray:
        """Cell values of the points (``-1`` outside the window)."""
        if self.full:
            return self.cells[q.flat]
        out = np.full(len(q.flat), NONE, dtype=np.int32)
        if self.wnx == 0:
            return out
        r0, c0 = self.r0, self.c0
        inside = (q.row >= r0) & (q.row < r0 + self.wny) & (q.col >= c0) & (q.col < c0 + self.wnx)
        idx = np.flatnonzero(inside)
        if len(idx):
            out[idx] = self.cells[(q.row[idx] - r0) * self.wnx + (q.col[idx] - c0)]
        return out

    def value_at(self, row: int, col: int) -> int:
        """The cell value at a (row, column) of the frame, for one point."""
        r = row - self.r0
        c = col - self.c0
        if 0 <= r < self.wny and 0 <= c < self.wnx:
            return self.cells.item(r * self.wnx + c)
        return NONE

    def _candidates(self, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a = -2 - codes.astype(np.int64)
        return self.ptr[a], self.ptr[a + 1]


class PolygonLayer(_Layer):
    """Which polygon covers a point: the closed polygon with the lowest index, or ``-1``."""

    def __init__(self, frame: Frame, geoms: Sequence[BaseGeometry]) -> None:
        self.frame = frame
        self.geoms = np.asarray(list(geoms), dtype=object)
        self.n_features = len(self.geoms)
        shapely.prepare(self.geoms)
        cell_geoms = [frame.to_cell_geometry(g) for g in self.geoms]
        segs = self._window(_segments(cell_geoms))
        nx, ny = self.wnx, self.wny
        spans = _scanline_spans(segs, nx, ny)
        count, idsum = _centre_cover(spans, nx, ny)
        edge_cells, edge_feats = _supercover(segs, nx, ny)
        multi_cells, multi_feats = _multi_pairs(spans, count, nx)
        edge_centre = edge_cells[count[edge_cells] == 1]
        pairs = (
            np.concatenate([edge_cells, multi_cells, edge_centre]),
            np.concatenate([edge_feats, multi_feats, idsum[edge_centre].astype(np.int64)]),
        )
        cells, self.ptr, self.cand = _assemble(count, idsum, pairs, count == 1, self.n_features)
        self._finish(cells)

    def resolve(
        self, lon: np.ndarray, lat: np.ndarray, raw: np.ndarray, allowed: np.ndarray | None = None
    ) -> np.ndarray:
        """Exact answers where ``raw`` (from :meth:`raw`) is ambiguous; ``allowed`` masks features."""
        out = raw.copy()
        if allowed is not None:
            uni = out >= 0
            out[uni] = np.where(allowed[out[uni]], out[uni], NONE)
        amb = np.flatnonzero(raw <= -2)
        if len(amb) == 0:
            return out
        start, end = self._candidates(raw[amb])
        result = np.full(len(amb), NONE, dtype=np.int32)
        todo = np.arange(len(amb))
        k = 0
        while len(todo):
            todo = todo[start[todo] + k < end[todo]]
            if not len(todo):
                break
            feat = self.cand[start[todo] + k]
            pi = amb[todo]
            hit = shapely.intersects_xy(self.geoms[feat], lon[pi], lat[pi])
            if allowed is not None:
                hit &= allowed[feat]
            result[todo[hit]] = feat[hit]
            todo = todo[~hit]
            k += 1
        out[amb] = result
        return out

    def lookup(self, lon: Any, lat: Any, allowed: np.ndarray | None = None) -> np.ndarray:
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        return self.resolve(lon, lat, self.raw(self.frame.query(lon, lat)), allowed)

    def resolve_one(self, lon: float, lat: float, value: int, allowed: np.ndarray | None = None) -> int:
        if value >= 0:
            return value if allowed is None or allowed[value] else NONE
        if value == NONE:
            return NONE
        a = -2 - value
        for k in range(int(self.ptr[a]), int(self.ptr[a + 1])):
            feat = int(self.cand[k])
            if (allowed is None or allowed[feat]) and shapely.intersects_xy(self.geoms[feat], lon, lat):
                return feat
        return NONE


class LineLayer(_Layer):
    """Which line is nearest to a point within ``distance_m`` metres (ties: lowest index), or ``-1``.

    Distances are measured in the frame's local metric plane.
    """

    def __init__(self, frame: Frame, geoms: Sequence[BaseGeometry], distance_m: float) -> None:
        self.frame = frame
        if not distance_m > 0:
            # Within 0 m of a line means exactly on it, which floating point cannot decide.
            raise ValueError(f"the road distance must be positive, got {distance_m!r}")
        self.distance_m = float(distance_m)
        self.geoms = np.asarray(list(geoms), dtype=object)
        self.n_features = len(self.geoms)
        proj = frame.projection
        self.metric = np.asarray([proj.project(g) for g in self.geoms], dtype=object)
        shapely.prepare(self.metric)
        h = frame.half_diagonal_m
        slack = 1e-6 * max(1.0, self.distance_m + h)
        outer_r = (self.distance_m + h) / math.cos(math.pi / (4 * QUAD_SEGS)) + slack
        inner_r = self.distance_m - h - slack
        if self.n_features:
            outer = shapely.buffer(self.metric, outer_r, quad_segs=QUAD_SEGS)
            segs = self._window(_segments([_metric_to_cells(frame, g) for g in outer]))
        else:
            segs = self._window(_segments([]))
        nx, ny = self.wnx, self.wny
        spans = _scanline_spans(segs, nx, ny)
        count, idsum = _centre_cover(spans, nx, ny)
        if inner_r > 0 and self.n_features:
            inner = shapely.buffer(self.metric, inner_r, quad_segs=QUAD_SEGS)
            u0, v0, u1, v1, owner = _segments([_metric_to_cells(frame, g) for g in inner])
            inner_segs = (u0 - self.c0, v0 - self.r0, u1 - self.c0, v1 - self.r0, owner)
            inner_count, _ = _centre_cover(_scanline_spans(inner_segs, nx, ny), nx, ny)
            uniform = (count == 1) & (inner_count == 1)
            del inner_count
        else:
            uniform = np.zeros(nx * ny, dtype=bool)
        single = np.flatnonzero((count == 1) & ~uniform)
        multi_cells, multi_feats = _multi_pairs(spans, count, nx)
        pairs = (
            np.concatenate([single, multi_cells]),
            np.concatenate([idsum[single].astype(np.int64), multi_feats]),
        )
        pairs = self._refine(pairs, uniform, idsum, h + slack)
        cells, self.ptr, self.cand = _assemble(count, idsum, pairs, uniform, self.n_features)
        self._finish(cells)

    def _refine(
        self, pairs: tuple[np.ndarray, np.ndarray], uniform: np.ndarray, idsum: np.ndarray, hs: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Settle the candidate cells that the distances at their centres already decide.

        With ``d_j`` the distance from the cell's centre to line ``j`` and ``k`` the nearest, every
        point of the cell is within ``d_j ± hs`` of line ``j``. Line ``j`` can win somewhere in the
        cell only if ``d_j - hs <= min(distance, d_k + hs)``; when only ``k`` can and
        ``d_k + hs <= distance``, the cell is uniform; when none can, it is empty. ``uniform`` and
        ``idsum`` are updated in place; the pairs still in doubt are returned.
        """
        cells, feats = pairs
        if len(cells) == 0:
            return pairs
        frame = self.frame
        rows, cols = np.divmod(cells, self.wnx)
        rows += self.r0
        cols += self.c0
        x, y = frame.projection.to_xy(
            frame.lon_min + (cols + 0.5) / frame.su, frame.lat_min + (rows + 0.5) / frame.sv
        )
        dist = shapely.distance(self.metric[feats], shapely.points(x, y))
        order = np.lexsort((feats, dist, cells))
        cells, feats, dist = cells[order], feats[order], dist[order]
        first = np.ones(len(cells), dtype=bool)
        first[1:] = cells[1:] != cells[:-1]
        starts = np.flatnonzero(first)
        group = np.cumsum(first) - 1
        nearest = dist[starts]
        keep = dist - hs <= np.minimum(self.distance_m, nearest[group] + hs)
        kept = np.add.reduceat(keep.astype(np.int64), starts)
        settled = (kept == 1) & (nearest + hs <= self.distance_m)
        uniform[cells[starts[settled]]] = True
        idsum[cells[starts[settled]]] = feats[starts[settled]]
        doubt = keep & ~settled[group]
        return cells[doubt], feats[doubt]

    def resolve(self, lon: np.ndarray, lat: np.ndarray, raw: np.ndarray) -> np.ndarray:
        out = raw.copy()
        amb = np.flatnonzero(raw <= -2)
        if len(amb) == 0:
            return out
        start, end = self._candidates(raw[amb])
        pt_i, off = _expand(end - start)
        feat = self.cand[start[pt_i] + off]
        x, y = self.frame.projection.to_xy(lon[amb], lat[amb])
        points = shapely.points(x, y)
        dist = shapely.distance(self.metric[feat], points[pt_i])
        ok = dist <= self.distance_m
        pt_i, feat, dist = pt_i[ok], feat[ok], dist[ok]
        result = np.full(len(amb), NONE, dtype=np.int32)
        if len(pt_i):
            order = np.lexsort((feat, dist, pt_i))
            pt_s = pt_i[order]
            first = np.ones(len(pt_s), dtype=bool)
            first[1:] = pt_s[1:] != pt_s[:-1]
            result[pt_s[first]] = feat[order][first]
        out[amb] = result
        return out

    def lookup(self, lon: Any, lat: Any) -> np.ndarray:
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        return self.resolve(lon, lat, self.raw(self.frame.query(lon, lat)))

    def resolve_one(self, lon: float, lat: float, value: int) -> int:
        if value >= -1:
            return value
        a = -2 - value
        x, y = self.frame.projection.to_xy(lon, lat)
        point = shapely.Point(float(x), float(y))
        best, best_d = NONE, math.inf
        for k in range(int(self.ptr[a]), int(self.ptr[a + 1])):
            feat = int(self.cand[k])
            d = float(shapely.distance(self.metric[feat], point))
            if d <= self.distance_m and d < best_d:
                best, best_d = feat, d
        return best


def brute_force_polygons(geoms: Sequence[BaseGeometry], lon: Any, lat: Any) -> np.ndarray:
    """Reference answer of :class:`PolygonLayer` (lowest index whose closed polygon covers)."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    out = np.full(lon.shape, NONE, dtype=np.int32)
    for k in range(len(geoms) - 1, -1, -1):
        hit = shapely.intersects_xy(geoms[k], lon, lat)
        out[hit] = k
    return out


def brute_force_lines(
    geoms: Sequence[BaseGeometry], lon: Any, lat: Any, distance_m: float, projection: LocalProjection
) -> np.ndarray:
    """Reference answer of :class:`LineLayer` (nearest within the distance, ties to lowest index)."""
    x, y = projection.to_xy(lon, lat)
    points = shapely.points(np.asarray(x), np.asarray(y))
    out = np.full(np.shape(x), NONE, dtype=np.int32)
    best = np.full(np.shape(x), math.inf)
    for k, g in enumerate(geoms):
        d = shapely.distance(projection.project(g), points)
        better = (d <= distance_m) & (d < best)
        out[better] = k
        best[better] = d[better]
    return out
