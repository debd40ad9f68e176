"""The demo hook: templates, the bureau and one printed party history, idempotently."""

from __future__ import annotations

from chengguan.documents.demo import seed_demo
from chengguan.documents.models import Bureau, DocumentTemplate, IssuedDocument


def test_seed_demo_loads_templates_names_the_bureau_and_prints_one_history(city, violation) -> None:
    first = seed_demo()
    second = seed_demo()

    assert len(first.templates.created) == DocumentTemplate.objects.count() == 9
    assert Bureau.objects.get().name == "宁波市综合行政执法局"
    assert len(first.issued) == 1 and second.issued == []
    doc = IssuedDocument.objects.get()
    assert (doc.kind, doc.party_name) == ("party_history", "刘建国")
