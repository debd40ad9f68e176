"""Pages of the enforcement app: the printable evidence bundle of a party (台账证据汇编)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from chengguan.audit.services import record as audit
from chengguan.core.clock import city_now
from chengguan.core.errors import ChengguanError
from chengguan.enforcement import access, selectors
from chengguan.enforcement.privacy import mask_party


def party_bundle(request: HttpRequest, pk: str) -> HttpResponse:
    """Every violation of a party with its time, place, category, legal basis, evidence and resolution,
    laid out for printing. Identifiers are masked unless the viewer is authorised."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        party = access.access_party(request.user, pk)
    except ChengguanError as exc:
        return HttpResponse(
            str(exc.message), status=exc.http_status, content_type="text/plain; charset=utf-8"
        )
    history = selectors.get_party_history(party=party)
    evidence = selectors.evidence_by_violation(history)
    provisions = {v.pk: list(v.violation_type.provisions.filter(is_active=True)) for v in history}
    rows: list[dict[str, Any]] = [
        {
            "violation": v,
            "provisions": provisions[v.pk],
            "evidence": [
                {
                    "ref": e,
                    "url": reverse("enforcement:violation-evidence-file", args=[v.pk, e.id]),
                }
                for e in evidence.get(v.pk, [])
            ],
            "reinspections": list(v.reinspections.all()),
        }
        for v in reversed(history)  # oldest first: the story in the order it happened
    ]
    audit(
        "enforcement.bundle_printed", actor=request.user, target=party, payload={"violations": len(history)}
    )
    return render(
        request,
        "enforcement/party_bundle.html",
        {
            "party": mask_party(party, request.user),
            "party_kind": party.get_kind_display(),
            "rows": rows,
            "printed_at": city_now(),
            "printed_by": request.user,
            "title": _("Evidence bundle of %(name)s") % {"name": mask_party(party, request.user)["name"]},
        },
    )
