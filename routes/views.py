from django.http import Http404


def route_detail(request, slug):
    raise Http404


def stop_detail(request, slug, number):
    raise Http404


def stop_sign(request, slug, number):
    raise Http404


def check_in_link(request, code):
    raise Http404
