"""Enforcement screens of the staff web, for officers, squadron leaders and legal reviewers.

* party search and a party's history (identifiers masked by role through ``enforcement.privacy``);
* the violations of the viewer's territory and one violation with its proposed step and the form to
  choose the step (``enforcement.workflow.choose_step``);
* the proceedings of the viewer's territory and one proceeding with the procedure's checklist and
  its legal deadlines (``penalty.selectors.pending_steps``) and its documents;
* the seizure register of the viewer's territory with the term of each seizure.

Every read starts from the apps' own access helpers (``enforcement.access``, ``penalty.selectors``,
``seizures.access``), so the role and territory rules are the apps' rules, not copies of them.
A party's history is city-wide on purpose (``enforcement.access``: the ledger follows the party
across districts), but only violations inside the viewer's territory link to their pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from chengguan.core.clock import city_today
from chengguan.core.errors import ChengguanError, InvalidInput
from chengguan.enforcement import access as ledger
from chengguan.enforcement import selectors as ledger_selectors
from chengguan.enforcement import workflow as enforcement_workflow
from chengguan.enforcement.models import EnforcementStep, Violation, ViolationStatus
from chengguan.enforcement.privacy import mask_party
from chengguan.org.roles import Role
from chengguan.penalty import selectors as penalty_selectors
from chengguan.penalty import workflow as penalty_workflow
from chengguan.penalty.models import Procedure, Proceeding, State
from chengguan.seizures import access as seizure_access
from chengguan.seizures import terms
from chengguan.seizures.models import SeizureState
from chengguan.staff.views import PAGE_SIZE, page, staff_page

# Who uses which screen (the apps' access helpers then decide what each one sees).
LEDGER_ROLES = tuple(ledger.LEDGER_READ_ROLES)
PROCEEDING_ROLES = tuple(penalty_selectors.READ_ROLES)
SEIZURE_ROLES = tuple(seizure_access.READ_ROLES)
ENFORCEMENT_ROLES = (Role.OFFICER, Role.SQUADRON_LEADER, Role.LEGAL_REVIEWER, Role.AUXILIARY)
HISTORY_PAGE_SIZE = 50
MAX_QUERY = 100


def enforcement_nav(user: Any) -> list[tuple[str, str]]:
    """(url name, label) of the enforcement screens for the user's roles (empty for other roles)."""
    if not user.is_authenticated:
        return []
    if not (user.is_superuser or user.has_role(*ENFORCEMENT_ROLES)):
        return []
    # the models' plural names: the menu is on every page, so it uses msgids already in the catalogue
    items = [("staff:parties", capfirst(_("parties"))), ("staff:violations", capfirst(_("violations")))]
    if user.is_superuser or user.has_role(*PROCEEDING_ROLES):
        items.append(("staff:proceedings", capfirst(_("proceedings"))))
    if user.is_superuser or user.has_role(*SEIZURE_ROLES):
        items.append(("staff:seizures", capfirst(_("seizures"))))
    return items


def _paginate(request: HttpRequest, rows: Any, size: int = PAGE_SIZE) -> tuple[Any, str]:
    page_obj = Paginator(rows, size).get_page(request.GET.get("page"))
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    return page_obj, query.urlencode()


def _documents(user: Any, target_type: str, target_ids: list[Any]) -> dict[str, list[dict[str, Any]]]:
    """Issued documents about the targets that ``user`` may read, with their preview and Word links,
    by target id. Empty when the documents app is not there (or not ready)."""
    try:
        from chengguan.documents import access as documents_access

        base = reverse("documents:document-detail", args=[0])
    except (ImportError, NoReverseMatch):
        return {}
    found: dict[str, list[dict[str, Any]]] = {}
    if not target_ids or not documents_access.can_read(user):
        return found
    rows = (
        documents_access.get_documents_visible_to(user)
        .filter(target_type=target_type, target_id__in=[str(i) for i in target_ids])
        .order_by("-created_at", "-pk")[:100]
    )
    for doc in rows:
        url = base.replace("/0/", f"/{doc.pk}/")
        found.setdefault(doc.target_id, []).append(
            {
                "number": doc.number,
                "title": doc.title or doc.get_kind_display(),
                "created_at": doc.created_at,
                "preview": f"{url}?format=html",
                "docx": f"{url}?format=docx",
            }
        )
    return found


def _bundle_url(party_id: int) -> str:
    return reverse("enforcement:party-bundle", args=[party_id])


# --- parties ----------------------------------------------------------------------------------------


@require_GET
@staff_page(*LEDGER_ROLES)
def parties(request: HttpRequest) -> HttpResponse:
    """Search the ledger by name, phone, ID number, credit code or plate (empty: the newest parties)."""
    ledger.check_can_read_ledger(request.user)
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    rows = ledger_selectors.search_parties(query=q).annotate(violation_count=Count("violations"))
    page_obj, query = _paginate(request, rows)
    found = [
        {"party": mask_party(p, request.user), "kind": p.get_kind_display(), "violations": p.violation_count}
        for p in page_obj
    ]
    return page(
        request,
        "staff/enforcement/parties.html",
        {"q": q, "rows": found, "page_obj": page_obj, "query": query},
    )


@require_GET
@staff_page(*LEDGER_ROLES)
def party(request: HttpRequest, party_id: int) -> HttpResponse:
    user = request.user
    party = ledger.access_party(user, party_id)
    history = ledger_selectors.get_party_history(party=party)
    page_obj, query = _paginate(request, history, HISTORY_PAGE_SIZE)
    shown = list(page_obj)
    evidence = ledger_selectors.evidence_by_violation(shown)
    mine = set(
        ledger.get_violations_visible_to(user)
        .filter(pk__in=[v.pk for v in shown])
        .values_list("pk", flat=True)
    )
    rows = [
        {
            "violation": v,
            "step": v.get_chosen_step_display() if v.chosen_step else v.get_proposed_step_display(),
            "step_chosen": bool(v.chosen_step),
            "evidence": len(evidence.get(v.pk, [])),
            "linked": v.pk in mine,
        }
        for v in shown
    ]
    proceedings = (
        penalty_selectors.get_proceedings_visible_to(user).filter(party=party).order_by("-opened_at")[:50]
        if user.is_superuser or user.has_role(*PROCEEDING_ROLES)
        else []
    )
    seizures = (
        seizure_access.get_seizures_visible_to(user)
        .filter(party=party)
        .annotate(item_count=Count("items"))
        .order_by("-decided_at")[:50]
        if user.is_superuser or user.has_role(*SEIZURE_ROLES)
        else []
    )
    return page(
        request,
        "staff/enforcement/party.html",
        {
            "party": mask_party(party, user),
            "kind": party.get_kind_display(),
            "rows": rows,
            "page_obj": page_obj,
            "query": query,
            "proceedings": proceedings,
            "seizures": seizures,
            "bundle_url": _bundle_url(party.pk),
            "documents": _documents(user, "enforcement.party", [party.pk]).get(str(party.pk), []),
        },
    )


# --- violations -------------------------------------------------------------------------------------

VIOLATION_SCOPES = {
    "proposed": (ViolationStatus.PROPOSED,),
    "rectifying": (ViolationStatus.RECTIFYING,),
    "all": (),
}


@require_GET
@staff_page(*LEDGER_ROLES)
def violations(request: HttpRequest) -> HttpResponse:
    """The violations of the viewer's territory; by default those still waiting for a step."""
    scope = request.GET.get("scope", "proposed")
    if scope not in VIOLATION_SCOPES:
        scope = "proposed"
    rows = ledger.get_violations_visible_to(request.user).select_related("party", "violation_type")
    if VIOLATION_SCOPES[scope]:
        rows = rows.filter(status__in=VIOLATION_SCOPES[scope])
    page_obj, query = _paginate(request, rows.order_by("-occurred_at", "-pk"))
    return page(
        request,
        "staff/enforcement/violations.html",
        {
            "rows": [{"violation": v, "party": mask_party(v.party, request.user)} for v in page_obj],
            "page_obj": page_obj,
            "query": query,
            "scope": scope,
            "scopes": [
                ("proposed", _("Waiting for a step")),
                ("rectifying", _("Rectifying")),
                ("all", _("All")),
            ],
        },
    )


def _can_decide(user: Any, violation: Violation) -> bool:
    try:
        ledger.check_can_decide_at(user, violation.grid_code)
    except ChengguanError:
        return False
    return violation.status == ViolationStatus.PROPOSED


def _parse_deadline(text: str) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("Give the deadline as a date (YYYY-MM-DD)."), field="deadline") from None


@staff_page(*LEDGER_ROLES)
def violation(request: HttpRequest, violation_id: int) -> HttpResponse:
    """One violation: the proposed step with its basis, and the form to choose the step."""
    user = request.user
    v = ledger.access_violation(user, violation_id)
    error: ChengguanError | None = None
    values = {"step": v.proposed_step, "reason": "", "education_note": "", "deadline": ""}
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in values}
        try:
            version = request.POST.get("version", "")
            if not version.isdigit():
                raise InvalidInput(_("Reload the page and decide again."), field="version")
            enforcement_workflow.choose_step(
                v,
                actor=user,
                step=values["step"],
                reason=values["reason"],
                education_note=values["education_note"],
                deadline=_parse_deadline(values["deadline"]),
                version=int(version),
            )
        except ChengguanError as exc:
            error = exc
            v = ledger.access_violation(user, violation_id)  # what it is now (another may have decided)
        else:
            messages.success(request, _("The step was recorded."))
            return redirect("staff:violation", violation_id=v.pk)
    elif request.method != "GET":
        return HttpResponse(status=405)
    basis = v.proposal_basis or {}
    earlier_ids = [i for i in basis.get("earlier_violations", []) if isinstance(i, int)][:50]
    earlier = list(
        Violation.objects.filter(pk__in=earlier_ids)
        .select_related("violation_type")
        .order_by("-occurred_at", "-pk")
    )
    proceedings = list(
        penalty_selectors.get_proceedings_visible_to(user).filter(violation=v).order_by("-opened_at")[:10]
    )
    reinspections = list(v.reinspections.order_by("due_date", "pk")[:20])
    allowed = enforcement_workflow.TRANSITIONS.get(v.status, frozenset())
    steps = [(value, label) for value, label in EnforcementStep.choices if value in allowed]
    return page(
        request,
        "staff/enforcement/violation.html",
        {
            "v": v,
            "party": mask_party(v.party, user),
            "reasons": [str(r) for r in basis.get("reasons", [])],
            "lookback_days": basis.get("lookback_days"),
            "earlier": earlier,
            "proceedings": proceedings,
            "reinspections": reinspections,
            "can_decide": _can_decide(user, v),
            "steps": steps,
            "values": values,
            "error": error,
            "default_deadline": enforcement_workflow.rectification_deadline(v)
            if v.status == ViolationStatus.PROPOSED
            else None,
            "bundle_url": _bundle_url(v.party_id),
            "documents": _documents(user, "enforcement.violation", [v.pk]).get(str(v.pk), []),
        },
        status=error.http_status if error else 200,
    )


# --- proceedings ------------------------------------------------------------------------------------


@require_GET
@staff_page(*PROCEEDING_ROLES)
def proceedings(request: HttpRequest) -> HttpResponse:
    """The proceedings the viewer may see, open ones first, with the nearest legal deadline of each."""
    scope = request.GET.get("scope", "open")
    rows = penalty_selectors.get_proceedings_visible_to(request.user).select_related("party")
    if scope == "open":
        rows = rows.exclude(state__in=[State.PAID, State.CLOSED])
    else:
        scope = "all"
    page_obj, query = _paginate(request, rows.order_by("-opened_at", "-pk"))
    now = timezone.now()
    found = []
    for p in page_obj:
        pending = penalty_selectors.pending_steps(p, now)
        found.append(
            {
                "p": p,
                "party": mask_party(p.party, request.user),
                "next": min(pending, key=lambda s: s.due) if pending else None,
            }
        )
    return page(
        request,
        "staff/enforcement/proceedings.html",
        {
            "rows": found,
            "page_obj": page_obj,
            "query": query,
            "scope": scope,
            "scopes": [("open", _("Open")), ("all", _("All"))],
        },
    )


@dataclass
class ChecklistItem:
    key: str
    label: Any
    done_on: Any = None  # date or datetime when it was done
    pending: list[Any] = field(default_factory=list)  # penalty.selectors.PendingStep
    optional: bool = False  # only when the case calls for it (a hearing, a legal review …)

    @property
    def status(self) -> str:
        if self.done_on:
            return "done"
        return self.pending[0].status if self.pending else ""


# Which pending step (penalty.selectors.STEP_LABELS) belongs to which item of the checklist.
PENDING_TO_ITEM = {
    "decision": "decided",
    "statement": "statement",
    "hearing_request": "statement",
    "hearing": "hearing",
    "service": "served",
    "payment": "paid",
    "summary_filing": "filed",
    "demand_performance": "demand",
    "court_application": "court",
}


def checklist(p: Proceeding, now: dt.datetime | None = None) -> list[ChecklistItem]:
    """Each step of the proceeding's procedure: done (with its date) or pending (with its deadlines)."""
    notice = p.notices.order_by("-issued_at", "-pk").first()
    hearing = p.hearings.order_by("-requested_on", "-pk").first()
    review = p.reviews.order_by("-reviewed_at", "-pk").first()
    discussion = p.discussions.order_by("-pk").first()
    if p.procedure == Procedure.SUMMARY:
        items = [
            ChecklistItem("decided", gettext_lazy("Decided and served on the spot"), p.decided_on),
            ChecklistItem("filed", gettext_lazy("On-the-spot decision filed with the bureau"), p.filed_on),
        ]
    else:
        items = [
            ChecklistItem("opened", gettext_lazy("Proceedings opened (立案)"), p.opened_on),
            ChecklistItem(
                "notice",
                gettext_lazy("Notice of intended penalty issued"),
                notice.issued_at if notice else None,
            ),
            ChecklistItem("notice_served", gettext_lazy("Notice served on the party"), p.notice_served_on),
            ChecklistItem(
                "statement", gettext_lazy("Statement and defence period closed"), p.statement_closed_at
            ),
            ChecklistItem(
                "hearing",
                gettext_lazy("Hearing held"),
                hearing.held_at if hearing else None,
                optional=hearing is None,
            ),
            ChecklistItem(
                "review",
                gettext_lazy("Legal review"),
                review.reviewed_at if review else None,
                optional=not p.is_major,
            ),
            ChecklistItem(
                "discussion",
                gettext_lazy("Collective discussion"),
                discussion.held_at if discussion else None,
                optional=not p.is_complex,
            ),
            ChecklistItem("decided", gettext_lazy("Decision made"), p.decided_on),
            ChecklistItem("served", gettext_lazy("Decision served on the party"), p.served_on),
        ]
    items += [
        ChecklistItem("paid", gettext_lazy("Fine paid"), p.paid_on),
        ChecklistItem("demand", gettext_lazy("Demand notice served"), p.demand_served_on, optional=True),
        ChecklistItem(
            "court", gettext_lazy("Court enforcement applied for"), p.court_applied_on, optional=True
        ),
    ]
    by_key = {item.key: item for item in items}
    for step in penalty_selectors.pending_steps(p, now):
        target = by_key.get(PENDING_TO_ITEM.get(step.step, ""))
        if target is None:  # a deadline the checklist does not name: show it as an item of its own
            target = ChecklistItem(step.step, step.label)
            by_key[step.step] = target
            items.append(target)
        target.pending.append(step)
        target.optional = False
    return items


@require_GET
@staff_page(*PROCEEDING_ROLES)
def proceeding(request: HttpRequest, proceeding_id: int) -> HttpResponse:
    user = request.user
    p = penalty_selectors.access_proceeding(user, proceeding_id)
    labels = penalty_workflow.ACTION_LABELS
    event_labels = {t.event: labels.get(action, action) for action, t in penalty_workflow.TRANSITIONS.items()}
    events = list(p.events.select_related("actor").order_by("-at", "-pk")[:50])
    for e in events:
        e.label = capfirst(str(event_labels.get(e.action, e.action)))
    return page(
        request,
        "staff/enforcement/proceeding.html",
        {
            "p": p,
            "party": mask_party(p.party, user),
            "checklist": checklist(p),
            "pending": penalty_selectors.pending_steps(p),
            "officers": list(p.officers.all()),
            "events": events,
            "actions": [str(labels.get(a, a)) for a in penalty_workflow.allowed_actions(p, user)],
            "bundle_url": _bundle_url(p.party_id),
            "documents": _documents(user, "penalty.proceeding", [p.pk]).get(str(p.pk), []),
            "api_url": f"/api/v1/penalty/proceedings/{p.pk}/",
        },
    )


# --- seizures ---------------------------------------------------------------------------------------

SEIZURE_SCOPES = {
    "open": (SeizureState.IN_FORCE,),
    "released": (SeizureState.RELEASED,),
    "all": (),
}


@require_GET
@staff_page(*SEIZURE_ROLES)
def seizures(request: HttpRequest) -> HttpResponse:
    """The seizure register of the viewer's territory: state, term end (due soon marked), items."""
    user = request.user
    scope = request.GET.get("scope", "open")
    if scope not in SEIZURE_SCOPES:
        scope = "open"
    rows = (
        seizure_access.get_seizures_visible_to(user)
        .select_related("party")
        .annotate(item_count=Count("items", distinct=True))
        .prefetch_related(Prefetch("evaluations"))
    )
    if SEIZURE_SCOPES[scope]:
        rows = rows.filter(state__in=SEIZURE_SCOPES[scope])
    page_obj, query = _paginate(request, rows.order_by("start_date", "pk"))
    today = city_today()
    warn = seizure_access.get_policy().warn_days_before
    shown = list(page_obj)
    documents = _documents(user, "seizures.seizure", [s.pk for s in shown])
    found = []
    for s in shown:
        term = terms.term_status(s, today, warn) if s.state == SeizureState.IN_FORCE else None
        found.append(
            {
                "s": s,
                "party": mask_party(s.party, user),
                "term": term,
                "documents": documents.get(str(s.pk), []),
            }
        )
    return page(
        request,
        "staff/enforcement/seizures.html",
        {
            "rows": found,
            "page_obj": page_obj,
            "query": query,
            "scope": scope,
            "scopes": [("open", _("In force")), ("released", _("Released, to return")), ("all", _("All"))],
        },
    )
