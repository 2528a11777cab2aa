from django.shortcuts import render

from lujiazui import pagecache, ratelimit
from lujiazui.pages import chosen_filter, paginate

from .models import SearchDocument
from .text import MAX_QUERY_LENGTH, parse_query

PER_KIND = 5  # results of each kind on the first page; the rest on that kind's own pages
# Searches per client and minute: more than anyone types, few enough that a script cannot
# keep the workers busy (a common term takes a quarter of a second at bench size).
SEARCH_RATE = (30, 60)


def results(request):
    """``?q=`` grouped by kind (one query), or ``?q=&kind=`` one kind, paginated."""
    query = parse_query(request.GET.get("q", ""))
    if "q" in request.GET:
        pagecache.skip(request)  # one page per typed text: storing them would fill the cache
    kind = chosen_filter(request, "kind", SearchDocument.Kind)
    context = {
        "query": query,
        "kind": kind,
        "kind_label": SearchDocument.Kind(kind).label if kind else "",
        "max_length": MAX_QUERY_LENGTH,
    }
    status = 200
    if query.terms and not ratelimit.allow(request, "search", *SEARCH_RATE):
        context["limited"], status = True, 429
    elif query.terms:
        documents = SearchDocument.objects.public().matching(query.terms)
        if kind:
            context["page"] = paginate(request, documents.filter(kind=kind).in_order())
        else:
            context["groups"] = documents.grouped(PER_KIND)
    response = render(request, "search/results.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(SEARCH_RATE[1])
    return response
