import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from search.indexing import document, index_new_table
from search.models import SearchDocument
from search.text import double
from tests import factories
from tests.routes.conftest import build_route

pytestmark = pytest.mark.django_db


def row(instance):
    kinds = {"Event": "events", "Lesson": "lessons", "Speaker": "people"}
    kinds |= {"Organization": "organizations", "Stop": "stops"}
    return SearchDocument.objects.get(kind=kinds[type(instance).__name__], object_id=instance.pk)


def rows():
    fields = [f.attname for f in SearchDocument._meta.concrete_fields if f.attname != "id"]
    return sorted(SearchDocument.objects.values_list(*fields))


def test_index_document_holds_every_language_folded_and_doubled():
    event = factories.event(
        speeches=0,
        title="党建会议",
        title_en="Joint Meeting",
        body="<p>在<b>国际</b>会议中心&amp;滨江</p>",
    )
    document = row(event)
    assert document.title_zh_hans == "党建会议"
    assert document.title_zh_hant == "黨建會議"
    assert document.title_en == "Joint Meeting"
    assert double("党建会议") in document.text
    assert double("joint meeting") in document.text
    assert double("国际会议中心&滨江") in document.text  # tags and entities gone
    assert "<" not in document.text


def test_index_follows_changes_and_deletion():
    organization = factories.organization(name="旧名称")
    organization.name = "新名称"
    organization.save()
    assert row(organization).title_zh_hans == "新名称"
    assert double("旧名称") not in row(organization).text
    pk = organization.pk
    organization.delete()
    assert not SearchDocument.objects.filter(kind="organizations", object_id=pk).exists()


def test_index_follows_partial_saves():
    lesson = factories.lesson(title="旧党课")
    lesson.title = "新党课"
    lesson.save(update_fields=["title"])
    assert row(lesson).title_zh_hant == "新黨課"


def test_index_stop_follows_its_route():
    route = build_route(stops=2, slug="old")
    route.slug = "new"
    route.is_demo = True
    route.save()
    stop = route.stops.get(number=2)
    assert row(stop).get_absolute_url() == "/routes/new/stops/2/"
    assert row(stop).is_demo


def test_index_stops_deleted_with_their_route():
    route = build_route(stops=3)
    route.delete()
    assert not SearchDocument.objects.filter(kind="stops").exists()


def test_rebuild_search_index_gives_what_signals_gave():
    factories.full_event(2)
    factories.lesson()
    build_route(stops=3)
    by_signals = rows()
    SearchDocument.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    assert rows() == by_signals
    assert "stops: 3" in out.getvalue()


def test_load_demo_leaves_a_complete_index():
    call_command("load_demo", "--no-accounts", stdout=io.StringIO())
    by_signals = rows()
    call_command("rebuild_search_index", stdout=io.StringIO())
    assert rows() == by_signals
    assert SearchDocument.objects.filter(kind="stops").count() == 13


def test_document_of_an_unsaved_change_is_not_stored():
    speaker = factories.speaker(positions=0, name="张磊")
    speaker.name = "李灿"
    assert document(speaker).title_zh_hans == "李灿"
    assert row(speaker).title_zh_hans == "张磊"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
@pytest.mark.parametrize("q", ["党建", "陆家嘴", "ab"])
def test_trigram_index_serves_short_queries(q):
    """The GIN trigram index serves a query of two characters: doubled, it holds trigrams
    to look up. (``%党建%`` holds none: the index would hand every row to the recheck, and
    the planner would rather read the whole table.)"""
    for n in range(20):
        factories.organization(name=f"其他单位{n}")
    factories.organization(name="陆家嘴党建ab")
    documents = SearchDocument.objects.matching([q])
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table is cheaper to read
        plan = documents.explain(analyze=True)
    assert "search_document_text_trgm" in plan
    assert "Rows Removed by Index Recheck" not in plan, plan
    assert list(documents.values_list("title_zh_hans", flat=True)) == ["陆家嘴党建ab"]


def test_migrate_that_creates_the_table_fills_it():
    organization = factories.organization(name="已有单位")
    SearchDocument.objects.all().delete()
    loader = MigrationLoader(connection)
    other = loader.get_migration("events", "0001_initial")
    index_new_table(plan=[(other, False)])
    assert not SearchDocument.objects.exists()
    index_new_table(plan=[(other, False), (loader.get_migration("search", "0001_initial"), False)])
    assert row(organization).title_zh_hans == "已有单位"
