"""Intake (信息收集): a report from an inspector, a citizen, a hotline operator or a camera becomes a case.

``submit_report`` validates the input, locates the point (grid, community, street, district, beat,
squadron, officer), suggests the handling unit by the category's attribution rule, numbers the case
per city-local day, starts the registration clock and stores the evidence, all in one transaction.
Retries with the same (client, idempotency key) get the stored case back.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.audit.services import AuditItem, record_many
from chengguan.cases import writer
from chengguan.cases.access import acting_user
from chengguan.cases.deadlines import start_step
from chengguan.cases.duplicates import find_duplicates
from chengguan.cases.errors import Conflict, InvalidInput, WrongRole
from chengguan.cases.events import new_event, snapshot
from chengguan.cases.group_commit import GroupCommitter
from chengguan.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseState,
    IdempotentSubmission,
    Source,
    Urgency,
)
from chengguan.catalog.models import AttributionRule, Category, Step
from chengguan.core.bulk import insert_many
from chengguan.core.clock import to_city
from chengguan.core.dblock import sqlite_write_lock
from chengguan.core.errors import BadCoordinates
from chengguan.core.memo import ConfigMemo
from chengguan.evidence.services import StagedFile, stage_evidence_file, store_evidence
from chengguan.geo.locate import Location, locate
from chengguan.geo.models import Grid
from chengguan.org.models import Unit, UnitKind
from chengguan.org.roles import Role

logger = logging.getLogger(__name__)

CASE_OWNER_TYPE = "cases.case"
MAX_DESCRIPTION = 4000
MAX_FILES = 20
# A report may say it happened a little in the future of our clock (phones' clocks drift).
CLOCK_SKEW = dt.timedelta(minutes=5)
PHONE_RE = re.compile(r"^[0-9+()\- ]{3,32}$")

# Who may submit a report from each source (None: an anonymous visitor or a machine).
SOURCE_ROLES: dict[str, frozenset[str]] = {
    Source.INSPECTOR: frozenset({Role.INSPECTOR}),
    Source.CITIZEN: frozenset({Role.CITIZEN}),
    Source.HOTLINE: frozenset({Role.OPERATOR}),
    Source.CAMERA: frozenset(),
    Source.SUPERIOR: frozenset({Role.LEADER, Role.DISPATCHER, Role.ADMIN}),
}
ANONYMOUS_SOURCES = frozenset({Source.CITIZEN, Source.CAMERA})
SOURCE_VALUES = frozenset(Source.values)
URGENCY_VALUES = frozenset(Urgency.values)

# The configuration every report reads: categories, the units that own a specialty or a squadron,
# the inspector of each grid (see ``core.memo``: edits are seen at once here, within seconds elsewhere).
_config = ConfigMemo("cases.intake", [Category, Unit, Grid])


@dataclass(frozen=True)
class IntakeResult:
    case: Case
    created: bool
    duplicates: list[Case] = field(default_factory=list)


def _user_or_none(actor: Any) -> Any:
    return acting_user(actor)


def check_source(actor: Any, source: Any) -> str:
    """The source as a ``Source`` value, if ``actor`` may report from it."""
    if source not in SOURCE_VALUES:
        raise InvalidInput(
            _("Unknown source %(value)r; expected one of %(choices)s.")
            % {"value": source, "choices": ", ".join(Source.values)},
            field="source",
        )
    user = _user_or_none(actor)
    if user is None:
        if source in ANONYMOUS_SOURCES:
            return str(source)
        raise WrongRole(_("Sign in to submit this kind of report."), field="source")
    if user.is_active and user.has_role(*SOURCE_ROLES[source]):
        return str(source)
    raise WrongRole(
        _("Your role may not submit reports from the source %(source)s.") % {"source": source},
        field="source",
    )


def resolve_category(value: Any) -> Category:
    """A ``Category`` from an instance, a primary key or ``"kind:code"`` (e.g. ``"component:0102"``)."""
    category: Category | None = None
    if isinstance(value, Category):
        category = value
    elif isinstance(value, str) and ":" in value:
        kind, _sep, code = value.partition(":")
        kind, code = kind.strip(), code.strip()
        category = _config.get(
            ("category", kind, code), lambda: Category.objects.filter(kind=kind, code=code).first()
        )
    elif not isinstance(value, bool):
        try:
            pk = int(value)
        except (TypeError, ValueError):
            pk = None
        if pk is not None:
            category = _config.get(("category", pk), lambda: Category.objects.filter(pk=pk).first())
    if category is None:
        raise InvalidInput(_("Unknown category %(value)r.") % {"value": value}, field="category")
    if not category.is_active:
        raise InvalidInput(
            _("The category %(category)s is no longer in use.") % {"category": category}, field="category"
        )
    return category


def check_urgency(value: Any) -> str:
    if value not in URGENCY_VALUES:
        raise InvalidInput(
            _("Unknown urgency %(value)r; expected normal or urgent.") % {"value": value}, field="urgency"
        )
    return str(value)


def _text(value: Any, name: str, limit: int) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        raise InvalidInput(
            _("%(field)s is too long: at most %(limit)s characters.") % {"field": name, "limit": limit},
            field=name,
        )
    return text


def _check_contact(name: str, phone: str, email: str) -> tuple[str, str, str]:
    name = _text(name, "reporter_name", 64)
    phone = _text(phone, "reporter_phone", 32)
    email = _text(email, "reporter_email", 254)
    if phone and not PHONE_RE.match(phone):
        raise InvalidInput(_("reporter_phone is not a phone number."), field="reporter_phone")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidInput(
                _("reporter_email is not an e-mail address."), field="reporter_email"
            ) from None
    return name, phone, email


def _check_reported_at(value: Any, now: dt.datetime) -> dt.datetime:
    if value is None:
        return now
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise InvalidInput(_("reported_at must be an aware date and time."), field="reported_at")
    if value > now + CLOCK_SKEW:
        raise InvalidInput(_("reported_at lies in the future."), field="reported_at")
    return value


def locate_report(lon: Any, lat: Any, crs: str) -> Location:
    """``geo.locate`` with bad numbers reported as ``InvalidInput`` (``OutsideCity`` passes through)."""
    try:
        return locate(lon, lat, crs=crs)
    except BadCoordinates as exc:
        raise InvalidInput(exc.message, field=exc.field or "lon") from None


def permitted_zone_code(category: Category, location: Location, at: dt.datetime) -> str:
    """The code of the vending zone that permits a vending report here and then, or ``""``."""
    from chengguan.portal.vending import permitting_zone  # the portal owns the vending rules

    zone = permitting_zone(category, location, at)
    return zone.code if zone is not None else ""


def suggest_unit(category: Category, location: Location) -> Unit | None:
    """The unit a case should go to: components to their owner (the department of the category's
    specialty, citywide), then the territory; events to the territory's squadron, then the owner."""

    def owner() -> Unit | None:
        specialty = category.handling_specialty
        if not specialty:
            return None
        return _config.get(
            ("owner", specialty),
            lambda: (
                Unit.objects.filter(kind=UnitKind.DEPARTMENT, specialty=specialty).order_by("code").first()
            ),
        )

    def territory() -> Unit | None:
        if location.squadron is None:
            return None
        code = location.squadron.code
        return _config.get(
            ("squadron", code), lambda: Unit.objects.filter(kind=UnitKind.SQUADRON, code=code).first()
        )

    if category.attribution_rule == AttributionRule.OWNER_FIRST:
        return owner() or territory()
    return territory() or owner()


def grid_inspector_id(grid_code: str) -> int | None:
    """The id of the inspector who patrols the grid (who verifies its cases), or None."""
    inspectors: dict[str, int | None] = _config.get(
        "grid-inspectors", lambda: dict(Grid.objects.values_list("code", "inspector"))
    )
    return inspectors.get(grid_code)


def next_case_number(at: dt.datetime) -> str:
    """The next case number of the city-local day of ``at``, e.g. ``20261122-00017``."""
    return next_case_numbers(at, 1)[0]


def next_case_numbers(at: dt.datetime, count: int) -> list[str]:
    """The next ``count`` case numbers of the city-local day of ``at``, in order.

    The counter row moves by compare-and-set, so two intakes at once never share a number.
    """
    day = to_city(at).date()
    if connection.features.can_return_rows_from_bulk_insert:  # UPDATE … RETURNING (SQLite 3.35+, PostgreSQL)
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {q(CaseCounter._meta.db_table)} SET {q('last')} = {q('last')} + %s "
                f"WHERE {q('day')} = %s RETURNING {q('last')}",
                [count, connection.ops.adapt_datefield_value(day)],
            )
            row = cursor.fetchone()
        if row is not None:  # else the day's first report: the counter row is created below
            following = int(row[0])
            return [f"{day:%Y%m%d}-{n:05d}" for n in range(following - count + 1, following + 1)]
    for _attempt in range(100):
        counter, _created = CaseCounter.objects.get_or_create(day=day)
        following = counter.last + count
        if CaseCounter.objects.filter(day=day, last=counter.last).update(last=following):
            return [f"{day:%Y%m%d}-{n:05d}" for n in range(counter.last + 1, following + 1)]
    raise Conflict(_("Could not number the case; try again."), field="number")


def stage_files(files: Iterable[Any]) -> list[StagedFile]:
    """Check and store the uploads before the transaction (slow storage I/O stays outside it)."""
    uploads = list(files or ())
    if len(uploads) > MAX_FILES:
        raise InvalidInput(_("At most %(n)s files per step.") % {"n": MAX_FILES}, field="files")
    return [stage_evidence_file(upload) for upload in uploads]


def attach_evidence(case: Case, staged: list[StagedFile], *, actor: Any, at: dt.datetime | None) -> list[int]:
    """Store staged files as evidence of ``case`` (inside the caller's transaction); their ids."""
    return [
        store_evidence(
            item,
            owner_type=CASE_OWNER_TYPE,
            owner_id=str(case.pk),
            uploaded_by=_user_or_none(actor),
            expected_time=at,
            expected_lon=case.lon,
            expected_lat=case.lat,
        ).pk
        for item in staged
    ]


def _replay(client: str, key: str) -> IntakeResult | None:
    stored = IdempotentSubmission.objects.filter(client=client, key=key).select_related("case").first()
    if stored is None:
        return None
    return IntakeResult(stored.case, False, find_duplicates(stored.case))


@dataclass
class PreparedReport:
    """A checked, located report ready to store: everything ``submit_report`` does before its
    transaction. ``store_reports`` writes a batch of them in one transaction."""

    user: Any
    source: str
    client: str
    key: str
    category: Category
    urgency: str
    description: str
    address: str
    reporter_name: str
    reporter_phone: str
    reporter_email: str
    received_at: dt.datetime
    reported_at: dt.datetime
    location: Location
    staged: list[StagedFile]
    suggested: Unit | None
    verifier_id: int | None
    deadlines: dict[str, Any]
    replay: IntakeResult | None = None
    permitted_zone_code: str = ""


def prepare_report(
    *,
    actor: Any,
    source: str,
    category: Any,
    lon: Any,
    lat: Any,
    crs: str = "wgs84",
    description: str = "",
    address: str = "",
    urgency: str = Urgency.NORMAL,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    files: Iterable[Any] = (),
    client: str = "",
    idempotency_key: str = "",
    reported_at: dt.datetime | None = None,
) -> PreparedReport:
    """Check and locate a report, stage its files and compute its registration deadline (no writes
    to the database). A retry of a stored (client, key) comes back with ``replay`` set."""
    user = _user_or_none(actor)
    source = check_source(user, source)
    key = _text(idempotency_key, "idempotency_key", 100)
    client = _text(client, "client", 100)
    if key and not client:
        client = f"user:{user.pk}" if user is not None else "anonymous"
    category_obj = resolve_category(category)
    urgency = check_urgency(urgency)
    description = _text(description, "description", MAX_DESCRIPTION)
    address = _text(address, "address", 200)
    name, phone, email = _check_contact(reporter_name, reporter_phone, reporter_email)
    now = timezone.now()
    reported_at = _check_reported_at(reported_at, now)
    location = locate_report(lon, lat, crs)
    prepared = PreparedReport(
        user=user,
        source=source,
        client=client,
        key=key,
        category=category_obj,
        urgency=urgency,
        description=description,
        address=address,
        reporter_name=name,
        reporter_phone=phone,
        reporter_email=email,
        received_at=now,
        reported_at=reported_at,
        location=location,
        staged=[],
        suggested=None,
        verifier_id=None,
        deadlines={},
    )
    if key:
        prepared.replay = _replay(client, key)
        if prepared.replay is not None:
            return prepared
    prepared.staged = stage_files(files)
    prepared.suggested = suggest_unit(category_obj, location)
    prepared.permitted_zone_code = permitted_zone_code(category_obj, location, reported_at)
    prepared.verifier_id = grid_inspector_id(location.grid_code)
    prepared.deadlines = start_step(None, Step.REGISTER, now, category=category_obj, urgency=urgency)
    return prepared


def _new_case(prepared: PreparedReport, number: str) -> Case:
    location, source = prepared.location, prepared.source
    case = Case(
        number=number,
        state=CaseState.REPORTED,
        category=prepared.category,
        urgency=prepared.urgency,
        description=prepared.description,
        source=source,
        lon=location.lon,
        lat=location.lat,
        address=prepared.address,
        grid_code=location.grid_code,
        community_code=location.community.code,
        street_code=location.street.code if location.street else "",
        district_code=location.district.code if location.district else "",
        beat_code=location.beat.code if location.beat else "",
        permitted_zone_code=prepared.permitted_zone_code,
        reporter=prepared.user if source in (Source.INSPECTOR, Source.CITIZEN, Source.SUPERIOR) else None,
        reporter_name=prepared.reporter_name,
        reporter_phone=prepared.reporter_phone,
        reporter_email=prepared.reporter_email,
        suggested_unit=prepared.suggested,
        officer_id=location.officer.id if location.officer else None,
        verifier_id=prepared.verifier_id,
        reported_at=prepared.reported_at,
    )
    for name, value in prepared.deadlines.items():
        setattr(case, name, value)
    return case


def store_reports(batch: Sequence[PreparedReport]) -> list[Case]:
    """Store prepared reports as new cases in ONE transaction: numbers, cases, evidence,
    idempotency records, the timeline's first events and the audit entries, all or none.

    Many reports arriving together share the transaction (group commit, see ``group_commit``);
    a lone report is a batch of one. Raises ``IntegrityError`` when a (client, key) is stored at
    the same moment by somebody else (nothing of the batch is written).
    """
    if not batch:
        return []
    now = max(p.received_at for p in batch)
    with transaction.atomic():
        numbers = next_case_numbers(now, len(batch))
        cases = insert_many([_new_case(p, n) for p, n in zip(batch, numbers, strict=True)])
        events: list[CaseEvent] = []
        audits: list[AuditItem] = []
        submissions: list[IdempotentSubmission] = []
        for prepared, case in zip(batch, cases, strict=True):
            evidence_ids = attach_evidence(
                case, prepared.staged, actor=prepared.user, at=prepared.reported_at
            )
            if prepared.key:
                submissions.append(
                    IdempotentSubmission(
                        client=prepared.client, key=prepared.key, case=case, created_at=prepared.received_at
                    )
                )
            payload = {
                "source": prepared.source,
                "client": prepared.client,
                "evidence": evidence_ids,
                "new": snapshot(case, ("state", "category", "urgency", "suggested_unit", "register_due")),
                "location": prepared.location.to_dict(),
            }
            events.append(
                new_event(
                    case,
                    "reported",
                    actor=prepared.user,
                    to_state=CaseState.REPORTED,
                    note=prepared.description,
                    payload=payload,
                    public=True,
                    at=prepared.received_at,
                )
            )
            audits.append(AuditItem("case.report", prepared.user, case, {"number": case.number, **payload}))
        insert_many(submissions)
        insert_many(events)
        record_many(audits)
    return cases


def store_report(prepared: PreparedReport) -> Case:
    """Store one prepared report; a (client, key) stored at the same moment is a ``Conflict``."""
    try:
        return store_reports([prepared])[0]
    except IntegrityError:
        if (
            prepared.key
            and IdempotentSubmission.objects.filter(client=prepared.client, key=prepared.key).exists()
        ):
            raise Conflict(  # lazy: the intake writer raises it, the worker translates it
                gettext_lazy("This submission is already being stored; retry to get its result."),
                field="idempotency_key",
            ) from None
        raise


_committer = GroupCommitter(store_reports, store_report, serialize=sqlite_write_lock)


def _commit(prepared: PreparedReport) -> Case:
    """Store through the intake writer when one is configured and running, else in this process."""
    remote = writer.client()
    if remote is not None:
        try:
            return remote.submit(prepared)
        except writer.WriterUnavailable as exc:
            _warn_once(f"intake writer at {remote.path} not reachable ({exc}); storing in the worker")
    return _committer.submit(prepared)


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        logger.warning(message)


def submit_report(*, with_duplicates: bool = True, **report: Any) -> IntakeResult:
    """Turn a report into a case (state ``reported``); see the module docstring and
    ``prepare_report`` for the arguments. Reports arriving at the same moment share a transaction
    (``group_commit``); the call returns once the report's transaction has committed.
    ``with_duplicates=False`` skips the search for possible duplicates (the case's detail shows them).

    Raises ``InvalidInput`` naming the field, ``AccessDenied`` for a role that may not report from
    ``source``, ``OutsideCity`` for a point no grid covers (nothing is written), and ``Conflict`` when
    a submission with the same (client, key) is being stored at the same moment.
    """
    prepared = prepare_report(**report)
    if prepared.replay is not None:
        return prepared.replay
    case = _commit(prepared)
    return IntakeResult(case, True, find_duplicates(case) if with_duplicates else [])
