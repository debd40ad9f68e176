from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from chengguan.staff import enforcement_views, views

app_name = "staff"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    # dispatcher / operator
    path("console/", views.console, name="console"),
    path("console/queue/", views.queue, name="queue"),
    path("overdue/", views.overdue, name="overdue"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/act/", views.case_action, name="case_action"),
    path("cases/<int:case_id>/evidence/<int:evidence_id>/", views.evidence_file, name="evidence"),
    path("map/cases.json", views.map_cases, name="map_cases"),
    path("map/grids.geojson", views.map_grids, name="map_grids"),
    # inspector
    path("field/report/", views.report, name="report"),
    path("field/report/<int:case_id>/", views.report_done, name="report_done"),
    path("field/checks/", views.tasks, name="tasks"),
    path("field/patrol/", views.patrol, name="patrol"),
    path("field/patrol/position/", views.patrol_position, name="patrol_position"),
    path("field/coverage/", views.coverage, name="coverage"),
    # units
    path("unit/", views.unit_work, name="unit"),
    path("unit/beats/", views.beats, name="beats"),
    # leader
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/ranking/", views.dashboard_ranking, name="dashboard_ranking"),
    path("dashboard/<str:chart>.csv", views.dashboard_csv, name="dashboard_csv"),
    # enforcement (officers, squadron leaders, legal reviewers)
    path("enforcement/parties/", enforcement_views.parties, name="parties"),
    path("enforcement/parties/<int:party_id>/", enforcement_views.party, name="party"),
    path("enforcement/violations/", enforcement_views.violations, name="violations"),
    path("enforcement/violations/<int:violation_id>/", enforcement_views.violation, name="violation"),
    path("enforcement/proceedings/", enforcement_views.proceedings, name="proceedings"),
    path("enforcement/proceedings/<int:proceeding_id>/", enforcement_views.proceeding, name="proceeding"),
    path("enforcement/seizures/", enforcement_views.seizures, name="seizures"),
]
