"""Context builders: each turns the owning app's data into the context a kind of document needs.

``register(kind, fn, target_type=…)`` records a builder ``fn(target, *, actor) -> dict`` for documents
of ``kind`` about objects of ``target_type`` (``"app_label.model"``); ``build(kind, target, actor=…)``
calls it. The builders of this module cover the ledger (``enforcement``), the penalty procedure
(``penalty``) and seizures (``seizures``); they only read those apps' models.

Documents are Chinese legal texts, so the labels written into a context (the penalty, the method of
service …) are the Chinese terms of the law, not UI strings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext as _

from chengguan.core.errors import InvalidInput, NotFound
from chengguan.documents.models import DocumentKind
from chengguan.documents.text import cn_date, cn_datetime, money

Builder = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class Registration:
    kind: str
    target_type: str
    fn: Builder


_REGISTRY: dict[str, Registration] = {}


def register(kind: str, fn: Builder, *, target_type: str) -> None:
    """Use ``fn(target, *, actor)`` to build the context of documents of ``kind``."""
    if kind not in DocumentKind.values:
        raise ValueError(f"unknown document kind {kind!r}")
    _REGISTRY[kind] = Registration(kind, target_type, fn)


def registration(kind: str) -> Registration | None:
    return _REGISTRY.get(kind)


def resolve_target(kind: str, target_type: str, target_id: Any) -> models.Model:
    """The object a document of ``kind`` is about. Only the builder's target type is accepted."""
    reg = _REGISTRY.get(kind)
    if reg is None:
        raise InvalidInput(_("Unknown kind of document: %(kind)s") % {"kind": kind}, field="kind")
    if target_type != reg.target_type:
        raise InvalidInput(
            _("A %(kind)s is about a %(type)s.") % {"kind": kind, "type": reg.target_type},
            field="target_type",
        )
    text = str(target_id)
    if not text.isdigit() or not 0 < int(text) <= 2**63 - 1:
        raise NotFound(_("No such target."), field="target_id")
    model = apps.get_model(target_type)
    obj = model._default_manager.filter(pk=int(text)).first()
    if obj is None:
        raise NotFound(_("No such target."), field="target_id")
    return obj


def merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` laid over it (objects merged key by key, anything else replaced)."""
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def build(
    kind: str, target: models.Model, *, actor: Any, extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The context of a document of ``kind`` about ``target``, with ``extra`` (the officer's additions,
    e.g. ``reasoning.feeling`` in their own words) laid over it."""
    reg = _REGISTRY.get(kind)
    if reg is None:
        raise InvalidInput(_("Unknown kind of document: %(kind)s") % {"kind": kind}, field="kind")
    context = reg.fn(target, actor=actor)
    if extra:
        if not isinstance(extra, dict):
            raise InvalidInput(_("The context must be an object."), field="context")
        context = merge(context, extra)
    return context


# --- shared pieces ---------------------------------------------------------------------------------------

PARTY_KIND_TEXT = {
    "person": "自然人",
    "individual_business": "个体工商户",
    "company": "单位",
    "vehicle": "机动车",
}


def party_context(party: Any, actor: Any) -> dict[str, Any]:
    from chengguan.enforcement.privacy import mask_party

    data = mask_party(party, actor)
    return {
        "name": data["name"],
        "kind": party.kind,
        "kind_label": PARTY_KIND_TEXT.get(party.kind, party.get_kind_display()),
        "id_number": data["id_number"],
        "credit_code": data["credit_code"],
        "plate": data["plate"],
        "phone": data["phone"],
        "usual_place": data["usual_place"],
    }


def provision_context(provisions: Any) -> list[dict[str, str]]:
    return [
        {
            "code": p.code,
            "law_name": p.law_name,
            "article": p.article,
            "text": p.text,
            "penalty_text": p.penalty_text,
        }
        for p in provisions
        if p.is_active
    ]


def violation_context(violation: Any) -> dict[str, Any]:
    return {
        "id": violation.pk,
        "type_code": violation.violation_type.code,
        "type_name": violation.violation_type.name,
        "occurred_at": cn_datetime(violation.occurred_at),
        "address": violation.address,
        "description": violation.description,
        "grid_code": violation.grid_code,
    }


def officer_context(users: Any) -> list[dict[str, str]]:
    return [{"name": u.name or u.get_username(), "badge": u.badge_number} for u in users]


# --- the ledger ----------------------------------------------------------------------------------------


def build_rectification_order(violation: Any, *, actor: Any) -> dict[str, Any]:
    from chengguan.enforcement.models import Violation
    from chengguan.enforcement.selectors import evidence_by_violation

    earlier = Violation.objects.filter(
        party_id=violation.party_id,
        violation_type_id=violation.violation_type_id,
        occurred_at__lt=violation.occurred_at,
    ).count()
    officers = [violation.officer]
    if violation.chosen_by_id and violation.chosen_by_id != violation.officer_id:
        officers.append(violation.chosen_by)
    return {
        "party": party_context(violation.party, actor),
        "violation": violation_context(violation),
        "provisions": provision_context(violation.violation_type.provisions.all()),
        "deadline": cn_date(violation.rectification_deadline),
        "evidence_count": len(evidence_by_violation([violation]).get(violation.pk, [])),
        "history": {"earlier_count": earlier},
        "officers": officer_context(officers),
    }


def _resolution(violation: Any) -> str:
    parts = [violation.get_status_display()]
    if violation.rectification_deadline:
        parts.append(f"限期{cn_date(violation.rectification_deadline)}前改正")
    for task in violation.reinspections.all():
        if task.result != "pending":
            parts.append(f"复查：{task.get_result_display()}")
    return "；".join(str(p) for p in parts)


def build_party_history(party: Any, *, actor: Any) -> dict[str, Any]:
    from chengguan.enforcement.selectors import evidence_by_violation, get_party_history

    history = list(reversed(get_party_history(party=party)))  # oldest first
    evidence = evidence_by_violation(history)
    provisions: dict[str, Any] = {}
    for v in history:
        for p in v.violation_type.provisions.all():
            provisions.setdefault(p.code, p)
    rows = [
        {
            **violation_context(v),
            "evidence_count": len(evidence.get(v.pk, [])),
            "resolution": _resolution(v),
        }
        for v in history
    ]
    return {
        "party": party_context(party, actor),
        "provisions": provision_context(provisions.values()),
        "history": {
            "count": len(rows),
            "first_at": rows[0]["occurred_at"] if rows else "",
            "last_at": rows[-1]["occurred_at"] if rows else "",
            "rows": rows,
        },
    }


# --- the penalty procedure -------------------------------------------------------------------------------

PENALTY_KIND_TEXT = {
    "warning": "警告",
    "fine": "罚款",
    "confiscation": "罚款并没收违法所得、非法财物",
    "licence": "暂扣、吊销许可证件或者降低资质等级",
    "business": "限制开展生产经营活动、责令停产停业、责令关闭或者限制从业",
    "other": "法律、行政法规规定的其他行政处罚",
}
SERVICE_METHOD_TEXT = {
    "in_person": "直接送达",
    "left_at_domicile": "留置送达",
    "entrusted": "委托送达",
    "post": "邮寄送达",
    "electronic": "电子送达",
    "announcement": "公告送达",
}
SERVED_DOCUMENT_TEXT = {
    "notice": "行政处罚事先告知书",
    "hearing_notice": "听证通知书",
    "decision": "行政处罚决定书",
    "demand": "催告书",
}
SEIZURE_KIND_TEXT = {"seal": "查封", "seize": "扣押"}


def penalty_text(penalty_kind: str, fine: Any, confiscation: Any) -> str:
    label = PENALTY_KIND_TEXT.get(penalty_kind, penalty_kind)
    parts = [label]
    if fine:
        parts.append(f"罚款人民币{money(fine)}元")
    if confiscation:
        parts.append(f"没收违法所得、非法财物（价值人民币{money(confiscation)}元）")
    if penalty_kind in ("fine", "confiscation") and len(parts) > 1:
        parts = parts[1:]
    return "，".join(parts)


def proceeding_context(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "number": p.number,
        "procedure": p.procedure,
        "opened_on": cn_date(p.opened_on),
        "notice_served_on": cn_date(p.notice_served_on),
        "served_on": cn_date(p.served_on),
        "payment_due": cn_date(p.payment_due),
        "demand_served_on": cn_date(p.demand_served_on),
    }


def _penalty_base(p: Any, actor: Any) -> dict[str, Any]:
    return {
        "party": party_context(p.party, actor),
        "violation": violation_context(p.violation),
        "proceeding": proceeding_context(p),
        "officers": officer_context(p.officers.all()),
    }


def _decision_context(decision: Any) -> dict[str, Any]:
    return {
        "number": decision.number,
        "decided_on": cn_date(decision.decided_at),
        "penalty_text": penalty_text(decision.penalty_kind, decision.fine, decision.confiscation),
        "fine": money(decision.fine),
    }


def _required(value: Any, message: str, field: str) -> Any:
    if value is None:
        raise InvalidInput(message, field=field)
    return value


def build_penalty_notice(p: Any, *, actor: Any) -> dict[str, Any]:
    notice = _required(
        p.current_notice(), _("No notice of intended penalty has been issued yet."), "target_id"
    )
    return {
        **_penalty_base(p, actor),
        "facts": notice.facts,
        "reasons": notice.reasons,
        "legal_basis": notice.legal_basis,
        "provisions": provision_context(notice.provisions.all()),
        "penalty": {
            "kind": notice.penalty_kind,
            "text": penalty_text(notice.penalty_kind, notice.fine, notice.confiscation),
            "fine_amount": money(notice.fine),
            "benchmark_fine": money(notice.benchmark_fine),
            "departure_reason": notice.departure_reason,
        },
        "hearing_right": notice.hearing_right,
        "rights_text": notice.rights_text,
    }


def build_hearing_notice(p: Any, *, actor: Any) -> dict[str, Any]:
    hearing = p.hearings.exclude(scheduled_for=None).order_by("-scheduled_for", "-pk").first()
    hearing = _required(hearing, _("No hearing has been scheduled yet."), "target_id")
    notice = p.current_notice()
    return {
        **_penalty_base(p, actor),
        "notice_issued_on": cn_date(notice.issued_at) if notice else "",
        "hearing": {
            "requested_on": cn_date(hearing.requested_on),
            "scheduled_for": cn_datetime(hearing.scheduled_for),
            "place": hearing.place,
            "host": (hearing.host.name or hearing.host.get_username()) if hearing.host else "",
            "public": hearing.public,
        },
    }


def build_penalty_decision(p: Any, *, actor: Any) -> dict[str, Any]:
    decision = _required(p.current_decision(), _("No decision has been made yet."), "target_id")
    statements = "；".join(
        s.content for s in p.statements.filter(kind="statement").order_by("received_on", "pk") if s.content
    )
    notice = p.current_notice()
    return {
        **_penalty_base(p, actor),
        "facts": decision.facts,
        "reasons": decision.reasons,
        "legal_basis": decision.legal_basis,
        "provisions": provision_context(notice.provisions.all()) if notice else [],
        "statements": statements,
        "decision": _decision_context(decision),
        "penalty": {
            "kind": decision.penalty_kind,
            "text": penalty_text(decision.penalty_kind, decision.fine, decision.confiscation),
            "fine_amount": money(decision.fine),
            "benchmark_fine": money(decision.benchmark_fine),
            "departure_reason": decision.departure_reason,
        },
    }


def build_demand_notice(p: Any, *, actor: Any) -> dict[str, Any]:
    demand = _required(
        p.demands.order_by("-issued_at", "-pk").first(), _("No demand notice yet."), "target_id"
    )
    decision = _required(p.current_decision(), _("No decision has been made yet."), "target_id")
    return {
        **_penalty_base(p, actor),
        "decision": _decision_context(decision),
        "demand": {
            "fine_due": money(demand.fine_due),
            "surcharge_due": money(demand.surcharge_due),
            "performance_days": demand.performance_days,
            "how_to_pay": demand.how_to_pay,
            "rights_text": demand.rights_text,
            "issued_on": cn_date(demand.issued_at),
        },
    }


def build_court_application(p: Any, *, actor: Any) -> dict[str, Any]:
    application = _required(
        p.court_applications.order_by("-applied_on", "-pk").first(),
        _("No court enforcement application has been recorded yet."),
        "target_id",
    )
    decision = _required(p.current_decision(), _("No decision has been made yet."), "target_id")
    return {
        **_penalty_base(p, actor),
        "decision": _decision_context(decision),
        "court": {"name": application.court},
        "application": {
            "applied_on": cn_date(application.applied_on),
            "fine_due": money(application.fine_due),
            "surcharge_due": money(application.surcharge_due),
            "note": application.note,
        },
    }


def build_service_proof(service: Any, *, actor: Any) -> dict[str, Any]:
    p = service.proceeding
    served = {"decision": p.current_decision()}
    document = served.get(service.document)
    return {
        **_penalty_base(p, actor),
        "service": {
            "document": service.document,
            "document_label": SERVED_DOCUMENT_TEXT.get(service.document, service.get_document_display()),
            "document_number": document.number if document else "",
            "method": service.method,
            "method_label": SERVICE_METHOD_TEXT.get(service.method, service.get_method_display()),
            "served_on": cn_date(service.served_on),
            "recipient": service.recipient,
            "address": service.address,
            "witness": service.witness,
            "note": service.note,
            "recorded_by": service.recorded_by.name or service.recorded_by.get_username(),
        },
    }


# --- seizures --------------------------------------------------------------------------------------------


def build_seizure_decision(seizure: Any, *, actor: Any) -> dict[str, Any]:
    kind_label = SEIZURE_KIND_TEXT.get(seizure.kind, seizure.get_kind_display())
    return {
        "party": party_context(seizure.party, actor),
        "violation": violation_context(seizure.violation),
        "officers": officer_context(seizure.officers.all()),
        "seizure": {
            "number": seizure.number,
            "kind": seizure.kind,
            "kind_label": kind_label,
            "reason": seizure.reason,
            "legal_basis": seizure.legal_basis,
            "storage_place": seizure.storage_place,
            "term_days": seizure.term_days,
            "extension_days": seizure.extension_days,
            "start_date": cn_date(seizure.start_date),
            "decided_at": cn_datetime(seizure.decided_at),
            "return_after_penalty": seizure.return_after_penalty,
        },
        "items": [
            {"name": i.name, "quantity": money(i.quantity), "unit": i.unit, "condition": i.condition}
            for i in seizure.items.all()
        ],
        "copies": [
            {
                "holder": c.holder,
                "label": "当事人联" if c.holder == "party" else "存档联",
                "signed_by": c.signed_by,
                "refused": c.refused,
                "witness": c.witness,
            }
            for c in seizure.copies.order_by("holder")
        ],
    }


register(DocumentKind.RECTIFICATION_ORDER, build_rectification_order, target_type="enforcement.violation")
register(DocumentKind.PARTY_HISTORY, build_party_history, target_type="enforcement.party")
register(DocumentKind.PENALTY_NOTICE, build_penalty_notice, target_type="penalty.proceeding")
register(DocumentKind.HEARING_NOTICE, build_hearing_notice, target_type="penalty.proceeding")
register(DocumentKind.PENALTY_DECISION, build_penalty_decision, target_type="penalty.proceeding")
register(DocumentKind.DEMAND_NOTICE, build_demand_notice, target_type="penalty.proceeding")
register(DocumentKind.COURT_APPLICATION, build_court_application, target_type="penalty.proceeding")
register(DocumentKind.SERVICE_PROOF, build_service_proof, target_type="penalty.service")
register(DocumentKind.SEIZURE_DECISION, build_seizure_decision, target_type="seizures.seizure")
