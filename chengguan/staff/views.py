"""Pages of the staff web: the dispatcher's console, the inspector's field pages, the units' work
lists, the squadron leader's beats and the leader's dashboard.

Every page checks the role here and the territory through ``cases.access`` (lists start from
``get_cases_visible_to``, one case from ``access_case``). Case state changes only through
``cases.workflow`` (see ``actions.py``) and reports only through ``cases.intake.submit_report``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from shapely.geometry import mapping

from chengguan.cases import workflow
from chengguan.cases.access import access_case, can_read_reporter_contact
from chengguan.cases.duplicates import find_duplicates
from chengguan.cases.errors import StaleVersion
from chengguan.cases.intake import submit_report
from chengguan.cases.models import CaseState, Source, Urgency
from chengguan.cases.selectors import calendar_warning, deadline_status, get_merged_reports
from chengguan.catalog.selectors import display_name, get_all_active_categories
from chengguan.core.clock import city_now, city_zone
from chengguan.core.errors import AccessDenied, ChengguanError, Conflict, InvalidInput, NotFound
from chengguan.evaluation.access import row_filter_for
from chengguan.evaluation.counters import SubjectKind
from chengguan.evaluation.scoring import SCORE_PLACES, rounded
from chengguan.evaluation.selectors import get_assessments, monthly_ranking, parse_month
from chengguan.evidence.models import EvidenceKind, evidence_storage
from chengguan.geo.exchange import export_layer
from chengguan.geo.widgets import city_extent
from chengguan.org.access import territory_of
from chengguan.org.models import Division, DivisionLevel
from chengguan.org.roles import Role
from chengguan.staff import charts, selectors, services
from chengguan.staff.actions import FORMS, bind_forms, perform

# Who uses which part (a user with several roles sees several parts).
CONSOLE_ROLES = (Role.OPERATOR, Role.DISPATCHER, Role.LEADER, Role.ADMIN)
FIELD_ROLES = (Role.INSPECTOR,)
UNIT_ROLES = (Role.OFFICER, Role.AUXILIARY, Role.SQUADRON_LEADER, Role.DEPARTMENT)
BEAT_ROLES = (Role.SQUADRON_LEADER, Role.LEADER, Role.ADMIN)
PATROL_ROLES = tuple(services.PATROL_ROLES)
DASHBOARD_ROLES = (
    Role.LEADER,
    Role.ADMIN,
    Role.DISPATCHER,
    Role.OPERATOR,
    Role.SQUADRON_LEADER,
    Role.DEPARTMENT,
)
STAFF_ROLES = tuple(r for r in Role.values if r != Role.CITIZEN)
PAGE_SIZE = 25


def is_staff_member(user: Any) -> bool:
    return bool(
        user.is_authenticated and user.is_active and (user.is_superuser or user.has_role(*STAFF_ROLES))
    )


def has_any(user: Any, roles: tuple[str, ...]) -> bool:
    return bool(user.is_superuser or user.has_role(*roles))


def staff_page(*roles: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Sign-in, role and city time zone for a staff page; domain errors become an error page."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("staff:login"))
            if not is_staff_member(user) or (roles and not has_any(user, roles)):
                return error_page(request, AccessDenied(_("Your role does not use this page.")))
            with timezone.override(city_zone()):
                try:
                    return view(request, *args, **kwargs)
                except (AccessDenied, NotFound) as exc:
                    return error_page(request, exc)

        return wrapper

    return decorate


def error_page(request: HttpRequest, exc: ChengguanError) -> HttpResponse:
    return render(request, "staff/error.html", {"error": exc}, status=exc.http_status)


def nav_for(user: Any) -> list[tuple[str, str]]:
    """(url name, label) of the parts the user's roles use, in the order of the daily work."""
    items: list[tuple[str, str]] = []
    if has_any(user, CONSOLE_ROLES):
        items += [("staff:console", _("Console")), ("staff:overdue", _("Overdue"))]
    if has_any(user, FIELD_ROLES):
        items += [("staff:report", _("Report")), ("staff:tasks", _("My checks"))]
    if has_any(user, UNIT_ROLES):
        items.append(("staff:unit", _("Work list")))
    if has_any(user, BEAT_ROLES):
        items.append(("staff:beats", _("Beats and roster")))
    if has_any(user, PATROL_ROLES):
        items.append(("staff:patrol", _("Patrol")))
    items.append(("staff:cases", _("Search")))
    if has_any(user, DASHBOARD_ROLES):
        items.append(("staff:dashboard", _("Dashboard")))
    return items


def page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context.setdefault("nav", nav_for(request.user))
    context.setdefault("url_name", request.resolver_match.view_name if request.resolver_match else "")
    return render(request, template, context, status=status)


def map_config(**extra: Any) -> dict[str, Any]:
    return {
        "extent": city_extent(),
        "tileUrl": getattr(settings, "MAP_TILE_URL", ""),
        "tileAttribution": getattr(settings, "MAP_TILE_ATTRIBUTION", ""),
        **extra,
    }


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def error_message(exc: ChengguanError) -> str:
    """The error as one line for the page; conflicts say what the case is now."""
    text = str(exc.message)
    if isinstance(exc, Conflict) and "state" in exc.details:
        state = exc.details.get("state")
        label = CaseState(state).label if state in CaseState.values else state
        text += " " + _("The case is now “%(state)s” (version %(version)s); reload it and decide again.") % {
            "state": label,
            "version": exc.details.get("version"),
        }
    return text


# --- sign-in and home -----------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return reverse("staff:home")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    logout(request)
    return redirect("staff:login")


@staff_page()
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if has_any(user, (Role.OPERATOR, Role.DISPATCHER)):
        return redirect("staff:console")
    if has_any(user, FIELD_ROLES):
        return redirect("staff:tasks")
    if has_any(user, UNIT_ROLES):
        return redirect("staff:unit")
    if has_any(user, DASHBOARD_ROLES):
        return redirect("staff:dashboard")
    return redirect("staff:cases")


# --- dispatcher / operator console ----------------------------------------------------------


def _queue_context(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    cases = selectors.get_queue(user)
    hints = selectors.duplicate_hints(cases)
    now = timezone.now()
    rows = []
    for case in cases:
        rows.append(
            {
                "case": case,
                "status": deadline_status(case, now),
                "duplicates": hints.get(case.pk, []),
                "can_register": workflow.can_do("register", case, user),
                "can_dispatch": workflow.can_do("dispatch", case, user)
                and case.suggested_unit_id is not None,
            }
        )
    return {"rows": rows, "refreshed": timezone.localtime(now)}


@require_GET
@staff_page(*CONSOLE_ROLES)
def console(request: HttpRequest) -> HttpResponse:
    context = _queue_context(request)
    context["map_config"] = map_config(
        casesUrl=reverse("staff:map_cases"),
        gridsUrl=reverse("staff:map_grids"),
        scope="open",
        caseUrl=reverse("staff:case", args=[0]),
    )
    return page(request, "staff/console.html", context)


@require_GET
@staff_page(*CONSOLE_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    """The queue alone, for htmx's periodic refresh."""
    return render(request, "staff/_queue.html", _queue_context(request))


@require_GET
@staff_page(*CONSOLE_ROLES)
def overdue(request: HttpRequest) -> HttpResponse:
    user = request.user
    paginator = Paginator(selectors.get_overdue(user), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {
            "case": case,
            "overdue_hours": round((now - case.current_due).total_seconds() / 3600, 1),
            "can_urge": workflow.can_do("urge", case, user),
        }
        for case in page_obj
    ]
    return page(request, "staff/overdue.html", {"rows": rows, "page_obj": page_obj})


@require_GET
@staff_page(*STAFF_ROLES)
def cases(request: HttpRequest) -> HttpResponse:
    f = selectors.parse_filter(request.GET)
    paginator = Paginator(selectors.search_cases(request.user, f), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    query = request.GET.copy()
    query.pop("page", None)
    return page(
        request,
        "staff/cases.html",
        {
            "filter": f,
            "rows": [{"case": c, "status": deadline_status(c, now)} for c in page_obj],
            "page_obj": page_obj,
            "query": query.urlencode(),
            "states": CaseState.choices,
            "sources": Source.choices,
            "categories": [(c.pk, f"{c.code} {display_name(c)}") for c in get_all_active_categories()],
            "districts": list(
                Division.objects.filter(level=DivisionLevel.DISTRICT)
                .order_by("code")
                .values_list("code", "name")
            ),
            "scopes": [
                ("all", _("All")),
                ("open", _("Open")),
                ("overdue", _("Overdue")),
                ("closed", _("Closed")),
            ],
        },
    )


@require_GET
@staff_page(*STAFF_ROLES)
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    user = request.user
    case = access_case(user, case_id)
    actions = workflow.allowed_actions(case, user)
    pending = selectors.get_pending_extensions(case)
    evidence = selectors.get_case_evidence(case)
    duplicates = find_duplicates(case) if case.state == CaseState.REPORTED else []
    return page(
        request,
        "staff/case_detail.html",
        {
            "case": case,
            "status": deadline_status(case),
            "calendar_warning": calendar_warning(case),
            "forms": bind_forms(case, actions, pending_extension=pending[0] if pending else None),
            "can_merge": "merge" in actions,
            "timeline": selectors.get_timeline(case),
            "photos": [e for e in evidence if e.kind == EvidenceKind.PHOTO],
            "evidence": evidence,
            "duplicates": duplicates,
            "merged": list(get_merged_reports(case)),
            "pending": pending,
            "show_contact": can_read_reporter_contact(user),
            "map_config": map_config(point=[case.lon, case.lat], label=case.number),
        },
    )


@require_POST
@staff_page(*STAFF_ROLES)
def case_action(request: HttpRequest, case_id: int) -> HttpResponse:
    """One workflow action from a form; errors (400, 403, 409) come back as messages on the page."""
    user = request.user
    case = access_case(user, case_id)
    action = request.POST.get("action", "")
    back = _safe_next(request, reverse("staff:case", args=[case.pk]))
    if action not in FORMS:
        messages.error(request, _("Unknown action."))
        return HttpResponseRedirect(back)
    try:
        case, done = perform(action, case, user, request.POST, request.FILES.getlist("files"))
    except StaleVersion as exc:
        messages.error(request, error_message(exc))
        return HttpResponseRedirect(reverse("staff:case", args=[case.pk]))
    except ChengguanError as exc:
        # the field goes into the message's class (for scripts and tests), not into the text
        messages.error(request, error_message(exc), extra_tags=f"field-{exc.field}" if exc.field else "")
        return HttpResponseRedirect(back)
    messages.success(request, f"{case.number}: {done}")
    return HttpResponseRedirect(back)


@require_GET
@staff_page(*STAFF_ROLES)
def evidence_file(request: HttpRequest, case_id: int, evidence_id: int) -> HttpResponse:
    case = access_case(request.user, case_id)
    item = selectors.get_case_evidence_item(case, evidence_id)
    if item is None:
        raise Http404
    response = FileResponse(evidence_storage().open(item.file.name, "rb"), content_type=item.mime_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- maps -------------------------------------------------------------------------------------


@require_GET
@staff_page(*STAFF_ROLES)
def map_cases(request: HttpRequest) -> JsonResponse:
    scope = request.GET.get("scope", "open")
    if scope not in selectors.MARKER_SCOPES:
        return JsonResponse({"code": "invalid", "field": "scope", "message": _("Unknown scope.")}, status=400)
    raw = request.GET.get("bbox", "").strip()
    bbox = selectors.parse_bbox(raw) if raw else None
    if raw and bbox is None:
        return JsonResponse(
            {"code": "invalid", "field": "bbox", "message": _("bbox must be minlon,minlat,maxlon,maxlat")},
            status=400,
        )
    markers = selectors.case_markers(request.user, scope=scope, bbox=bbox)
    return JsonResponse(
        {"cases": markers, "limit": selectors.MAP_MARKER_LIMIT}, json_dumps_params={"ensure_ascii": False}
    )


@require_GET
@staff_page(*STAFF_ROLES)
def map_grids(request: HttpRequest) -> JsonResponse:
    """Grid outlines of the viewer's territory (every grid for citywide roles)."""
    raw = request.GET.get("bbox", "").strip()
    bbox = selectors.parse_bbox(raw) if raw else None
    collection = export_layer("grids", territory=territory_of(request.user), bbox=bbox)
    features = [
        {"type": "Feature", "properties": {"code": f["properties"]["code"]}, "geometry": f["geometry"]}
        for f in collection["features"]
    ]
    return JsonResponse({"type": "FeatureCollection", "features": features})


# --- inspector field pages --------------------------------------------------------------------


@staff_page(*FIELD_ROLES)
def report(request: HttpRequest) -> HttpResponse:
    """An inspector's report: camera photo, the phone's position (or a point picked on the map)."""
    values: dict[str, Any] = {"urgency": Urgency.NORMAL, "key": uuid.uuid4().hex}
    error: ChengguanError | None = None
    if request.method == "POST":
        post = request.POST
        values = {
            k: post.get(k, "") for k in ("category", "description", "address", "urgency", "lon", "lat", "key")
        }
        try:
            if not values["lon"] or not values["lat"]:
                raise InvalidInput(
                    _("Give the position: allow location or pick the spot on the map."), field="lon"
                )
            result = submit_report(
                actor=request.user,
                source=Source.INSPECTOR,
                category=values["category"],
                lon=values["lon"],
                lat=values["lat"],
                description=values["description"],
                address=values["address"],
                urgency=values["urgency"] or Urgency.NORMAL,
                files=request.FILES.getlist("photos"),
                client=f"staff:{request.user.pk}",
                idempotency_key=values["key"][:100],
            )
        except ChengguanError as exc:
            error = exc
        else:
            messages.success(request, _("Report %(number)s was sent.") % {"number": result.case.number})
            return redirect("staff:report_done", case_id=result.case.pk)
    return page(
        request,
        "staff/report.html",
        {
            "values": values,
            "error": error,
            "categories": [(str(c.pk), f"{c.code} {display_name(c)}") for c in get_all_active_categories()],
            "urgencies": Urgency.choices,
            "map_config": map_config(gridsUrl=reverse("staff:map_grids"), pick=True),
        },
        status=error.http_status if error else 200,
    )


@require_GET
@staff_page(*FIELD_ROLES)
def report_done(request: HttpRequest, case_id: int) -> HttpResponse:
    case = access_case(request.user, case_id)
    return page(request, "staff/report_done.html", {"case": case, "duplicates": find_duplicates(case)})


@require_GET
@staff_page(*FIELD_ROLES)
def tasks(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.get_verification_tasks(request.user), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [{"case": c, "status": deadline_status(c, now)} for c in page_obj]
    return page(request, "staff/tasks.html", {"rows": rows, "page_obj": page_obj})


@staff_page(*PATROL_ROLES)
def patrol(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        try:
            if request.POST.get("do") == "start":
                services.start_patrol(user)
                messages.success(request, _("Patrol started. Keep this page open while you walk."))
            else:
                services.stop_patrol(user)
                messages.success(request, _("Patrol stopped."))
        except ChengguanError as exc:
            messages.error(request, error_message(exc))
        return redirect("staff:patrol")
    return page(
        request,
        "staff/patrol.html",
        {
            "running": services.get_running_patrol(user),
            "recent": selectors.get_recent_patrols(user),
            "position_url": reverse("staff:patrol_position"),
        },
    )


@require_POST
@staff_page(*PATROL_ROLES)
def patrol_position(request: HttpRequest) -> JsonResponse:
    """A position posted by the browser while a patrol runs (JSON or form body)."""
    data: Any = request.POST
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = {}
        if not isinstance(data, dict):
            data = {}
    try:
        position = services.record_position(
            request.user, lon=data.get("lon"), lat=data.get("lat"), accuracy_m=data.get("accuracy")
        )
    except ChengguanError as exc:
        return JsonResponse(exc.to_dict(), status=exc.http_status)
    return JsonResponse({"id": position.pk, "at": position.at.isoformat()}, status=201)


COVERAGE_PERIODS = {"1": 1, "7": 7, "30": 30}


@require_GET
@staff_page(*PATROL_ROLES)
def coverage(request: HttpRequest) -> HttpResponse:
    days = COVERAGE_PERIODS.get(request.GET.get("days", "1"), 1)
    since = dt.datetime.combine(
        city_now().date() - dt.timedelta(days=days - 1), dt.time(0), tzinfo=city_zone()
    )
    result = selectors.coverage_of(request.user, since=since)
    features = [
        {
            "type": "Feature",
            "properties": {"code": r.code, "name": r.name, "covered": round(r.covered, 3)},
            "geometry": mapping(r.geometry),
        }
        for r in result.rows
    ]
    return page(
        request,
        "staff/coverage.html",
        {
            "coverage": result,
            "days": days,
            "periods": [(1, _("Today")), (7, _("7 days")), (30, _("30 days"))],
            "map_config": map_config(
                coverage={"type": "FeatureCollection", "features": features}, track=result.points[:2000]
            ),
        },
    )


# --- unit work lists --------------------------------------------------------------------------


@require_GET
@staff_page(*UNIT_ROLES)
def unit_work(request: HttpRequest) -> HttpResponse:
    user = request.user
    paginator = Paginator(selectors.get_unit_work(user), PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {"case": c, "status": deadline_status(c, now), "can_accept": workflow.can_do("accept", c, user)}
        for c in page_obj
    ]
    return page(request, "staff/unit_work.html", {"rows": rows, "page_obj": page_obj})


@require_GET
@staff_page(*BEAT_ROLES)
def beats(request: HttpRequest) -> HttpResponse:
    roster = selectors.get_roster(request.user)
    positions = selectors.get_officer_positions(roster)
    features = [
        {
            "type": "Feature",
            "properties": {
                "code": b.code,
                "name": b.name,
                "officer": str(b.officer) if b.officer else "",
                "squadron": b.squadron.name,
            },
            "geometry": mapping(b.geometry),
        }
        for b in roster
    ]
    officers = [
        {"name": str(b.officer), "lon": positions[b.officer_id][0], "lat": positions[b.officer_id][1]}
        for b in roster
        if b.officer_id in positions
    ]
    return page(
        request,
        "staff/beats.html",
        {
            "roster": roster,
            "positions": positions,
            "map_config": map_config(
                beats={"type": "FeatureCollection", "features": features}, officers=officers
            ),
        },
    )


# --- the leader's dashboard -------------------------------------------------------------------

RANKING_KINDS = (SubjectKind.SQUADRON, SubjectKind.DEPARTMENT, SubjectKind.DISTRICT, SubjectKind.STREET)


def _ranking(request: HttpRequest) -> tuple[str, str, list[dict[str, Any]]]:
    """This month's ranking of a kind of subject: the stored evaluation if it ran, else computed now.
    Rows the user may not see (``evaluation.access``) are left out."""
    kind = request.GET.get("ranking", SubjectKind.SQUADRON)
    if kind not in RANKING_KINDS:
        kind = SubjectKind.SQUADRON
    month = f"{city_now():%Y-%m}"
    try:
        keep = row_filter_for(request.user, kind)
    except AccessDenied:
        return kind, month, []
    first, last = parse_month(month)
    stored = get_assessments(period_start=first, period_end=last, subject_kind=kind)
    if stored:
        rows = [
            {"rank": a.rank, "code": a.subject_code, "name": a.subject_name, "score": a.score} for a in stored
        ]
    else:
        rows = [
            {"rank": r.rank, "code": r.code, "name": r.name, "score": rounded(r.score, SCORE_PLACES)}
            for r in monthly_ranking(month, kind)
        ]
    if keep is not None:
        rows = [r for r in rows if keep(r["code"])]
    return kind, month, rows


def _dashboard_data(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    series = selectors.daily_series(user)
    categories = selectors.category_breakdown(user)
    return {
        "counts": selectors.dashboard_counts(user),
        "series": series,
        "categories": categories,
        "heat": selectors.heat_grid(user),
    }


@require_GET
@staff_page(*DASHBOARD_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    data = _dashboard_data(request)
    series, categories, heat = data["series"], data["categories"], data["heat"]
    reported_label, closed_label = _("Reported"), _("Closed")
    kind = request.GET.get("ranking", SubjectKind.SQUADRON)
    data.update(
        {
            "daily_chart": charts.daily_bars(
                title=_("Reports and closures per day, last 30 days"),
                days=series.days,
                series=[
                    (reported_label, series.reported, charts.REPORTED_COLOUR),
                    (closed_label, series.closed, charts.CLOSED_COLOUR),
                ],
            ),
            "category_chart": charts.horizontal_bars(
                title=_("Reports and closures by category, this month"),
                rows=[(display_name(r.category), (r.reported, r.closed)) for r in categories],
                series=[(reported_label, charts.REPORTED_COLOUR), (closed_label, charts.CLOSED_COLOUR)],
            ),
            "ranking_kind": kind if kind in RANKING_KINDS else SubjectKind.SQUADRON,
            "map_config": map_config(
                heat=[
                    {"b": [c.west, c.south, c.east, c.north], "open": c.open, "overdue": c.overdue}
                    for c in heat.cells
                ],
                heatMax=heat.max_open,
                labels={"open": _("Open"), "overdue": _("Overdue")},
            ),
        }
    )
    return page(request, "staff/dashboard.html", data)


@require_GET
@staff_page(*DASHBOARD_ROLES)
def dashboard_ranking(request: HttpRequest) -> HttpResponse:
    """The evaluation ranking of the dashboard, loaded after the page (htmx) or opened on its own."""
    kind, month, rows = _ranking(request)
    context = {
        "ranking": rows,
        "ranking_kind": kind,
        "ranking_kinds": [(k, label) for k, label in SubjectKind.choices if k in RANKING_KINDS],
        "month": month,
    }
    if request.headers.get("HX-Request"):
        return render(request, "staff/_ranking.html", context)
    return page(request, "staff/ranking.html", context)


CSV_CHARTS = ("counts", "daily", "categories", "heat", "ranking")


@require_GET
@staff_page(*DASHBOARD_ROLES)
def dashboard_csv(request: HttpRequest, chart: str) -> HttpResponse:
    if chart not in CSV_CHARTS:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chengguan-{chart}-{city_now():%Y%m%d}.csv"'
    response.write("\ufeff")  # so that spreadsheet programs read the Chinese names as UTF-8
    writer = csv.writer(response)
    user = request.user
    if chart == "counts":
        counts = selectors.dashboard_counts(user)
        writer.writerow(["figure", "value"])
        for key, value in counts.items():
            writer.writerow([key, value])
    elif chart == "daily":
        writer.writerow(["day", "reported", "closed"])
        for day, reported, closed in selectors.daily_series(user).rows():
            writer.writerow([day.isoformat(), reported, closed])
    elif chart == "categories":
        writer.writerow(["kind", "code", "category", "reported", "closed"])
        for row in selectors.category_breakdown(user, limit=1000):
            writer.writerow(
                [row.category.kind, row.category.code, display_name(row.category), row.reported, row.closed]
            )
    elif chart == "heat":
        writer.writerow(["west", "south", "east", "north", "open", "overdue"])
        for c in selectors.heat_grid(user).cells:
            writer.writerow(
                [f"{c.west:.6f}", f"{c.south:.6f}", f"{c.east:.6f}", f"{c.north:.6f}", c.open, c.overdue]
            )
    else:
        kind, month, rows = _ranking(request)
        writer.writerow(["month", "subject_kind", "rank", "code", "name", "score"])
        for r in rows:
            writer.writerow(
                [month, kind, r["rank"], r["code"], r["name"], "" if r["score"] is None else r["score"]]
            )
    return response
