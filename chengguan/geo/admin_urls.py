"""Admin pages of the territory, mounted at /admin/geo/ before the admin site's own URLs."""

from django.contrib import admin
from django.urls import path

from chengguan.geo import admin_views

app_name = "geo_admin"
urlpatterns = [
    path("map/", admin.site.admin_view(admin_views.city_map), name="map"),
    path("import/", admin.site.admin_view(admin_views.import_territory_page), name="import"),
    path("export/<str:layer>.geojson", admin.site.admin_view(admin_views.export_layer_file), name="export"),
]
