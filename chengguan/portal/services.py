"""Writes of the citizen side: reports through the cases intake, ratings (and reopening), callbacks,
publications, photo clearance and vendor registration.

Case state changes go through ``chengguan.cases.workflow`` only; petitions through
``chengguan.portal.workflow``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit_record
from chengguan.cases import workflow
from chengguan.cases.access import acting_user, can_read_internal_details
from chengguan.cases.errors import AccessDenied, CaseNotFound, Conflict, InvalidInput, WrongRole
from chengguan.cases.events import record_event
from chengguan.cases.intake import submit_report
from chengguan.cases.models import Case, CaseState, Source
from chengguan.evidence.models import Evidence, EvidenceKind
from chengguan.org.access import can_act_at
from chengguan.org.roles import Role
from chengguan.portal.masking import mask_text
from chengguan.portal.models import (
    Callback,
    CitizenReport,
    PhotoClearance,
    PortalPolicy,
    Publication,
    PublicationKind,
    Rating,
    VendorRegistration,
)

MAX_COMMENT = 2000
MAX_PUBLICATION = 20000
DEFAULT_VENDING_CATEGORIES = ["event:0501", "event:0504"]
# Access codes: no 0/O, 1/I/L (read aloud on the phone, typed on a phone).
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8


# --- policy and access codes -----------------------------------------------------------------------


def get_policy() -> PortalPolicy:
    """The portal policy row (created with the defaults on first use)."""
    policy = PortalPolicy.objects.order_by("pk").first()
    if policy is None:
        policy = PortalPolicy.objects.create(vending_categories=list(DEFAULT_VENDING_CATEGORIES))
    return policy


def new_access_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def hash_access_code(code: str) -> str:
    normalized = (code or "").strip().upper().replace(" ", "").replace("-", "")
    return hmac.new(settings.SECRET_KEY.encode(), normalized.encode(), hashlib.sha256).hexdigest()


def code_matches(stored_hash: str, code: str | None) -> bool:
    if not code or not stored_hash:
        return False
    return hmac.compare_digest(stored_hash, hash_access_code(code))


# --- reports ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortalReceipt:
    case: Case
    access_code: str


def report_problem(
    *,
    actor: Any,
    category: Any,
    lon: Any,
    lat: Any,
    description: str = "",
    address: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    files: Iterable[Any] = (),
) -> PortalReceipt:
    """A citizen's report from the portal: a case (source ``citizen``) and the reporter's access code.

    ``actor`` is the signed-in citizen or None (anonymous). The code is returned once, never stored
    in clear; with the case number it lets an anonymous reporter rate or reopen the case.
    """
    user = acting_user(actor)
    code = new_access_code()
    with transaction.atomic():
        result = submit_report(
            actor=user,
            source=Source.CITIZEN,
            category=category,
            lon=lon,
            lat=lat,
            description=description,
            address=address,
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            reporter_email=reporter_email,
            files=files,
        )
        CitizenReport.objects.create(
            case=result.case, access_code_hash=hash_access_code(code), created_at=timezone.now()
        )
    return PortalReceipt(result.case, code)


def get_case_by_number(number: str) -> Case:
    """A case by its tracking number (NotFound otherwise). Public: callers show only public data."""
    case = (
        Case.objects.select_related("category", "assigned_unit").filter(number=(number or "").strip()).first()
    )
    if case is None:
        raise CaseNotFound(field="number", case=number)
    return case


def is_reporter(case: Case, *, actor: Any, code: str | None = None) -> bool:
    """Whether ``actor`` (signed in) reported ``case``, or ``code`` is the case's access code."""
    user = acting_user(actor)
    if user is not None and case.reporter_id is not None and case.reporter_id == user.pk:
        return True
    stored = CitizenReport.objects.filter(case=case).values_list("access_code_hash", flat=True).first()
    return code_matches(stored or "", code)


# --- rating and reopening --------------------------------------------------------------------------


def rating_window_open(case: Case, policy: PortalPolicy, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        case.state == CaseState.CLOSED
        and case.closed_at is not None
        and now - case.closed_at <= dt.timedelta(days=policy.rating_days)
    )


def can_reopen(case: Case, policy: PortalPolicy, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        case.state == CaseState.CLOSED
        and case.closed_at is not None
        and case.assigned_unit_id is not None
        and now - case.closed_at <= dt.timedelta(days=policy.reopen_days)
    )


def _score(value: Any, field: str = "score") -> int:
    try:
        score = int(value)
    except (TypeError, ValueError):
        score = 0
    if isinstance(value, bool) or score < 1 or score > 5:
        raise InvalidInput(_("The satisfaction score is a whole number from 1 to 5."), field=field)
    return score


def _comment(value: Any, field: str = "comment") -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > MAX_COMMENT:
        raise InvalidInput(
            _("%(field)s is too long: at most %(limit)s characters.")
            % {"field": field, "limit": MAX_COMMENT},
            field=field,
        )
    return text


def rate_case(
    case_number: str,
    *,
    actor: Any,
    code: str | None,
    score: Any,
    comment: str = "",
    reopen: bool = False,
) -> Rating:
    """满意度评价 of the latest closure of a case, by its reporter; ``reopen`` sends it back for rework.

    Reopening needs a score below the policy's "satisfied" score and a closure no older than the
    policy's ``reopen_days``. Anyone but the reporter gets ``NotFound`` (the case's reporter stays
    private); a second rating of the same closure is a ``Conflict``.
    """
    case = get_case_by_number(case_number)
    user = acting_user(actor)
    if not is_reporter(case, actor=user, code=code):
        raise AccessDenied(_("Only the reporter of a case may rate it."), field="code")
    policy = get_policy()
    score = _score(score)
    comment = _comment(comment)
    if not rating_window_open(case, policy):
        raise InvalidInput(
            _("Only a closed case can be rated, within %(days)s days of its closure.")
            % {"days": policy.rating_days},
            field="case",
        )
    if reopen:
        if score >= policy.satisfied_from:
            raise InvalidInput(_("A case is reopened only when you are not satisfied."), field="reopen")
        if not comment:
            raise InvalidInput(_("Say what is still wrong, so that it can be put right."), field="comment")
        if not can_reopen(case, policy):
            raise InvalidInput(
                _("A case can be reopened only within %(days)s days of its closure.")
                % {"days": policy.reopen_days},
                field="reopen",
            )
    now = timezone.now()
    with transaction.atomic():
        if Rating.objects.filter(case=case, closed_at=case.closed_at).exists():
            raise Conflict(_("You have already rated this result."), field="case")
        rating = Rating.objects.create(
            case=case,
            closed_at=case.closed_at,
            score=score,
            comment=comment,
            rated_at=now,
            rated_by=user,
            reopened=reopen,
        )
        record_event(
            case,
            "rated",
            actor=user,
            from_state=case.state,
            to_state=case.state,
            note=comment,
            payload={"rating": rating.pk, "score": score, "reopen": reopen},
            at=now,
        )
        audit_record(
            "portal.rate",
            actor=user,
            target=case,
            payload={"number": case.number, "score": score, "reopen": reopen},
        )
        if reopen:
            as_account = user is not None and case.reporter_id == user.pk
            workflow.reopen(
                case.pk,
                actor=user if as_account else None,
                version=case.version,
                reason=comment,
                within_days=policy.reopen_days,
                for_anonymous_reporter=not as_account,
            )
    return rating


# --- satisfaction callbacks (回访) ------------------------------------------------------------------


def record_callback(
    case_id: int,
    *,
    actor: Any,
    reached: bool,
    satisfaction: Any = None,
    note: str = "",
    reopen: bool = False,
) -> Callback:
    """回访: an operator called the reporter; the result is recorded (and, if asked, the case reopened)."""
    user = acting_user(actor)
    if user is None or not user.has_role(Role.OPERATOR):
        raise WrongRole(_("Only operators call reporters back."), field="actor")
    case = Case.objects.select_related("category").filter(pk=case_id).first()
    if case is None:
        raise CaseNotFound(field="case", case=case_id)
    if not can_act_at(user, case.grid_code):
        raise AccessDenied(field="location", place=case.grid_code)
    if case.state != CaseState.CLOSED:
        raise InvalidInput(_("Only closed cases are called back."), field="case")
    score = _score(satisfaction, "satisfaction") if satisfaction not in (None, "") else None
    if score is not None and not reached:
        raise InvalidInput(
            _("A satisfaction score needs the reporter to have been reached."), field="satisfaction"
        )
    note = _comment(note, "note")
    policy = get_policy()
    if reopen:
        if not reached or score is None or score >= policy.satisfied_from:
            raise InvalidInput(
                _("A case is reopened only when the reporter was reached and is not satisfied."),
                field="reopen",
            )
        if not note:
            raise InvalidInput(_("Note what the reporter says is still wrong."), field="note")
    now = timezone.now()
    with transaction.atomic():
        callback = Callback.objects.create(
            case=case, operator=user, at=now, reached=bool(reached), satisfaction=score, note=note
        )
        record_event(
            case,
            "called_back",
            actor=user,
            from_state=case.state,
            to_state=case.state,
            note=note,
            payload={"callback": callback.pk, "reached": bool(reached), "satisfaction": score},
            at=now,
        )
        audit_record(
            "portal.callback",
            actor=user,
            target=case,
            payload={"number": case.number, "reached": bool(reached), "satisfaction": score},
        )
        if reopen:
            workflow.reopen(
                case.pk, actor=user, version=case.version, reason=note, within_days=policy.reopen_days
            )
    return callback


# --- publication (公示) ----------------------------------------------------------------------------


def _publisher(actor: Any) -> Any:
    user = acting_user(actor)
    if user is not None and not can_read_internal_details(user):
        raise WrongRole(_("Only staff publish."), field="actor")
    return user


def publish(
    *,
    kind: str,
    title: str,
    body: str,
    source_type: str = "",
    source_id: str = "",
    names: Iterable[str] = (),
    actor: Any = None,
    at: dt.datetime | None = None,
) -> Publication:
    """Publish ``title`` and ``body`` masked (``masking.mask_text`` with ``names``).

    A publication of the same source (e.g. ``("penalty.decision", "17")``) that is still up is
    withdrawn first ("replaced"), so a changed decision never shows twice. ``actor`` is the staff
    member, or None for a system job.
    """
    if kind not in PublicationKind.values:
        raise InvalidInput(_("Unknown kind of publication %(kind)r.") % {"kind": kind}, field="kind")
    user = _publisher(actor)
    names = [n for n in names if n]
    title = mask_text(str(title or "").strip(), names=names)
    body = mask_text(str(body or "").strip(), names=names)
    if not title:
        raise InvalidInput(_("Give a title."), field="title")
    if len(title) > 200:
        raise InvalidInput(_("The title is too long: at most 200 characters."), field="title")
    if len(body) > MAX_PUBLICATION:
        raise InvalidInput(
            _("The text is too long: at most %(limit)s characters.") % {"limit": MAX_PUBLICATION},
            field="body",
        )
    now = at or timezone.now()
    with transaction.atomic():
        if source_type and source_id:
            _withdraw_qs(
                Publication.objects.filter(
                    source_type=source_type, source_id=str(source_id), withdrawn_at__isnull=True
                ),
                reason=str(_("Replaced by a new version.")),
                user=user,
                now=now,
            )
        publication = Publication.objects.create(
            kind=kind,
            title=title,
            body=body,
            source_type=source_type,
            source_id=str(source_id),
            published_at=now,
            published_by=user,
        )
        audit_record(
            "portal.publish",
            actor=user,
            target=publication,
            payload={"kind": kind, "source_type": source_type, "source_id": str(source_id)},
        )
    return publication


def _withdraw_qs(queryset: Any, *, reason: str, user: Any, now: dt.datetime) -> int:
    ids = list(queryset.values_list("pk", flat=True))
    if not ids:
        return 0
    count = Publication.objects.filter(pk__in=ids, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawal_reason=reason, withdrawn_by=user
    )
    for pk in ids:
        audit_record(
            "portal.withdraw", actor=user, target=("portal.publication", str(pk)), payload={"reason": reason}
        )
    return count


def withdraw(publication_id: int, *, reason: str, actor: Any = None) -> Publication:
    """Take a publication down (it stays on record with the time and the reason)."""
    user = _publisher(actor)
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason."), field="reason")
    with transaction.atomic():
        publication = Publication.objects.filter(pk=publication_id).first()
        if publication is None:
            raise InvalidInput(_("There is no such publication."), field="publication")
        if publication.withdrawn_at is not None:
            raise Conflict(_("This publication was already withdrawn."), field="publication")
        _withdraw_qs(
            Publication.objects.filter(pk=publication.pk), reason=reason, user=user, now=timezone.now()
        )
    publication.refresh_from_db()
    return publication


def withdraw_source(source_type: str, source_id: Any, *, reason: str, actor: Any = None) -> int:
    """Withdraw whatever is published of a source (e.g. a penalty decision that was changed); how many."""
    user = _publisher(actor)
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidInput(_("Give a reason."), field="reason")
    with transaction.atomic():
        return _withdraw_qs(
            Publication.objects.filter(
                source_type=source_type, source_id=str(source_id), withdrawn_at__isnull=True
            ),
            reason=reason,
            user=user,
            now=timezone.now(),
        )


def publish_closed_case(case_id: int, *, actor: Any) -> Publication:
    """Publish a closed case (what, where, when, result), masked."""
    case = Case.objects.select_related("category").filter(pk=case_id, state=CaseState.CLOSED).first()
    if case is None:
        raise InvalidInput(_("Only closed cases are published."), field="case")
    title = f"{case.number} {case.category.name_zh}"
    body = "\n".join(p for p in (case.address, case.description) if p)
    return publish(
        kind=PublicationKind.CLOSED_CASE,
        title=title,
        body=body,
        source_type="cases.case",
        source_id=str(case.pk),
        names=[case.reporter_name],
        actor=actor,
    )


# --- photos cleared for the public ----------------------------------------------------------------


def clear_photo(evidence_id: int, *, actor: Any) -> PhotoClearance:
    """A staff member cleared a photo of a case for the public (no faces, plates or personal data)."""
    user = acting_user(actor)
    if user is None or not can_read_internal_details(user):
        raise WrongRole(_("Only staff clear photos for the public."), field="actor")
    evidence = Evidence.objects.filter(pk=evidence_id, owner_type="cases.case").first()
    if evidence is None or evidence.kind != EvidenceKind.PHOTO:
        raise InvalidInput(_("There is no such photo of a case."), field="evidence")
    case = Case.objects.filter(pk=evidence.owner_id).only("grid_code").first()
    if case is None or not (user.is_superuser or can_act_at(user, case.grid_code)):
        raise AccessDenied(field="evidence")
    with transaction.atomic():
        clearance, created = PhotoClearance.objects.get_or_create(
            evidence=evidence, defaults={"cleared_by": user, "cleared_at": timezone.now()}
        )
        if created:
            audit_record("portal.clear_photo", actor=user, target=evidence, payload={"case": case.pk})
    return clearance


# --- vendors --------------------------------------------------------------------------------------


def register_vendor(
    *,
    zone: Any,
    vendor_name: str,
    goods: str,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    stall: str = "",
    vendor_phone: str = "",
    vendor_id_number: str = "",
    actor: Any,
) -> VendorRegistration:
    """Register a vendor to a vending zone (staff of the zone's territory)."""
    from chengguan.geo.models import VendingZone

    user = acting_user(actor)
    if user is None or not can_read_internal_details(user):
        raise WrongRole(_("Only staff register vendors."), field="actor")
    zone_obj = zone if isinstance(zone, VendingZone) else VendingZone.objects.filter(pk=zone).first()
    if zone_obj is None or not zone_obj.is_active:
        raise InvalidInput(_("There is no such open vending zone."), field="zone")
    if not str(vendor_name or "").strip():
        raise InvalidInput(_("Give the vendor's name."), field="vendor_name")
    if not str(goods or "").strip():
        raise InvalidInput(_("Say what the vendor sells."), field="goods")
    if valid_until is not None and valid_until < valid_from:
        raise InvalidInput(_("The end of the registration lies before its start."), field="valid_until")
    stall = str(stall or "").strip()
    with transaction.atomic():
        if stall and VendorRegistration.objects.filter(zone=zone_obj, stall=stall, is_active=True).exists():
            raise Conflict(_("This stall is already taken."), field="stall")
        registration = VendorRegistration.objects.create(
            zone=zone_obj,
            vendor_name=str(vendor_name).strip(),
            vendor_phone=str(vendor_phone or "").strip(),
            vendor_id_number=str(vendor_id_number or "").strip(),
            stall=stall,
            goods=str(goods).strip(),
            valid_from=valid_from,
            valid_until=valid_until,
            registered_by=user,
            registered_at=timezone.now(),
        )
        audit_record(
            "portal.register_vendor", actor=user, target=registration, payload={"zone": zone_obj.code}
        )
    return registration
