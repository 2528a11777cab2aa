"""Bad input at volume (issue 7, part 5): generated queries to the search page. Whatever is
asked, the page answers 200, shows the query escaped and never raw, and finds exactly the
documents that contain every term, so ``%``, ``_`` and ``\\`` match themselves and no
wildcard or escape reaches the database's LIKE.

The test runs one hypothesis search and counts the requests it really sent, so that a
silently shortened run fails instead of passing with fewer examples.
"""

from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from hypothesis import given, settings
from hypothesis import strategies as st

import search.views
from search.models import SearchDocument
from search.text import double
from tests import factories
from tests.escaping import assert_escaped
from tests.routes.conftest import build_route

pytestmark = pytest.mark.django_db

SEARCHES = 600
PREFIXES = ["", "/zh-hant", "/en"]
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '" autofocus onfocus="alert(1)',
    "</title><script>alert(1)</script>",
    "' OR '1'='1' --",
    "'; DROP TABLE search_searchdocument; --",
]
# Words of the indexed content below, and of its wildcards, escapes and scripts.
WORDS = [
    "党建",
    "黨建",
    "社区",
    "滨江",
    "100%",
    "%",
    "%%",
    "_",
    "a_b",
    "ab",
    "\\",
    "c:\\路径",
    "<b>",
    "party",
    "PARTY",
    "ＰＡＲＴＹ",
    "😀",
    "课",
    "讲者",
    "站点",
]
SEPARATORS = [" ", "\u3000", "\t", "\x00", "\n", "\u200b", "\u202e", ",", "，", "“"]


texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zs"]), min_size=1, max_size=8),
    st.sampled_from(PAYLOADS),
    st.builds(
        lambda piece, times: piece * times, st.text(min_size=1, max_size=3), st.integers(30, 400)
    ),
)
worded = st.builds(
    lambda words, separators: "".join(
        word + separators[i % len(separators)] for i, word in enumerate(words)
    ),
    st.lists(st.sampled_from(WORDS + PAYLOADS), min_size=1, max_size=4),
    st.lists(st.sampled_from(SEPARATORS), min_size=1, max_size=3),
)
queries = st.one_of(worded, worded, texts)
MISSING = object()


def field(values):
    """A parameter: once, missing, or sent two or three times (the page reads the last)."""
    return st.one_of(values, values, st.just(MISSING), st.lists(values, min_size=2, max_size=3))


kinds = st.one_of(
    st.sampled_from([*SearchDocument.Kind.values, "", "EVENTS", "bogus"]),
    st.sampled_from(SearchDocument.Kind.values),
    texts,
)
pages = st.one_of(
    st.sampled_from(["1", "2", "0", "-1", "999999", "1e3", "last", "9" * 30, "%00"]),
    texts,
)
raw_garbage = st.lists(
    st.sampled_from(["q=%FF%FE", "q=%", "q=%zz", "=", "&", "q=%ED%A0%80党建", "kind=%C0%AF"]),
    min_size=1,
    max_size=3,
)


@pytest.fixture
def indexed(db):
    """Content whose names hold Chinese in both scripts, wildcards, a backslash, markup and
    emoji, with more than one page of events; and the public documents, read once."""
    for n in range(7):
        factories.event(speeches=0, title=f"社区党建联席会议{n}", slug=f"dangjian-{n}")
    factories.event(speeches=0, title="100%党建覆盖", slug="percent")
    factories.event(speeches=0, title="<b>滨江</b>活动", slug="markup")
    factories.lesson(title="😀党课 a_b", slug="emoji")
    factories.lesson(title="黨建講堂 Party", slug="party")
    factories.speaker(positions=0, name="讲者 c:\\路径", slug="backslash")
    factories.organization(name="abc组织", slug="abc")
    build_route(stops=2)
    documents = list(SearchDocument.objects.public().values("pk", "kind", "text"))
    assert len(documents) > 10
    return documents


def search_url(prefix):
    with translation.override("zh-hans"):
        return prefix + reverse("search:results")


def last(value):
    return value[-1] if isinstance(value, list) else value


def found_ids(context):
    """The documents the page lists and how many it says there are, by kind."""
    if context.get("page") is not None:
        page = context["page"]
        return {document.pk for document in page}, {context["kind"]: page.paginator.count}
    groups = context.get("groups") or []
    shown = {document.pk for group in groups for document in group["documents"]}
    return shown, {group["kind"]: group["total"] for group in groups}


def test_search_survives_generated_queries(indexed, monkeypatch):
    """600 generated searches: always a page, the query escaped, and exactly the documents
    that contain every term (as Python's ``in`` finds them, not as LIKE might)."""
    # Generated addresses repeat (0.0.0.0 often): the rate limit is tested on its own.
    monkeypatch.setattr(search.views, "SEARCH_RATE", (10**6, 60))
    client = Client()
    sent = {"searches": 0, "with_results": 0, "refused": 0}

    @settings(max_examples=SEARCHES)
    @given(
        q=field(queries),
        kind=field(kinds),
        page=field(pages),
        prefix=st.sampled_from(PREFIXES),
        address=st.ip_addresses().map(str),
        raw=st.one_of(st.none(), st.none(), st.none(), raw_garbage),
    )
    def run(q, kind, page, prefix, address, raw):
        params = {
            name: value
            for name, value in {"q": q, "kind": kind, "page": page}.items()
            if value is not MISSING
        }
        url = search_url(prefix)
        if raw is None:
            response = client.get(url, params, REMOTE_ADDR=address)
        else:
            pairs = [
                f"{name}={quote(value, safe='')}"
                for name, values in params.items()
                for value in (values if isinstance(values, list) else [values])
            ]
            response = client.get(f"{url}?{'&'.join(pairs + raw)}", REMOTE_ADDR=address)
        sent["searches"] += 1
        assert response.status_code == 200
        body = response.content.decode()
        strings = [
            value
            for values in params.values()
            for value in (values if isinstance(values, list) else [values])
        ]
        assert_escaped(body, strings, PAYLOADS)
        query = response.context["query"]
        if raw is None and "q" in params:
            assert query.text == last(params["q"]).strip()
        if query.text:
            assert escape(query.text) in body  # shown back, escaped, in the search box
        if query.problem:
            sent["refused"] += 1
            assert escape(query.problem) in body
            return
        expected = [
            document
            for document in indexed
            if query.terms and all(double(term) in document["text"] for term in query.terms)
        ]
        shown, totals = found_ids(response.context)
        kind_chosen = response.context["kind"]
        if kind_chosen:
            expected = [document for document in expected if document["kind"] == kind_chosen]
        assert shown <= {document["pk"] for document in expected}
        assert sum(totals.values()) == len(expected)
        if expected:
            sent["with_results"] += 1

    run()
    assert sent["searches"] >= SEARCHES, sent
    assert sent["with_results"] > 0 and sent["refused"] > 0, sent
