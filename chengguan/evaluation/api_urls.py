"""Routes of the evaluation API, included by the project under ``/api/v1/``."""

from django.urls import path

from chengguan.evaluation.api import EvaluationView

urlpatterns = [
    path("evaluation/", EvaluationView.as_view(), name="evaluation"),
]
