from django.urls import path

from chengguan.geo import views

app_name = "geo"
urlpatterns = [
    path("layers/<str:layer>.geojson", views.layer_geojson, name="layer"),
]
