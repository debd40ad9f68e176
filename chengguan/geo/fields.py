"""A geometry model field that needs no GIS system libraries.

Geometry is stored as WKB (bytes) in WGS84 longitude/latitude, read back as a shapely 2 geometry,
entered as GeoJSON (text or dict), WKT or a shapely geometry, and serialised as GeoJSON.
"""

from __future__ import annotations

import json
from typing import Any

import shapely
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

POLYGONAL = ("Polygon", "MultiPolygon")
LINEAR = ("LineString", "MultiLineString")


def parse_geometry(value: Any) -> BaseGeometry | None:
    """Turn GeoJSON (text, a dict or a Feature), WKT, WKB or a shapely geometry into a geometry."""
    if value is None or value == "":
        return None
    if isinstance(value, BaseGeometry):
        return value
    if isinstance(value, bytes | memoryview | bytearray):
        return shapely.from_wkb(bytes(value))
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text.startswith("{"):
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(_("not valid GeoJSON: %(reason)s") % {"reason": exc.msg}) from None
        else:
            try:
                return shapely.from_wkt(text)
            except shapely.errors.GEOSException:
                raise ValueError(_("neither GeoJSON nor WKT")) from None
    if isinstance(value, dict):
        if value.get("type") == "Feature":
            value = value.get("geometry")
            if value is None:
                return None
        try:
            return shape(value)
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.GEOSException) as exc:
            raise ValueError(_("not a GeoJSON geometry: %(reason)s") % {"reason": exc}) from None
    raise ValueError(_("unsupported geometry value of type %(type)s") % {"type": type(value).__name__})


def geometry_to_geojson(geom: BaseGeometry | None) -> dict[str, Any] | None:
    if geom is None:
        return None
    return mapping(geom)


class GeometryFormField(forms.CharField):
    """A GeoJSON text field; the admin gives it a map widget."""

    def __init__(self, *args: Any, geom_types: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.geom_types = geom_types
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 4, "class": "geojson"}))
        kwargs.pop("max_length", None)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, BaseGeometry):
            return json.dumps(mapping(value))
        return value

    def to_python(self, value: Any) -> BaseGeometry | None:  # type: ignore[override]
        try:
            geom = parse_geometry(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="bad_geometry") from None
        if geom is None:
            return None
        if self.geom_types and geom.geom_type not in self.geom_types:
            raise ValidationError(
                _("expected %(expected)s, got %(got)s")
                % {"expected": " / ".join(self.geom_types), "got": geom.geom_type},
                code="bad_geometry_type",
            )
        if geom.is_empty:
            raise ValidationError(_("the geometry is empty"), code="empty_geometry")
        if not shapely.is_valid(geom):
            raise ValidationError(
                _("the geometry is not valid: %(reason)s") % {"reason": shapely.is_valid_reason(geom)},
                code="invalid_geometry",
            )
        return geom

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            old = parse_geometry(initial)
            new = parse_geometry(data)
        except ValueError:
            return True
        if old is None or new is None:
            return old is not new
        return not shapely.equals_exact(old, new, tolerance=1e-12)


class GeometryField(models.Field):
    description = _("Geometry (WGS84 longitude/latitude)")

    def __init__(self, *args: Any, geom_types: tuple[str, ...] = (), **kwargs: Any) -> None:
        self.geom_types = tuple(geom_types)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if self.geom_types:
            kwargs["geom_types"] = self.geom_types
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "BinaryField"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> BaseGeometry | None:
        if value is None:
            return None
        return shapely.from_wkb(bytes(value))

    def to_python(self, value: Any) -> BaseGeometry | None:
        try:
            return parse_geometry(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="bad_geometry") from None

    def get_prep_value(self, value: Any) -> bytes | None:
        geom = self.to_python(value)
        if geom is None:
            return None
        return shapely.to_wkb(geom)

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = self.get_prep_value(value) if not prepared else value
        if value is None:
            return None
        return connection.Database.Binary(value)

    def value_to_string(self, obj: Any) -> str:
        geom = self.value_from_object(obj)
        return "" if geom is None else json.dumps(mapping(geom))

    def formfield(self, **kwargs: Any) -> Any:
        defaults = {"form_class": GeometryFormField, "geom_types": self.geom_types}
        defaults.update(kwargs)
        return super().formfield(**defaults)
