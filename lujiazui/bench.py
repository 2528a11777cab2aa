"""The yardstick of `make bench`: a bare "hello world" view, served only with BENCHMARK_VIEW.

It passes the same middleware as the pages, so a page's requests per second divided by its
own measures what the page itself costs.
"""

from django.http import HttpResponse


def hello(request):
    return HttpResponse("Hello, world")
