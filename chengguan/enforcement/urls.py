"""URLs of ``/api/v1/enforcement/`` (namespace ``enforcement``): the ledger, violations, benchmarks."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from chengguan.enforcement import views
from chengguan.enforcement.api import views as api

app_name = "enforcement"
urlpatterns: list[URLPattern | URLResolver] = [
    path("parties/", api.PartyListView.as_view(), name="party-list"),
    path("parties/match/", api.MatchView.as_view(), name="party-match"),
    path("parties/<str:pk>/", api.PartyDetailView.as_view(), name="party-detail"),
    path("parties/<str:pk>/history/", api.PartyHistoryView.as_view(), name="party-history"),
    path("parties/<str:pk>/bundle/", views.party_bundle, name="party-bundle"),
    path("violations/", api.ViolationListView.as_view(), name="violation-list"),
    path("violations/<str:pk>/", api.ViolationDetailView.as_view(), name="violation-detail"),
    path("violations/<str:pk>/choose/", api.ChooseStepView.as_view(), name="violation-choose"),
    path("violations/<str:pk>/evidence/", api.ViolationEvidenceView.as_view(), name="violation-evidence"),
    path(
        "violations/<str:pk>/evidence/<str:evidence_id>/",
        api.ViolationEvidenceFileView.as_view(),
        name="violation-evidence-file",
    ),
    path(
        "violations/<str:pk>/fine-proposal/", api.ViolationFineProposalView.as_view(), name="violation-fine"
    ),
    path("reinspections/", api.ReinspectionListView.as_view(), name="reinspection-list"),
    path("reinspections/<str:pk>/result/", api.ReinspectionResultView.as_view(), name="reinspection-result"),
    path("violation-types/", api.ViolationTypeListView.as_view(), name="violation-type-list"),
    path("fine-proposal/", api.FineProposalView.as_view(), name="fine-proposal"),
]
