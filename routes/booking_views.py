from django.http import Http404


def privacy_notice(request):
    raise Http404


def book(request, slug):
    raise Http404


def manage(request, token):
    raise Http404


def calendar(request, token):
    raise Http404


def cancel(request, token):
    raise Http404
