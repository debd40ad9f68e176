"""Admin pages of the territory: the city map, GeoJSON import with a validation report, export.

Mounted under ``/admin/geo/`` (``chengguan.geo.admin_urls``) and wrapped in ``admin.site.admin_view``,
so they need a logged-in staff member like every admin page.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from chengguan.core.errors import InvalidInput
from chengguan.geo import assets
from chengguan.geo.coords import CRS, parse_crs
from chengguan.geo.exchange import LAYERS, export_layer
from chengguan.geo.models import BeatKind, PostType, RoadGrade
from chengguan.geo.widgets import city_extent, map_labels
from chengguan.org.access import territory_of
from chengguan.org.admin_base import is_territory_admin
from chengguan.org.models import DivisionLevel, Unit, UnitKind, User

LAYER_LABELS = {
    "divisions": _("Divisions"),
    "grids": _("Unit grids"),
    "roads": _("Roads"),
    "beats": _("Beats"),
    "vending_zones": _("Vending zones"),
}
CRS_CHOICES = [
    (CRS.WGS84.value, _("WGS84 (GPS)")),
    (CRS.GCJ02.value, _("GCJ-02 (AMap, Tencent)")),
    (CRS.BD09.value, _("BD-09 (Baidu)")),
]
ROAD_COLOURS = {RoadGrade.MAIN: "#c0392b", RoadGrade.SECONDARY: "#e67e22", RoadGrade.ALLEY: "#b7950b"}
SQUADRON_COLOURS = ("#1f77b4", "#2ca02c", "#9467bd", "#d62728", "#17becf", "#8c564b", "#e377c2", "#7f7f7f")


def _admin_context(request: HttpRequest, title: Any) -> dict[str, Any]:
    return {**admin.site.each_context(request), "title": title, "subtitle": None}


def _layer_url(layer: str, query: str = "") -> str:
    url = reverse("geo:layer", args=[layer])
    return f"{url}?{query}" if query else url


def city_map_config() -> dict[str, Any]:
    """Layers, styles and translated labels for ``city-map.js``."""
    layers: list[dict[str, Any]] = [
        {
            "key": "districts",
            "label": str(_("Districts")),
            "url": _layer_url("divisions", "level=district"),
            "style": {"color": "#1f3a5f", "weight": 3, "fillOpacity": 0.03},
            "on": True,
        },
        {
            "key": "streets",
            "label": str(_("Streets")),
            "url": _layer_url("divisions", "level=street"),
            "style": {"color": "#2e6da4", "weight": 2, "dashArray": "6 4", "fillOpacity": 0},
            "on": False,
        },
        {
            "key": "communities",
            "label": str(_("Communities")),
            "url": _layer_url("divisions", "level=community"),
            "style": {"color": "#5b9bd5", "weight": 1.5, "dashArray": "2 3", "fillOpacity": 0},
            "on": False,
        },
        {
            "key": "grids",
            "label": str(_("Unit grids")),
            "url": _layer_url("grids"),
            "style": {"color": "#7f8c8d", "weight": 1, "fillOpacity": 0.04},
            "on": False,
        },
    ]
    for grade in RoadGrade:
        layers.append(
            {
                "key": f"roads-{grade.value}",
                "label": str(grade.label),
                "url": _layer_url("roads"),
                "filter": {"grade": grade.value},
                "style": {
                    "color": ROAD_COLOURS[grade],
                    "weight": {"main": 6, "secondary": 4}.get(grade.value, 3),
                },
                "on": True,
            }
        )
    squadrons = list(Unit.objects.filter(kind=UnitKind.SQUADRON).order_by("code").values_list("code", "name"))
    for i, (code, name) in enumerate(squadrons):
        colour = SQUADRON_COLOURS[i % len(SQUADRON_COLOURS)]
        layers.append(
            {
                "key": f"beats-{code}",
                "label": str(_("Beats: %(squadron)s") % {"squadron": name}),
                "url": _layer_url("beats"),
                "filter": {"squadron": code},
                "style": {"color": colour, "weight": 4, "dashArray": "8 6", "fillOpacity": 0.15},
                "on": True,
            }
        )
    layers.append(
        {
            "key": "vending_zones",
            "label": str(_("Vending zones")),
            "url": _layer_url("vending_zones"),
            "style": {"color": "#8e44ad", "weight": 2, "fillOpacity": 0.3},
            "on": True,
        }
    )
    officers = dict(User.objects.filter(beats__isnull=False).distinct().values_list("username", "name"))
    return {
        "layers": layers,
        "extent": city_extent(),
        "tileUrl": getattr(settings, "MAP_TILE_URL", ""),
        "tileAttribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        "labels": {
            **map_labels(),
            **_popup_labels(),
        },
        "values": {
            "level": {k: str(v) for k, v in DivisionLevel.choices},
            "grade": {k: str(v) for k, v in RoadGrade.choices},
            "kind": {k: str(v) for k, v in BeatKind.choices},
            "post_type": {k: str(v) for k, v in PostType.choices},
        },
        "names": {"squadron": dict(squadrons), "officer": officers},
    }


def _popup_labels() -> dict[str, str]:
    labels = {
        "code": _("code"),
        "name": _("name"),
        "level": _("level"),
        "parent": _("parent"),
        "community": _("community"),
        "inspector": _("inspector"),
        "area_m2": _("area (m²)"),
        "grade": _("grade"),
        "length_m": _("length (m)"),
        "kind": _("kind"),
        "road": _("road"),
        "squadron": _("squadron"),
        "officer": _("responsible officer"),
        "post_type": _("post type"),
        "post_hours": _("post hours"),
        "opening_hours": _("opening hours"),
        "weekdays": _("open on weekdays"),
        "permitted_goods": _("permitted goods"),
        "capacity": _("stalls"),
        "unit": _("managing unit"),
        "is_active": _("active"),
        "yes": _("yes"),
        "no": _("no"),
        "layers": _("Layers"),
    }
    return {key: capfirst(str(value)) for key, value in labels.items()}


@require_GET
def city_map(request: HttpRequest) -> TemplateResponse:
    context = _admin_context(request, _("City map"))
    context.update(
        {"config": city_map_config(), "assets": assets, "can_import": is_territory_admin(request.user)}
    )
    return TemplateResponse(request, "admin/geo/city_map.html", context)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field taking several files at once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".geojson,.json,application/geo+json"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        if isinstance(data, list | tuple):
            if not data and self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportForm(forms.Form):
    files = MultipleFileField(
        label=_("GeoJSON files"),
        help_text=_(
            "One FeatureCollection per layer (divisions, grids, roads, beats, vending_zones), named by "
            'its "name" member or the file name, e.g. grids.geojson.'
        ),
    )
    crs = forms.ChoiceField(
        label=_("Coordinate system"),
        choices=[("", _("As stated in each file (else WGS84)")), *CRS_CHOICES],
        required=False,
        help_text=_("Coordinates are converted to WGS84 for storage."),
    )
    dry_run = forms.BooleanField(label=_("Dry run: check only, write nothing"), required=False, initial=True)


@require_http_methods(["GET", "POST"])
def import_territory_page(request: HttpRequest) -> TemplateResponse:
    if not is_territory_admin(request.user):
        raise PermissionDenied
    report = None
    dry_run = True
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            from chengguan.geo.importing import import_uploaded_files

            dry_run = form.cleaned_data["dry_run"]
            report = import_uploaded_files(
                form.cleaned_data["files"],
                crs=form.cleaned_data["crs"] or None,
                dry_run=dry_run,
                actor=request.user,
            )
    else:
        form = ImportForm()
    context = _admin_context(request, _("Import and export the territory"))
    context.update(
        {
            "form": form,
            "report": report,
            "dry_run": dry_run,
            "counts": [
                {"layer": LAYER_LABELS.get(name, name), "created": c.created, "updated": c.updated}
                for name, c in (report.counts.items() if report is not None else ())
            ],
            "problems": [
                {
                    "layer": LAYER_LABELS.get(p.layer, p.layer),
                    "index": p.index,
                    "code": p.code,
                    "field": p.field,
                    "reason": p.reason,
                }
                for p in (report.problems if report is not None else ())
            ],
            "downloads": _downloads(),
            "media": form.media,
        }
    )
    return TemplateResponse(request, "admin/geo/import.html", context)


def _downloads() -> list[dict[str, Any]]:
    rows = []
    for layer in LAYERS:
        url = reverse("geo_admin:export", args=[layer])
        rows.append(
            {
                "label": LAYER_LABELS.get(layer, layer),
                "links": [{"crs": str(label), "url": f"{url}?crs={crs}"} for crs, label in CRS_CHOICES],
            }
        )
    return rows


@require_GET
def export_layer_file(request: HttpRequest, layer: str) -> HttpResponse:
    """One layer as a GeoJSON file attachment, in the chosen coordinate system, within the viewer's territory."""
    if layer not in LAYERS:
        raise Http404(layer)
    try:
        crs = parse_crs(request.GET.get("crs"))
    except InvalidInput as exc:
        return JsonResponse(exc.to_dict(), status=exc.http_status, json_dumps_params={"ensure_ascii": False})
    collection = export_layer(layer, crs=crs, territory=territory_of(request.user))
    body = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/geo+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{layer}-{crs.value}.geojson"'
    return response
