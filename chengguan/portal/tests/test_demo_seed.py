"""The portal part of the demo city is written once and gives every public page something to show."""

from __future__ import annotations

import pytest

from chengguan.core.testing import TinyCity
from chengguan.portal.demo import seed_demo
from chengguan.portal.models import Petition, Publication, VendorRegistration
from chengguan.portal.tests.conftest import close, portal_report

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent(tiny_city: TinyCity) -> None:
    close(tiny_city, portal_report().case)
    first = seed_demo()
    second = seed_demo()
    assert (first.publications, first.vendors, first.petitions) == (2, 2, 1)
    assert (second.publications, second.vendors, second.petitions) == (0, 0, 0)
    assert Publication.objects.count() == 2
    assert VendorRegistration.objects.filter(zone=tiny_city.zone).count() == 2
    assert Petition.objects.get().state == "answered"
