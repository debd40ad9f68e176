"""The frontage pledge REST API (``/api/v1/pledges/``): shops, their pledges, a pledge's record and the
ranking of shops by breaches."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from chengguan.cases.api.serializers import CoordinateField, StrictSerializer
from chengguan.core.clock import city_today
from chengguan.core.errors import InvalidInput
from chengguan.pledges import selectors, services
from chengguan.pledges.access import access_pledge, access_shop, get_shops_visible_to
from chengguan.pledges.models import Pledge, Shop

MAX_ID = 2**63 - 1
WINDOW = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: 90 days ago)"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day, included (default: today)"),
]


class PledgeShopSerializer(StrictSerializer):
    party = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=100)
    address = serializers.CharField(max_length=200)
    lon = CoordinateField()
    lat = CoordinateField()


class PledgeSignSerializer(StrictSerializer):
    area_description = serializers.CharField(max_length=5000)
    signed_on = serializers.DateField()
    valid_until = serializers.DateField()
    signatory = serializers.CharField(max_length=100)
    duty_appearance = serializers.BooleanField(required=False, default=True)
    duty_sanitation = serializers.BooleanField(required=False, default=True)
    duty_order = serializers.BooleanField(required=False, default=True)
    duty_greenery = serializers.BooleanField(required=False, default=True)


class PledgeWindowSerializer(serializers.Serializer):
    start = serializers.DateField(required=False)
    end = serializers.DateField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        import datetime as dt

        end = attrs.get("end") or city_today()
        start = attrs.get("start") or end - dt.timedelta(days=90)
        if start > end:
            raise InvalidInput(_("start lies after end."), field="start")
        return {"start": start, "end": end}


def _validated(serializer_class: type[serializers.Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _id(value: Any) -> int:
    text = str(value)
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_ID else 0


def render_pledge(pledge: Pledge) -> dict[str, Any]:
    return {
        "id": pledge.pk,
        "shop": pledge.shop_id,
        "area_description": pledge.area_description,
        "duties": pledge.duties(),
        "signed_on": pledge.signed_on.isoformat(),
        "valid_until": pledge.valid_until.isoformat(),
        "signatory": pledge.signatory,
    }


def render_shop(shop: Shop, viewer: Any) -> dict[str, Any]:
    from chengguan.enforcement.privacy import mask_party

    return {
        "id": shop.pk,
        "name": shop.name,
        "address": shop.address,
        "lon": shop.lon,
        "lat": shop.lat,
        "grid_code": shop.grid_code,
        "community_code": shop.community_code,
        "street_code": shop.street_code,
        "party": mask_party(shop.party, viewer),
        "pledges": [render_pledge(p) for p in shop.pledges.all()],
    }


class ShopViewSet(viewsets.GenericViewSet):
    """Shops and their frontage pledges (门前四包)."""

    queryset = Shop.objects.none()
    serializer_class = PledgeShopSerializer

    @extend_schema(
        operation_id="pledges_shops_list",
        summary="Shops visible to you",
        responses={200: OpenApiTypes.OBJECT},
    )
    def list(self, request: Request) -> Response:
        rows = get_shops_visible_to(request.user).select_related("party").prefetch_related("pledges")
        page = self.paginate_queryset(rows.order_by("name", "pk"))
        return self.get_paginated_response([render_shop(s, request.user) for s in page])

    @extend_schema(summary="One shop with its pledges", responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(render_shop(access_shop(request.user, _id(pk)), request.user))

    @extend_schema(summary="Register a shop (located to its grid)", responses={201: OpenApiTypes.OBJECT})
    def create(self, request: Request) -> Response:
        data = _validated(PledgeShopSerializer, request.data)
        shop = services.register_shop(actor=request.user, party_id=data.pop("party"), **data)
        return Response(render_shop(shop, request.user), status=201)

    @extend_schema(
        summary="Record the shop's signed pledge",
        request=PledgeSignSerializer,
        responses={201: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"])
    def pledges(self, request: Request, pk: str) -> Response:
        data = _validated(PledgeSignSerializer, request.data)
        pledge = services.sign_pledge(_id(pk), actor=request.user, **data)
        return Response(render_pledge(pledge), status=201)

    @extend_schema(
        summary="Shops ranked by breaches of their pledges",
        parameters=WINDOW,
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=False, methods=["get"])
    def ranking(self, request: Request) -> Response:
        window = _validated(PledgeWindowSerializer, request.query_params)
        records = selectors.ranking(window["start"], window["end"], actor=request.user)
        return Response(
            {
                "start": window["start"].isoformat(),
                "end": window["end"].isoformat(),
                "results": [
                    {
                        "shop": r.pledge.shop_id,
                        "name": r.pledge.shop.name,
                        "address": r.pledge.shop.address,
                        "pledge": r.pledge.pk,
                        "case_count": len(r.cases),
                        "violation_count": len(r.violations),
                        "breaches": r.breaches,
                    }
                    for r in records
                ],
            }
        )


class PledgeViewSet(viewsets.GenericViewSet):
    """One pledge and its record."""

    queryset = Pledge.objects.none()
    serializer_class = PledgeSignSerializer

    @extend_schema(summary="One pledge", responses={200: OpenApiTypes.OBJECT})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(render_pledge(access_pledge(request.user, _id(pk))))

    @extend_schema(
        summary="Cases and violations in front of the shop",
        parameters=WINDOW,
        responses={200: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["get"])
    def record(self, request: Request, pk: str) -> Response:
        pledge = access_pledge(request.user, _id(pk))
        window = _validated(PledgeWindowSerializer, request.query_params)
        return Response(selectors.pledge_record(pledge, window["start"], window["end"]).to_dict())
