"""The forms of the workflow actions on a case page, and the one call each makes to ``cases.workflow``.

Which forms a user sees comes from ``workflow.allowed_actions(case, user)``; the workflow checks
role, territory, state and version again on submission and raises the errors shown on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengguan.cases import workflow
from chengguan.cases.errors import InvalidInput
from chengguan.cases.models import Case, ExtensionStatus, Urgency
from chengguan.catalog.selectors import display_name, get_all_active_categories
from chengguan.org.models import Unit, UnitKind

TEXT = "text"
TEXTAREA = "textarea"
SELECT = "select"
FILES = "files"
NUMBER = "number"
HIDDEN = "hidden"


@dataclass(frozen=True)
class ActionField:
    name: str
    label: Promise | str
    kind: str
    required: bool = False
    help: Promise | str = ""


@dataclass(frozen=True)
class ActionForm:
    action: str
    title: Promise
    button: Promise
    fields: tuple[ActionField, ...] = ()
    danger: bool = False
    primary: bool = False
    order: int = 50


NOTE = ActionField("note", gettext_lazy("Note"), TEXTAREA)
REASON = ActionField("reason", gettext_lazy("Reason"), TEXTAREA, required=True)
PHOTOS = ActionField(
    "files",
    gettext_lazy("Photos"),
    FILES,
    help=gettext_lazy("Take a photo with the camera or choose files (JPEG, PNG, video)."),
)

FORMS: dict[str, ActionForm] = {
    form.action: form
    for form in (
        ActionForm(
            "register",
            gettext_lazy("Register the case"),
            gettext_lazy("Register"),
            (
                ActionField("urgency", gettext_lazy("Urgency"), SELECT),
                ActionField("category", gettext_lazy("Category"), SELECT),
                NOTE,
            ),
            primary=True,
            order=1,
        ),
        ActionForm(
            "dispatch",
            gettext_lazy("Dispatch the case"),
            gettext_lazy("Dispatch"),
            (ActionField("unit", gettext_lazy("Handling unit"), SELECT, required=True), NOTE),
            primary=True,
            order=2,
        ),
        ActionForm("accept", gettext_lazy("Accept the case"), gettext_lazy("Accept"), primary=True, order=3),
        ActionForm(
            "report_back",
            gettext_lazy("Report back"),
            gettext_lazy("Report the work done"),
            (
                ActionField(
                    "files",
                    gettext_lazy("Photos after the work"),
                    FILES,
                    required=True,
                    help=gettext_lazy("At least one photo taken after the work."),
                ),
                NOTE,
            ),
            primary=True,
            order=4,
        ),
        ActionForm(
            "verify",
            gettext_lazy("Verify on site and close"),
            gettext_lazy("Passed: close the case"),
            (PHOTOS, NOTE),
            primary=True,
            order=5,
        ),
        ActionForm(
            "rework",
            gettext_lazy("Send back for rework"),
            gettext_lazy("Not passed: send back"),
            (PHOTOS, ActionField("note", gettext_lazy("What is still wrong"), TEXTAREA, required=True)),
            order=6,
        ),
        ActionForm(
            "merge",
            gettext_lazy("Merge into another case"),
            gettext_lazy("Merge"),
            (
                ActionField(
                    "into",
                    gettext_lazy("Case number or id to merge into"),
                    TEXT,
                    required=True,
                ),
                NOTE,
            ),
            order=10,
        ),
        ActionForm(
            "request_extension",
            gettext_lazy("Ask for an extension"),
            gettext_lazy("Ask for more time"),
            (
                ActionField("working_hours", gettext_lazy("Extra working hours"), NUMBER, required=True),
                REASON,
            ),
            order=11,
        ),
        ActionForm(
            "decide_extension",
            gettext_lazy("Decide on the extension request"),
            gettext_lazy("Decide"),
            (ActionField("decision", gettext_lazy("Decision"), SELECT, required=True), NOTE),
            order=12,
        ),
        ActionForm("urge", gettext_lazy("Urge the unit"), gettext_lazy("Urge"), (NOTE,), order=13),
        ActionForm(
            "return", gettext_lazy("Return to the dispatcher"), gettext_lazy("Return"), (REASON,), order=20
        ),
        ActionForm("suspend", gettext_lazy("Suspend the case"), gettext_lazy("Suspend"), (REASON,), order=21),
        ActionForm("resume", gettext_lazy("Resume the case"), gettext_lazy("Resume"), (NOTE,), order=22),
        ActionForm(
            "transfer",
            gettext_lazy("Transfer to another agency"),
            gettext_lazy("Transfer"),
            (ActionField("agency", gettext_lazy("Agency"), SELECT, required=True), REASON),
            order=23,
        ),
        ActionForm(
            "reject",
            gettext_lazy("Refuse to register"),
            gettext_lazy("Do not register"),
            (REASON,),
            danger=True,
            order=30,
        ),
        ActionForm(
            "cancel",
            gettext_lazy("Cancel the case"),
            gettext_lazy("Cancel case"),
            (REASON,),
            danger=True,
            order=31,
        ),
    )
}


@dataclass
class BoundField:
    field: ActionField
    choices: list[tuple[str, str]] = field(default_factory=list)
    initial: str = ""

    @property
    def name(self) -> str:
        return self.field.name


@dataclass
class BoundForm:
    form: ActionForm
    fields: list[BoundField]
    hidden: dict[str, Any]

    @property
    def action(self) -> str:
        return self.form.action

    @property
    def has_files(self) -> bool:
        return any(f.field.kind == FILES for f in self.fields)


def _dispatch_units() -> list[tuple[str, str]]:
    units = Unit.objects.filter(kind__in=(UnitKind.SQUADRON, UnitKind.DEPARTMENT)).order_by("kind", "code")
    return [(str(u.pk), f"{u.name} ({u.get_kind_display()})") for u in units]


def _agencies() -> list[tuple[str, str]]:
    return [(str(u.pk), u.name) for u in Unit.objects.filter(kind=UnitKind.AGENCY).order_by("code")]


def _categories() -> list[tuple[str, str]]:
    return [(str(c.pk), f"{c.code} {display_name(c)}") for c in get_all_active_categories()]


def bind_forms(case: Case, actions: list[str], *, pending_extension: Any = None) -> list[BoundForm]:
    """The forms of ``actions`` (from ``allowed_actions``) with their choices, most common first."""
    bound = []
    for action in sorted((a for a in actions if a in FORMS), key=lambda a: FORMS[a].order):
        form = FORMS[action]
        fields = []
        for f in form.fields:
            b = BoundField(f)
            if f.name == "urgency":
                b.choices, b.initial = [(str(v), str(label)) for v, label in Urgency.choices], case.urgency
            elif f.name == "category":
                b.choices, b.initial = _categories(), str(case.category_id)
            elif f.name == "unit":
                b.choices = _dispatch_units()
                b.initial = str(case.suggested_unit_id or "")
            elif f.name == "agency":
                b.choices = _agencies()
            elif f.name == "decision":
                b.choices = [("approve", _("Approve")), ("refuse", _("Refuse"))]
            fields.append(b)
        hidden: dict[str, Any] = {"version": case.version}
        if action == "decide_extension" and pending_extension is not None:
            hidden["request"] = pending_extension.pk
        bound.append(BoundForm(form, fields, hidden))
    return bound


# The verify page posts "verify" or "rework" from one form; both are the workflow's ``verify``.
def _version(post: Any) -> int:
    try:
        return int(post.get("version", ""))
    except (TypeError, ValueError):
        raise InvalidInput(_("version must be the case's version number."), field="version") from None


def _into(value: Any) -> int:
    text = str(value or "").strip()
    if not text:
        raise InvalidInput(_("Give the case to merge into."), field="into")
    if text.isdigit() and len(text) < 9:
        return int(text)
    pk = Case.objects.filter(number=text).values_list("pk", flat=True).first()
    if pk is None:
        raise InvalidInput(_("There is no case %(into)s to merge into.") % {"into": text}, field="into")
    return pk


def _unit_or_none(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def perform(action: str, case: Case, user: Any, post: Any, files: list[Any]) -> tuple[Case, Promise | str]:
    """Run one action with the submitted values; the case after it and a message for the page."""
    cid = case.pk
    note = post.get("note", "")
    reason = post.get("reason", "")
    calls: dict[str, Callable[[], Any]] = {
        "register": lambda: workflow.register(
            cid,
            actor=user,
            version=_version(post),
            urgency=post.get("urgency") or None,
            category=post.get("category") or None,
            note=note,
        ),
        "reject": lambda: workflow.reject(cid, actor=user, version=_version(post), reason=reason),
        "merge": lambda: workflow.merge(
            cid, actor=user, version=_version(post), into=_into(post.get("into")), note=note
        ),
        "dispatch": lambda: workflow.dispatch(
            cid, actor=user, version=_version(post), unit=_unit_or_none(post.get("unit")), note=note
        ),
        "accept": lambda: workflow.accept(cid, actor=user, version=_version(post)),
        "return": lambda: workflow.return_case(cid, actor=user, version=_version(post), reason=reason),
        "report_back": lambda: workflow.report_back(
            cid, actor=user, version=_version(post), note=note, files=files
        ),
        "verify": lambda: workflow.verify(
            cid, actor=user, version=_version(post), passed=True, note=note, files=files
        ),
        "rework": lambda: workflow.verify(
            cid, actor=user, version=_version(post), passed=False, note=note, files=files
        ),
        "request_extension": lambda: workflow.request_extension(
            cid, actor=user, version=_version(post), working_hours=post.get("working_hours"), reason=reason
        ),
        "decide_extension": lambda: _decide(case, user, post),
        "suspend": lambda: workflow.suspend(cid, actor=user, version=_version(post), reason=reason),
        "resume": lambda: workflow.resume(cid, actor=user, version=_version(post), note=note),
        "transfer": lambda: workflow.transfer(
            cid, actor=user, version=_version(post), agency=post.get("agency"), reason=reason
        ),
        "cancel": lambda: workflow.cancel(cid, actor=user, version=_version(post), reason=reason),
        "urge": lambda: workflow.urge(cid, actor=user, note=note),
    }
    if action not in calls:
        raise InvalidInput(_("Unknown action."), field="action")
    result = calls[action]()
    updated = result if isinstance(result, Case) else Case.objects.get(pk=cid)
    return updated, DONE_MESSAGES[action]


def _decide(case: Case, user: Any, post: Any) -> Case:
    decision = post.get("decision")
    if decision not in ("approve", "refuse"):
        raise InvalidInput(_("Choose approve or refuse."), field="decision")
    request_id = post.get("request") or (
        case.extensions.filter(status=ExtensionStatus.PENDING).values_list("pk", flat=True).first()
    )
    return workflow.decide_extension(
        request_id, actor=user, approve=decision == "approve", note=post.get("note", "")
    )


DONE_MESSAGES: dict[str, Promise] = {
    "register": gettext_lazy("The case is registered."),
    "reject": gettext_lazy("The report was not registered."),
    "merge": gettext_lazy("The report was merged."),
    "dispatch": gettext_lazy("The case was dispatched."),
    "accept": gettext_lazy("You accepted the case."),
    "return": gettext_lazy("The case was returned to the dispatcher."),
    "report_back": gettext_lazy("The work was reported; the inspector will verify it."),
    "verify": gettext_lazy("Verified: the case is closed."),
    "rework": gettext_lazy("The case was sent back for rework."),
    "request_extension": gettext_lazy("The extension request was sent."),
    "decide_extension": gettext_lazy("The extension request was decided."),
    "suspend": gettext_lazy("The case is suspended."),
    "resume": gettext_lazy("The case is running again."),
    "transfer": gettext_lazy("The case was transferred."),
    "cancel": gettext_lazy("The case was cancelled."),
    "urge": gettext_lazy("The unit was urged."),
}
