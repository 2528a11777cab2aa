"""URLs. Public pages sit under i18n_patterns: Simplified Chinese without a prefix,
/zh-hant/ and /en/ for the others. Admin and media stay language-neutral."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path, register_converter
from django.views.static import serve

from routes import views as route_views

from . import faults, sitemaps, views
from .converters import UnicodeSlugConverter
from .pagecache import cached_page

register_converter(UnicodeSlugConverter, "uslug")

admin.site.site_header = admin.site.site_title = settings.SITE_NAME

# A database that cannot be reached answers 503 also when it fails outside a view.
handler500 = "lujiazui.faults.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("robots.txt", cached_page(views.robots_txt), name="robots_txt"),
    # For monitors and load balancers: language-neutral, never cached.
    path("healthz", faults.healthz, name="healthz"),
    path("sitemap.xml", cached_page(sitemaps.index), name="sitemap"),
    path(
        "sitemap-<slug:section>.xml",
        cached_page(sitemaps.section, parameters=("p",)),
        name="sitemap_section",
    ),
    # Printed on the signs at the stops: permanent, and the same in every language.
    re_path(r"^q/(?P<code>[0-9A-Za-z]{1,16})$", route_views.check_in_link, name="check_in_link"),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += i18n_patterns(
    path("", cached_page(views.home), name="home"),
    path("network/", cached_page(views.network), name="network"),
    path("reading/", views.reading_mode, name="reading_mode"),
    path("", include("events.urls")),
    path("", include("speakers.urls")),
    path("", include("routes.urls")),
    path("", include("search.urls")),
    prefix_default_language=False,
)

if settings.BENCHMARK_VIEW:
    from . import bench

    urlpatterns += [path("bench/hello/", bench.hello, name="bench_hello")]
