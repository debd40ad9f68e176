"""Pages of the citizen portal (mobile first) and the two office pages (petitions, callbacks).

Public pages show nothing personal: a case shows its category, its place (street and community),
its masked description, its public timeline and cleared photos; publications are masked when they
are made. Errors from the services become form errors (or a 4xx page), never a 500.
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import Group
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from PIL import Image, ImageOps
from shapely.geometry import mapping

from chengguan.cases.models import Case
from chengguan.core.clock import city_zone
from chengguan.core.errors import ChengguanError
from chengguan.evidence.models import Evidence
from chengguan.geo.locate import ZoneRecord, zone_is_open
from chengguan.geo.models import Grid, VendingZone
from chengguan.org.models import Division, DivisionLevel
from chengguan.org.roles import Role
from chengguan.portal import forms as f
from chengguan.portal import selectors, services
from chengguan.portal import workflow as petitions
from chengguan.portal.laws import load_laws
from chengguan.portal.masking import mask_text
from chengguan.portal.models import Petition, PhotoClearance, Publication
from chengguan.portal.throttling import RateLimited, check_rate

SESSION_CODES = "portal_codes"
SESSION_PETITION_CODES = "portal_petition_codes"
PAGE_SIZE = 20


# --- helpers ------------------------------------------------------------------------------------------


def _remember(request: HttpRequest, key: str, number: str, code: str) -> None:
    codes = dict(request.session.get(key, {}))
    codes[number] = code
    # keep the last 50 only
    request.session[key] = dict(list(codes.items())[-50:])


def _code_of(request: HttpRequest, key: str, number: str) -> str | None:
    return request.session.get(key, {}).get(number)


def _form_error(form: Any, exc: ChengguanError) -> None:
    """A service's error on the form field it names (hidden fields such as lon/lat: on the form)."""
    field = exc.field if exc.field in form.fields and not form.fields[exc.field].widget.is_hidden else None
    form.add_error(field, str(exc.message))


def _status(exc: ChengguanError) -> int:
    return exc.http_status if exc.http_status >= 400 else 400


def _render(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int | None = None
) -> HttpResponse:
    """``render`` with times shown in the city's zone (``{% timezone city_tz %}`` in the base page)."""
    return render(request, template, {**(context or {}), "city_tz": city_zone()}, status=status)


def _map_config() -> dict[str, Any]:
    return {
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "cityUrl": reverse("portal:city_geojson"),
        "zonesUrl": reverse("portal:zones_geojson"),
    }


def _is_staff_member(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or user.role_names - {Role.CITIZEN}))


# --- home, report, receipt ----------------------------------------------------------------------------


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _render(request, "portal/home.html", {"track_form": f.TrackForm()})


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = f.ReportForm(request.POST, request.FILES)
        status = 400
        try:
            check_rate(request, "report")
        except RateLimited as exc:
            form.is_valid()
            form.add_error(None, str(exc.message))
            return _render(request, "portal/report.html", {"form": form, "map": _map_config()}, status=429)
        if form.is_valid():
            data = form.cleaned_data
            try:
                receipt = services.report_problem(
                    actor=request.user,
                    category=data["category"],
                    lon=data["lon"],
                    lat=data["lat"],
                    description=data["description"],
                    address=data["address"],
                    reporter_name=data["reporter_name"],
                    reporter_phone=data["reporter_phone"],
                    reporter_email=data["reporter_email"],
                    files=data["photos"],
                )
            except ChengguanError as exc:
                _form_error(form, exc)
                status = _status(exc)
            else:
                _remember(request, SESSION_CODES, receipt.case.number, receipt.access_code)
                return redirect("portal:receipt", number=receipt.case.number)
        return _render(request, "portal/report.html", {"form": form, "map": _map_config()}, status=status)
    return _render(request, "portal/report.html", {"form": f.ReportForm(), "map": _map_config()})


@require_GET
def receipt(request: HttpRequest, number: str) -> HttpResponse:
    code = _code_of(request, SESSION_CODES, number)
    if code is None:
        return redirect("portal:case", number=number)
    case = _public_case_or_404(number)
    return _render(request, "portal/receipt.html", {"case": case, "code": code})


# --- tracking and rating --------------------------------------------------------------------------------


def _public_case_or_404(number: str) -> Case:
    try:
        return services.get_case_by_number(number)
    except ChengguanError:
        raise Http404(number) from None


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    form = f.TrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            check_rate(request, "track")
        except RateLimited as exc:
            form.add_error(None, str(exc.message))
            return _render(request, "portal/track.html", {"form": form}, status=429)
        number = form.cleaned_data["number"].strip()
        if Case.objects.filter(number=number).exists():
            code = form.cleaned_data["code"].strip()
            if code:
                case = Case.objects.get(number=number)
                if services.is_reporter(case, actor=None, code=code):
                    _remember(request, SESSION_CODES, number, code)
                else:
                    form.add_error("code", _("This access code does not belong to the case."))
                    return _render(request, "portal/track.html", {"form": form}, status=400)
            return redirect("portal:case", number=number)
        form.add_error("number", _("There is no case with this number."))
        return _render(request, "portal/track.html", {"form": form}, status=404)
    return _render(request, "portal/track.html", {"form": form or f.TrackForm()})


def _case_context(request: HttpRequest, case: Case, rating_form: Any = None) -> dict[str, Any]:
    policy = services.get_policy()
    code = _code_of(request, SESSION_CODES, case.number)
    reporter = services.is_reporter(case, actor=request.user, code=code)
    rating = selectors.get_rating(case)
    may_rate = reporter and rating is None and services.rating_window_open(case, policy)
    return {
        "case": case,
        "state_label": selectors.public_state_label(case),
        "description": selectors.public_description(case),
        "address": mask_text(case.address, names=[case.reporter_name]),
        "place": _place_names(case),
        "timeline": selectors.get_public_timeline(case),
        "photos": selectors.get_public_photos(case),
        "is_reporter": reporter,
        "rating": rating if reporter else None,
        "rating_form": rating_form or (f.RatingForm() if may_rate else None),
        "may_reopen": may_rate and services.can_reopen(case, policy),
        "policy": policy,
    }


def _place_names(case: Case) -> str:
    names = dict(
        Division.objects.filter(
            code__in=[case.district_code, case.street_code, case.community_code]
        ).values_list("code", "name")
    )
    return " ".join(
        names[c] for c in (case.district_code, case.street_code, case.community_code) if c in names
    )


@require_GET
def case_status(request: HttpRequest, number: str) -> HttpResponse:
    case = _public_case_or_404(number)
    return _render(request, "portal/case.html", _case_context(request, case))


@require_POST
def rate(request: HttpRequest, number: str) -> HttpResponse:
    case = _public_case_or_404(number)
    form = f.RatingForm(request.POST)
    status = 400
    try:
        check_rate(request, "rate")
    except RateLimited as exc:
        form.is_valid()
        form.add_error(None, str(exc.message))
        return _render(request, "portal/case.html", _case_context(request, case, form), status=429)
    if form.is_valid():
        data = form.cleaned_data
        code = data["code"] or _code_of(request, SESSION_CODES, number)
        try:
            services.rate_case(
                number,
                actor=request.user,
                code=code,
                score=data["score"],
                comment=data["comment"],
                reopen=data["reopen"],
            )
        except ChengguanError as exc:
            _form_error(form, exc)
            status = _status(exc)
        else:
            if data["reopen"]:
                messages.success(request, _("Thank you. The case was reopened and will be handled again."))
            else:
                messages.success(request, _("Thank you for your rating."))
            return redirect("portal:case", number=number)
    return _render(request, "portal/case.html", _case_context(request, case, form), status=status)


# --- accounts -------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = f.SignupForm(request.POST or None)
    if request.method == "POST":
        try:
            check_rate(request, "signup")
        except RateLimited as exc:
            form.is_valid()
            form.add_error(None, str(exc.message))
            return _render(request, "portal/signup.html", {"form": form}, status=429)
        if form.is_valid():
            with transaction.atomic():
                user = form.save(commit=False)
                user.name = form.cleaned_data.get("name", "")
                user.save()
                user.groups.add(Group.objects.get_or_create(name=Role.CITIZEN)[0])
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("portal:my_reports")
        return _render(request, "portal/signup.html", {"form": form}, status=400)
    return _render(request, "portal/signup.html", {"form": form})


class PortalLoginView(LoginView):
    template_name = "portal/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "city_tz": city_zone()}

    def get_default_redirect_url(self) -> str:
        return reverse("portal:my_reports")


@login_required(login_url="portal:login")
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    cases = Case.objects.filter(reporter=request.user).select_related("category").order_by("-reported_at")
    petition_rows = Petition.objects.filter(petitioner=request.user).order_by("-received_at")
    rows = [(case, selectors.public_state_label(case)) for case in cases[:200]]
    return _render(request, "portal/my_reports.html", {"rows": rows, "petitions": petition_rows[:200]})


# --- petitions and complaints --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def petition_new(request: HttpRequest) -> HttpResponse:
    initial = {"kind": request.GET.get("kind", "petition")}
    if request.user.is_authenticated:
        initial["petitioner_name"] = getattr(request.user, "name", "")
    form = f.PetitionForm(request.POST or None, initial=initial)
    if request.method == "POST":
        status = 400
        try:
            check_rate(request, "petition")
        except RateLimited as exc:
            form.is_valid()
            form.add_error(None, str(exc.message))
            return _render(
                request, "portal/petition_form.html", {"form": form, "map": _map_config()}, status=429
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = petitions.submit_petition(actor=request.user, **data)
            except ChengguanError as exc:
                _form_error(form, exc)
                status = _status(exc)
            else:
                _remember(request, SESSION_PETITION_CODES, result.petition.number, result.access_code)
                return redirect("portal:petition_receipt", number=result.petition.number)
        return _render(
            request, "portal/petition_form.html", {"form": form, "map": _map_config()}, status=status
        )
    return _render(request, "portal/petition_form.html", {"form": form, "map": _map_config()})


@require_GET
def petition_receipt(request: HttpRequest, number: str) -> HttpResponse:
    code = _code_of(request, SESSION_PETITION_CODES, number)
    petition = Petition.objects.filter(number=number).first()
    if code is None or petition is None:
        return redirect("portal:petition_track")
    return _render(request, "portal/petition_receipt.html", {"petition": petition, "code": code})


def _petition_for_petitioner(request: HttpRequest, number: str, code: str | None) -> Petition | None:
    petition = Petition.objects.select_related("unit").filter(number=(number or "").strip()).first()
    if petition is None:
        return None
    if request.user.is_authenticated and petition.petitioner_id == request.user.pk:
        return petition
    if services.code_matches(petition.access_code_hash, code):
        return petition
    return None


@require_GET
def petition_track(request: HttpRequest) -> HttpResponse:
    form = f.PetitionTrackForm(request.GET or None)
    if form.is_bound and form.is_valid():
        try:
            check_rate(request, "track")
        except RateLimited as exc:
            form.add_error(None, str(exc.message))
            return _render(request, "portal/petition_track.html", {"form": form}, status=429)
        number, code = form.cleaned_data["number"].strip(), form.cleaned_data["code"].strip()
        if _petition_for_petitioner(request, number, code) is not None:
            _remember(request, SESSION_PETITION_CODES, number, code)
            return redirect("portal:petition_status", number=number)
        form.add_error(None, _("No petition matches this number and access code."))
        return _render(request, "portal/petition_track.html", {"form": form}, status=404)
    return _render(request, "portal/petition_track.html", {"form": form})


@require_GET
def petition_status(request: HttpRequest, number: str) -> HttpResponse:
    petition = _petition_for_petitioner(request, number, _code_of(request, SESSION_PETITION_CODES, number))
    if petition is None:
        return redirect("portal:petition_track")
    return _render(
        request,
        "portal/petition_status.html",
        {"petition": petition, "deadline": petitions.petition_deadline_status(petition)},
    )


@login_required(login_url="portal:login")
@require_GET
def office_petitions(request: HttpRequest) -> HttpResponse:
    rows = petitions.get_petitions_handled_by(request.user).order_by("state", "answer_due")
    if not _is_staff_member(request.user):
        raise Http404()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = [(p, petitions.petition_deadline_status(p)) for p in page.object_list]
    return _render(request, "portal/office_petitions.html", {"page": page, "items": items})


@login_required(login_url="portal:login")
@require_http_methods(["GET", "POST"])
def office_petition(request: HttpRequest, number: str) -> HttpResponse:
    try:
        petition = petitions.access_petition(request.user, number)
    except ChengguanError as exc:
        return _render(request, "portal/error.html", {"message": exc.message}, status=_status(exc))
    form = f.PetitionHandleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            action, text = form.cleaned_data["action"], form.cleaned_data["text"]
            try:
                if action == "acknowledge":
                    petitions.acknowledge_petition(number, actor=request.user, note=text)
                else:
                    petitions.answer_petition(number, actor=request.user, answer=text)
            except ChengguanError as exc:
                form.add_error("text" if exc.field in ("answer", "note") else None, str(exc.message))
                status = _status(exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("portal:office_petition", number=number)
    return _render(
        request,
        "portal/office_petition.html",
        {"petition": petition, "form": form, "deadline": petitions.petition_deadline_status(petition)},
        status=status,
    )


# --- callbacks (回访) ------------------------------------------------------------------------------------


@login_required(login_url="portal:login")
@require_GET
def office_callbacks(request: HttpRequest) -> HttpResponse:
    if not request.user.has_role(Role.OPERATOR):
        return _render(
            request, "portal/error.html", {"message": _("Only operators call reporters back.")}, status=403
        )
    policy = services.get_policy()
    queue = selectors.get_callback_queue(request.user, window_days=policy.callback_window_days)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    return _render(
        request, "portal/office_callbacks.html", {"page": page, "form": f.CallbackForm(), "policy": policy}
    )


@login_required(login_url="portal:login")
@require_POST
def office_callback(request: HttpRequest, case_id: int) -> HttpResponse:
    form = f.CallbackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.record_callback(
                case_id,
                actor=request.user,
                reached=data["reached"],
                satisfaction=data["satisfaction"],
                note=data["note"],
                reopen=data["reopen"],
            )
        except ChengguanError as exc:
            return _render(request, "portal/error.html", {"message": exc.message}, status=_status(exc))
        messages.success(request, _("The callback was recorded."))
        return redirect("portal:office_callbacks")
    message = "; ".join(str(e) for errors in form.errors.values() for e in errors)
    return _render(request, "portal/error.html", {"message": message}, status=400)


# --- publication ---------------------------------------------------------------------------------------


@require_GET
def closed_cases(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.get_public_closed_cases(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "case": case,
            "description": mask_text(case.description, names=[case.reporter_name])[:300],
            "address": mask_text(case.address, names=[case.reporter_name]),
        }
        for case in page.object_list
    ]
    return _render(request, "portal/closed_cases.html", {"page": page, "rows": rows})


@require_GET
def publications(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    qs = Publication.objects.filter(withdrawn_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs.order_by("-published_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    withdrawn = Publication.objects.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at")[:20]
    return _render(request, "portal/publications.html", {"page": page, "withdrawn": withdrawn, "kind": kind})


@require_GET
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    item = Publication.objects.filter(pk=pk).first()
    if item is None:
        raise Http404()
    return _render(request, "portal/publication.html", {"item": item})


@require_GET
def laws(request: HttpRequest) -> HttpResponse:
    return _render(request, "portal/laws.html", {"laws": load_laws()})


@require_GET
def photo(request: HttpRequest, evidence_id: int) -> HttpResponse:
    """A photo of a case, only when a staff member cleared it for the public; re-encoded without its
    metadata (EXIF: the device, the owner, the exact time and place of the camera)."""
    if not PhotoClearance.objects.filter(evidence_id=evidence_id).exists():
        raise Http404()
    item = Evidence.objects.filter(pk=evidence_id, owner_type="cases.case").first()
    if item is None:
        raise Http404()
    try:
        with item.file.open("rb") as handle, Image.open(handle) as image:
            clean = ImageOps.exif_transpose(image).convert("RGB")
            clean.thumbnail((1600, 1600))
            buffer = io.BytesIO()
            clean.save(buffer, format="JPEG", quality=85)
    except (OSError, Image.DecompressionBombError):
        raise Http404() from None
    response = HttpResponse(buffer.getvalue(), content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=3600"
    return response


# --- maps ------------------------------------------------------------------------------------------------


@require_GET
def vending_map(request: HttpRequest) -> HttpResponse:
    zones = VendingZone.objects.filter(is_active=True).order_by("code")
    now = timezone.now()
    rows = [(zone, _zone_open(zone, now)) for zone in zones]
    return _render(request, "portal/vending.html", {"rows": rows, "map": _map_config()})


def _zone_open(zone: VendingZone, now: Any) -> bool:
    record = ZoneRecord(
        zone.code, zone.name, zone.geometry, zone.opens_at, zone.closes_at, zone.weekdays, zone.is_active
    )
    return zone_is_open(record, now)


def _weekday_names(weekdays: str) -> str:
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    if sorted(weekdays) == list("1234567"):
        return _("every day")
    return " ".join(names[int(d) - 1] for d in sorted(set(weekdays)) if d in "1234567")


@require_GET
def zones_geojson(request: HttpRequest) -> JsonResponse:
    now = timezone.now()
    features = []
    for zone in VendingZone.objects.filter(is_active=True).order_by("code"):
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(zone.geometry),
                "properties": {
                    "code": zone.code,
                    "name": zone.name,
                    "hours": f"{zone.opens_at:%H:%M}–{zone.closes_at:%H:%M}",
                    "days": _weekday_names(zone.weekdays),
                    "goods": zone.permitted_goods,
                    "stalls": zone.capacity,
                    "open_now": _zone_open(zone, now),
                    "vendors": zone.vendors.filter(is_active=True).count(),
                },
            }
        )
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False}
    )


@require_GET
def city_geojson(request: HttpRequest) -> JsonResponse:
    """The city's outline, districts and streets (and the grids with ``?grids=1``), public data only."""
    features = []
    levels = [DivisionLevel.CITY, DivisionLevel.DISTRICT, DivisionLevel.STREET]
    for division in Division.objects.filter(level__in=levels, boundary__isnull=False).order_by("code"):
        features.append(
            {
                "type": "Feature",
                "geometry": mapping(division.boundary),
                "properties": {"code": division.code, "name": division.name, "level": division.level},
            }
        )
    if request.GET.get("grids") == "1":
        for grid in Grid.objects.only("code", "geometry").order_by("code"):
            features.append(
                {
                    "type": "Feature",
                    "geometry": mapping(grid.geometry),
                    "properties": {"code": grid.code, "level": "grid"},
                }
            )
    return JsonResponse(
        {"type": "FeatureCollection", "features": features}, json_dumps_params={"ensure_ascii": False}
    )
