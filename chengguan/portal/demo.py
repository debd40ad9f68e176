"""The citizen side of the demo city: the policy row, a notice, published closed cases, vendors in
the first vending zones and one petition answered, so every portal page has something to show.

``seed_demo()`` is idempotent: each part is written only when its table is still empty.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from chengguan.cases.models import Case, CaseState
from chengguan.core.clock import city_today
from chengguan.geo.models import VendingZone
from chengguan.org.models import User
from chengguan.org.roles import Role
from chengguan.portal import services
from chengguan.portal import workflow as petitions
from chengguan.portal.models import Petition, Publication, VendorRegistration

DEMO_VENDORS = (
    ("林秀英", "13705740001", "水果", "A-01"),
    ("黄国强", "13705740002", "小吃", "A-02"),
)


@dataclass(frozen=True)
class PortalDemoReport:
    publications: int
    vendors: int
    petitions: int


def _staff(*roles: str) -> User | None:
    return User.objects.filter(is_active=True, groups__name__in=roles).order_by("pk").first()


@transaction.atomic
def seed_demo(closed_cases: int = 5) -> PortalDemoReport:
    services.get_policy()
    leader = _staff(Role.LEADER, Role.ADMIN)
    published = vendors = filed = 0
    if leader is not None and not Publication.objects.exists():
        services.publish(
            kind="notice",
            title="关于规范早夜市经营时间的通告",
            body="各疏导点、早夜市按公布的时间和品种经营，收摊后清理场地。",
            actor=leader,
        )
        published += 1
        for case in Case.objects.filter(state=CaseState.CLOSED).order_by("-closed_at")[:closed_cases]:
            services.publish_closed_case(case.pk, actor=leader)
            published += 1
    if leader is not None and not VendorRegistration.objects.exists():
        zone = VendingZone.objects.filter(is_active=True).order_by("code").first()
        if zone is not None:
            for name, phone, goods, stall in DEMO_VENDORS:
                services.register_vendor(
                    zone=zone,
                    vendor_name=name,
                    vendor_phone=phone,
                    goods=goods,
                    stall=stall,
                    valid_from=city_today() - dt.timedelta(days=30),
                    actor=leader,
                )
                vendors += 1
    if leader is not None and not Petition.objects.exists():
        receipt = petitions.submit_petition(
            actor=None,
            kind="petition",
            subject="建议增设夜市疏导点",
            body="小区门口晚上流动摊贩多，建议在附近空地设置夜市疏导点。",
            petitioner_name="市民陈先生",
            petitioner_phone="13905740000",
        )
        petitions.answer_petition(
            receipt.petition.number, actor=leader, answer="感谢您的建议，我局正在选址，确定后将公示。"
        )
        filed += 1
    return PortalDemoReport(published, vendors, filed)
