from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from .api import api

admin.site.site_header = "ZoneOps"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("supervision/", include("zoneops.supervision.urls")),
    path("environment/", include("zoneops.environment.urls")),
    path("voting/", include("zoneops.voting.urls")),  # staff pages
    path("hazards/", include("zoneops.hazards.urls")),
    path("water/", include("zoneops.water.urls")),
    path("vote/", include("zoneops.voting.public_urls")),  # residents: public, no login
    path("indicators/", include("zoneops.indicators.urls")),
    path("rights/", include("zoneops.rights.urls")),
    path("tracing/", include("zoneops.tracing.urls")),
    path("odour/", include("zoneops.tracing.public_urls")),  # residents: public, no login
    path("certificate/", include("zoneops.rights.public_urls")),  # public check, no login
    path("", include("zoneops.core.urls")),
]
