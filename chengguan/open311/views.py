"""Open311 GeoReport v2 endpoints (``/open311/v2/``): thin views over the catalog and the cases.

The format is the path's extension (``.xml`` or ``.json``); every error is the spec's error body in
that format (JSON when the extension is neither). ``locale=en`` / ``locale=zh-hans`` picks the
language of names and messages (otherwise the request's language).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from contextlib import nullcontext
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from PIL import Image, ImageOps

from chengguan.cases.models import Case
from chengguan.core.errors import ChengguanError, OutsideCity
from chengguan.evidence.models import Evidence
from chengguan.geo.locate import locate
from chengguan.open311 import definitions, throttle
from chengguan.open311.codes import category_for
from chengguan.open311.errors import Open311Error, from_chengguan
from chengguan.open311.filters import Query, arg, extensions_wanted, parse_query
from chengguan.open311.formats import FORMATS, JSON, MIME_TYPES, render
from chengguan.open311.models import ServiceRequest
from chengguan.open311.records import RECORD_RELATED, SERVED_PHOTO_TYPES, public_photos, records
from chengguan.open311.services import (
    api_key_of,
    check_body_size,
    response_body,
    submit_service_request,
)

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
LANGUAGES = {"en": "en", "zh": "zh-hans", "zh-cn": "zh-hans", "zh-hans": "zh-hans"}

View = Callable[..., HttpResponse]


def error_response(fmt: str, error: Open311Error) -> HttpResponse:
    return render(fmt, "errors", error.body(), status=error.status, headers=error.headers)


def _language(request: HttpRequest) -> str | None:
    value = (request.GET.get("locale") or "").strip().lower().replace("_", "-")
    return LANGUAGES.get(value) or LANGUAGES.get(value.split("-")[0]) if value else None


def _check_jurisdiction(request: HttpRequest) -> None:
    ours = str(getattr(settings, "OPEN311_JURISDICTION_ID", "") or "")
    given = (request.GET.get("jurisdiction_id") or "").strip()
    if not given and request.method == "POST":
        given = (request.POST.get("jurisdiction_id") or "").strip()
    if ours and given and given != ours:
        raise Open311Error(404, _("jurisdiction_id: this server serves %(ours)s only.") % {"ours": ours})


def open311(*methods: str) -> Callable[[View], View]:
    """Format from the path, locale, jurisdiction, allowed methods; errors in the spec's format."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            language = _language(request)
            with translation.override(language) if language else nullcontext():
                if fmt not in FORMATS:
                    return error_response(
                        JSON, Open311Error(404, _("Unknown format %(fmt)r: use xml or json.") % {"fmt": fmt})
                    )
                try:
                    if request.method not in methods:
                        raise Open311Error(
                            405,
                            _("%(method)s is not allowed here.") % {"method": request.method},
                            headers={"Allow": ", ".join(methods)},
                        )
                    if request.method == "POST":
                        check_body_size(request)
                    _check_jurisdiction(request)
                    return view(request, *args, fmt=fmt, **kwargs)
                except Open311Error as error:
                    return error_response(fmt, error)
                except ChengguanError as exc:
                    return error_response(fmt, from_chengguan(exc))
                except RequestDataTooBig:
                    return error_response(fmt, Open311Error(413, _("The request is too large.")))
                except (SuspiciousOperation, MultiPartParserError) as exc:
                    return error_response(
                        fmt,
                        Open311Error(400, _("The request body cannot be read: %(reason)s") % {"reason": exc}),
                    )

        return csrf_exempt(wrapper)

    return decorate


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("open311:root"))


# --- discovery and services -------------------------------------------------------------------------


@open311("GET")
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    changeset = definitions.changeset()
    body = {
        "changeset": changeset,
        "contact": settings.OPEN311_CONTACT
        or _("The city management bureau's service hotline 12319; %(url)s")
        % {"url": request.build_absolute_uri("/")},
        "key_service": settings.OPEN311_KEY_SERVICE
        or _("Ask the city management bureau for an API key; administrators issue them in the admin."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base_url(request),
                "changeset": changeset,
                "type": settings.OPEN311_ENDPOINT_TYPE,
                "formats": [MIME_TYPES["xml"], MIME_TYPES["json"]],
            }
        ],
    }
    return render(fmt, "discovery", body)


def _inside_city(request: HttpRequest) -> bool | None:
    """Whether ``lat``/``long`` lie in the city (None when not asked)."""
    lat, lon = arg(request.GET, "lat"), arg(request.GET, "long")
    if not lat and not lon:
        return None
    if not lat or not lon:
        raise Open311Error(400, _("lat, long: give both, or neither."))
    try:
        locate(lon, lat)
    except OutsideCity:
        return False
    return True


@open311("GET")
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    inside = _inside_city(request)
    services = [] if inside is False else definitions.service_list()
    return render(fmt, "services", services)


@open311("GET")
def service_definition(request: HttpRequest, *, fmt: str, code: str) -> HttpResponse:
    category = category_for(code)
    return render(fmt, "service_definition", definitions.service_definition(category))


# --- requests -------------------------------------------------------------------------------------


def _page_url(request: HttpRequest, page: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{urlencode(list(params.lists()), doseq=True)}")


def _distances(query: Query, cases: list[Case]) -> dict[int, float]:
    if query.point is None:
        return {}
    return {c.pk: query.point.distance_m(c.lon, c.lat) for c in cases}


def _search(request: HttpRequest, fmt: str) -> HttpResponse:
    query = parse_query(request.GET)
    total = query.cases.count()
    pages = max(1, math.ceil(total / query.page_size))
    start = (query.page - 1) * query.page_size
    cases = list(query.cases.select_related(*RECORD_RELATED)[start : start + query.page_size])
    headers = {
        "X-Result-Count": str(total),
        "X-Page-Count": str(pages),
        "X-Page-Size": str(query.page_size),
        "X-Page": str(query.page),
    }
    if query.page < pages:
        headers["X-Next-Page-URL"] = _page_url(request, query.page + 1)
    if query.page > 1:
        headers["X-Previous-Page-URL"] = _page_url(request, min(query.page - 1, pages))
    body = records(cases, request, extensions=query.extensions, distances=_distances(query, cases))
    return render(fmt, "service_requests", body, headers=headers)


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    throttle.check_address(request)
    api_key = api_key_of(request)
    throttle.check_key(api_key)
    submitted = submit_service_request(request, api_key)
    return render(fmt, "service_requests", response_body(submitted))


@open311("GET", "POST")
def requests_(request: HttpRequest, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _create(request, fmt)
    return _search(request, fmt)


def _cases(numbers: list[str]) -> QuerySet[Case]:
    return Case.objects.filter(number__in=numbers).select_related(*RECORD_RELATED).order_by("-reported_at")


@open311("GET")
def request_detail(request: HttpRequest, *, fmt: str, request_id: str) -> HttpResponse:
    cases = list(_cases([request_id]))
    if not cases:
        raise Open311Error(
            404, _("service_request_id: there is no request %(id)s.") % {"id": request_id[:64]}
        )
    return render(fmt, "service_requests", records(cases, request, extensions=extensions_wanted(request.GET)))


@open311("GET")
def token(request: HttpRequest, *, fmt: str, token: str) -> HttpResponse:
    rows = list(
        ServiceRequest.objects.filter(token=token).select_related("case").order_by("created_at", "pk")
    )
    if not rows:
        raise Open311Error(
            404, _("token: there is no request with the token %(token)s.") % {"token": token[:64]}
        )
    body = [{"service_request_id": row.case.number, "token": row.token} for row in rows]
    return render(fmt, "service_requests", body)


@open311("GET", "POST")
def not_found(request: HttpRequest, *, fmt: str, path: str = "") -> HttpResponse:
    raise Open311Error(404, _("There is no Open311 resource %(path)s.") % {"path": request.path[:200]})


# --- media ------------------------------------------------------------------------------------------


def public_image(evidence: Evidence) -> bytes:
    """The photo re-encoded without its metadata (EXIF GPS, device, time), turned upright."""
    with evidence.file.open("rb") as handle, Image.open(handle) as image:
        upright = ImageOps.exif_transpose(image)
        fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}[evidence.mime_type]
        if fmt == "JPEG" and upright.mode not in ("RGB", "L"):
            upright = upright.convert("RGB")
        out = io.BytesIO()
        upright.save(out, format=fmt, **({"quality": 90} if fmt != "PNG" else {}))
    return out.getvalue()


@require_safe
def media(request: HttpRequest, *, evidence_id: str, digest: str, extension: str) -> HttpResponse:
    """A photo cleared for the public, without metadata; 404 for anything else."""
    evidence = Evidence.objects.filter(pk=evidence_id, sha256__startswith=digest).first()
    visible = (
        evidence is not None
        and SERVED_PHOTO_TYPES.get(evidence.mime_type) == extension
        and evidence.owner_id.isdigit()
        and any(
            p.pk == evidence.pk
            for p in public_photos([int(evidence.owner_id)]).get(int(evidence.owner_id), [])
        )
    )
    if not visible or evidence is None:
        return error_response(JSON, Open311Error(404, _("There is no such media.")))
    try:
        content = public_image(evidence)
    except (OSError, ValueError, Image.DecompressionBombError):
        return error_response(JSON, Open311Error(404, _("There is no such media.")))
    response = HttpResponse(content, content_type=evidence.mime_type)
    response["Cache-Control"] = "public, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
