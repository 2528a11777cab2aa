"""No public page runs more than ``BUDGET`` queries, and none runs more with more data.

Each page is requested with one item of everything it lists or shows, then, on fresh data,
with three (``tests/public_pages.py`` builds both); the second count must equal the first.
The exact count of each page is asserted by the page's own tests; this is the one place that
holds every page to the budget. The URL names come from the URL configuration, so a new
public page fails here until ``tests/public_pages.py`` knows how to fill it.
"""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.public_pages import NOT_PUBLIC, PAGES, url_names

pytestmark = pytest.mark.django_db

BUDGET = 10  # queries per page (issue 6)


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Every request runs the view: a cached page would count no queries at all."""
    settings.PAGE_CACHE = False


def check(response, texts):
    assert response.status_code == (302 if "/q/" in response.wsgi_request.path else 200)
    page = response.content.decode()
    missing = [text for text in texts if text not in page]
    assert not missing, f"{response.wsgi_request.get_full_path()} does not show {missing}"


def test_every_public_url_name_has_a_query_budget_test():
    """A page added to a urls.py is public until listed as not, and then must be measured."""
    names = url_names()
    assert names - NOT_PUBLIC - set(PAGES) == set(), "new public pages: add them to PAGES"
    assert set(PAGES) - names == set(), "PAGES names addresses that no longer exist"


@pytest.mark.parametrize("name", PAGES)
def test_public_page_queries_within_budget_whatever_the_data_size(
    client, django_assert_num_queries, name
):
    """One item or three: the same number of queries, at most BUDGET."""
    counts = []
    with transaction.atomic():  # the one-item data is rolled back before the three-item one
        for url, texts in PAGES[name](1):
            client.get(url)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            check(response, texts)
            counts.append((url, len(captured)))
        transaction.set_rollback(True)
    assert all(count <= BUDGET for _url, count in counts), counts
    larger = PAGES[name](3)
    assert len(larger) == len(counts)
    for (url, texts), (_small_url, count) in zip(larger, counts, strict=True):
        client.get(url)
        with django_assert_num_queries(count):
            response = client.get(url)
        check(response, texts)
