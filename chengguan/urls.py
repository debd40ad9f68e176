from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

admin.site.site_header = settings.ADMIN_SITE_TITLE
admin.site.site_title = settings.ADMIN_SITE_TITLE

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("geo/", include("chengguan.geo.urls")),
    path("api/", include("chengguan.api_urls")),
    path("open311/", include("chengguan.open311.urls")),
]
urlpatterns += i18n_patterns(
    path("admin/geo/", include("chengguan.geo.admin_urls")),
    path("admin/", admin.site.urls),
    path("staff/", include("chengguan.staff.urls")),
    path("", include("chengguan.portal.urls")),
    prefix_default_language=False,
)
