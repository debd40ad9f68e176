"""The audit log in the admin: administrators and leaders read it; nobody writes it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chengguan.audit.models import AuditEntry
from chengguan.audit.services import record
from chengguan.core.testing import TinyCity
from chengguan.org.models import User

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:audit_auditentry_changelist"


@pytest.fixture
def entries(tiny_city: TinyCity) -> list[AuditEntry]:
    officer, dispatcher = tiny_city.users["officer"], tiny_city.users["dispatcher"]
    return [
        record("case.registered", actor=dispatcher, target=("cases.case", 101), payload={}),
        record("case.dispatched", actor=dispatcher, target=("cases.case", 101), payload={"to": "CG-SQ1"}),
        record("case.handled", actor=officer, target=("cases.case", 102), payload={}),
    ]


def _listed(response) -> list[int]:
    return [e.seq for e in response.context["cl"].result_list]


@pytest.mark.parametrize("username", ["admin", "leader"])
def test_administrators_and_leaders_see_the_log(client, tiny_city: TinyCity, entries, username: str) -> None:
    client.force_login(tiny_city.users[username])

    response = client.get(reverse(CHANGELIST))

    assert response.status_code == 200
    assert _listed(response) == [3, 2, 1]


def test_a_dispatcher_does_not_see_the_log(client, tiny_city: TinyCity, entries) -> None:
    client.force_login(tiny_city.users["dispatcher"])

    assert client.get(reverse(CHANGELIST)).status_code == 403


def test_it_filters_by_action_actor_and_searches_by_target_id(
    admin_client, tiny_city: TinyCity, entries
) -> None:
    url = reverse(CHANGELIST)

    assert _listed(admin_client.get(url, {"action": "case.dispatched"})) == [2]
    assert _listed(admin_client.get(url, {"actor__id__exact": tiny_city.users["officer"].pk})) == [3]
    assert _listed(admin_client.get(url, {"q": "101"})) == [2, 1]
    assert (
        _listed(
            admin_client.get(
                url, {"at__gte": "2000-01-01 00:00:00+00:00", "at__lt": "2000-01-02 00:00:00+00:00"}
            )
        )
        == []
    )


def test_even_a_superuser_cannot_add_change_or_delete(client, entries) -> None:
    root = User.objects.create_superuser("root", password="pw-root")
    client.force_login(root)
    entry = entries[0]

    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    detail = client.get(reverse("admin:audit_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.content.decode()
    changed = client.post(
        reverse("admin:audit_auditentry_change", args=[entry.pk]), {"action": "forged", "payload": "{}"}
    )
    assert changed.status_code == 403
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert AuditEntry.objects.get(pk=entry.pk).action == "case.registered"
