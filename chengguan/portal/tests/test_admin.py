"""The portal's admin pages open for administrators; petitions are acknowledged with an action."""

from __future__ import annotations

from typing import Any

import pytest

from chengguan.core.testing import TinyCity
from chengguan.portal import workflow as petitions
from chengguan.portal.models import Petition, PetitionState, Publication

pytestmark = pytest.mark.django_db

MODELS = [
    "portalpolicy",
    "petition",
    "publication",
    "vendorregistration",
    "photoclearance",
    "rating",
    "callback",
]


@pytest.mark.parametrize("model", MODELS)
def test_the_changelist_opens(admin_client: Any, model: str) -> None:
    assert admin_client.get(f"/en/admin/portal/{model}/").status_code == 200


def test_a_publication_added_in_the_admin_is_masked(admin_client: Any, tiny_city: TinyCity) -> None:
    response = admin_client.post(
        "/en/admin/portal/publication/add/",
        {
            "kind": "notice",
            "title": "通知",
            "body": "联系人：张三，电话 13812345678",
            "source_type": "",
            "source_id": "",
        },
    )
    assert response.status_code == 302
    item = Publication.objects.get()
    assert "13812345678" not in item.body and "张三" not in item.body


def test_petitions_are_acknowledged_with_an_admin_action(admin_client: Any, tiny_city: TinyCity) -> None:
    petition = petitions.submit_petition(
        actor=None,
        kind="petition",
        subject="s",
        body="b",
        petitioner_name="王五",
        petitioner_phone="13900002222",
    ).petition
    response = admin_client.post(
        "/en/admin/portal/petition/", {"action": "acknowledge", "_selected_action": [petition.pk]}
    )
    assert response.status_code == 302
    assert Petition.objects.get().state == PetitionState.ACKNOWLEDGED
