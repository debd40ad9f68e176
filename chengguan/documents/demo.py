"""The documents part of the demo city: the templates and series from ``templates_seed/``, the
bureau (named by ``CHENGGUAN_BUREAU_NAME``), and the printed history of the first party in the ledger.

``seed_demo()`` is idempotent: templates that exist are kept, and the history bundle is issued only
while no document has been issued yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from chengguan.documents import builders, services
from chengguan.documents.loading import LoadReport, load_templates
from chengguan.documents.models import DEFAULT_BUREAU_NAME, Bureau, DocumentKind, IssuedDocument


@dataclass
class DemoReport:
    templates: LoadReport
    issued: list[str]


def seed_demo() -> DemoReport:
    report = DemoReport(load_templates(), [])
    if not Bureau.objects.exists():
        Bureau.objects.create(name=getattr(settings, "CHENGGUAN_BUREAU_NAME", "") or DEFAULT_BUREAU_NAME)
    if IssuedDocument.objects.exists():
        return report
    from chengguan.enforcement.models import Violation

    violation = (
        Violation.objects.select_related("party", "officer")
        .exclude(officer__badge_number="")
        .order_by("occurred_at", "pk")
        .first()
    )
    if violation is None:
        return report
    party, officer = violation.party, violation.officer
    context = builders.build(DocumentKind.PARTY_HISTORY, party, actor=officer)
    doc = services.issue(DocumentKind.PARTY_HISTORY, target=party, context=context, actor=officer)
    report.issued.append(doc.number)
    return report
