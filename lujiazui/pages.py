"""Helpers for the public views: previews of unpublished items, pagination, list filters."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from . import pagecache

PAGE_SIZE = 24


def get_public_or_preview(request, queryset, **lookup):
    """The published object, or — for staff allowed to view drafts — any object as a preview.

    Returns ``(object, is_preview)``; anyone else gets a 404 for drafts and scheduled items.
    """
    try:
        return queryset.published().get(**lookup), False
    except queryset.model.DoesNotExist:
        pass
    opts = queryset.model._meta
    if request.user.is_staff and request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
        try:
            return queryset.get(**lookup), True
        except queryset.model.DoesNotExist:
            pass
    raise Http404


def render_page(request, template, context, is_preview=False):
    """Render a public page; previews are marked and must never be stored by any cache."""
    response = render(request, template, {**context, "is_preview": is_preview})
    if is_preview:
        add_never_cache_headers(response)
    return response


def paginate(request, queryset, per_page=PAGE_SIZE):
    """The page of ``queryset`` named by ``?page=``; a bad or too large number gives a real page,
    which the page cache does not keep under that number."""
    asked = request.GET.get("page")
    page = Paginator(queryset, per_page).get_page(asked)
    if asked is not None and asked != str(page.number):
        pagecache.skip(request)
    return page


def absolute_url(request, path):
    """``path`` as a full URL on the public site: ``SITE_URL`` when set, so that printed QR
    codes and emails never point at the host a member of staff happened to use."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


def chosen_filter(request, name, choices):
    """The value of filter ``name`` in the query string if it is one of ``choices``, else ""
    (a page the page cache does not keep under that value)."""
    value = request.GET.get(name, "")
    if value in choices.values:
        return value
    if name in request.GET:
        pagecache.skip(request)
    return ""
