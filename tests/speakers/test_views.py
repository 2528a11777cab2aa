import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Speech
from lujiazui.pages import PAGE_SIZE
from speakers.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("items", [1, 3])
def test_speaker_list_query_count_constant(client, django_assert_num_queries, items):
    for _ in range(items):
        factories.speaker(positions=2)
    with django_assert_num_queries(3):
        response = client.get(reverse("speakers:speaker_list"))
    assert len(response.context["speakers"]) == items


@pytest.mark.parametrize("items", [1, 3])
def test_speaker_detail_query_count_constant(client, django_assert_num_queries, items):
    speaker = factories.speaker(positions=items)
    for _ in range(items):
        event = factories.event(speeches=0)
        event.speeches.create(speaker=speaker, role=Speech.Role.KEYNOTE, title="演讲")
        factories.lesson(speaker=speaker)
    # the speaker with positions (2), the speeches' count and page, the lessons
    with django_assert_num_queries(5):
        response = client.get(speaker.get_absolute_url())
    assert len(response.context["speeches"]) == items


@pytest.mark.parametrize("items", [1, 3])
def test_organization_list_query_count_constant(client, django_assert_num_queries, items):
    for _ in range(items):
        factories.organization(kind=Organization.Kind.MUSEUM)
    with django_assert_num_queries(2):
        response = client.get(reverse("speakers:organization_list"), {"kind": "museum"})
    assert len(response.context["organizations"]) == items


@pytest.mark.parametrize("items", [1, 3])
def test_organization_detail_query_count_constant(client, django_assert_num_queries, items):
    organization = factories.organization()
    for _ in range(items):
        factories.speaker(positions=0).positions.create(organization=organization, title="主任")
        factories.event().organizers.add(organization)
    # the organization, its people, and its events: a count and a page
    with django_assert_num_queries(4):
        response = client.get(organization.get_absolute_url())
    assert len(response.context["positions"]) == items
    assert len(response.context["events"]) == items


@pytest.mark.parametrize("items", [1, 3])
def test_network_query_count_constant(client, django_assert_num_queries, items):
    for _ in range(items):
        factories.organization(kind=Organization.Kind.RESIDENTIAL_AREA)
        factories.organization(is_practice_point=True)
    with django_assert_num_queries(2):
        response = client.get(reverse("network"))
    assert len(response.context["residential_areas"]) == items


def test_organization_list_filters_by_kind(client):
    museum = factories.organization(kind=Organization.Kind.MUSEUM)
    factories.organization(kind=Organization.Kind.MEDIA)
    response = client.get(reverse("speakers:organization_list"), {"kind": "museum"})
    assert list(response.context["organizations"]) == [museum]


def test_speaker_detail_speeches_shown_a_page_at_a_time(client):
    speaker = factories.speaker()
    events = [
        factories.event(speeches=0, start=timezone.now() - datetime.timedelta(days=day + 1))
        for day in range(PAGE_SIZE + 1)
    ]
    for event in events:
        event.speeches.create(speaker=speaker, role=Speech.Role.HOST)
    first = client.get(speaker.get_absolute_url())
    second = client.get(speaker.get_absolute_url(), {"page": 2})
    assert [speech.event for speech in first.context["speeches"]] == events[:PAGE_SIZE]
    assert [speech.event for speech in second.context["speeches"]] == events[PAGE_SIZE:]
    assert 'rel="next"' in first.text
    canonical = f"http://testserver{speaker.get_absolute_url()}?page=2"
    assert f'<link rel="canonical" href="{canonical}">' in second.text


def test_speaker_detail_lists_only_published_speeches(client):
    speaker = factories.speaker()
    public = factories.event(speeches=0, title="公开活动")
    draft = factories.event(speeches=0, title="草稿活动", status="draft")
    public.speeches.create(speaker=speaker, role=Speech.Role.HOST)
    draft.speeches.create(speaker=speaker, role=Speech.Role.HOST)
    page = client.get(speaker.get_absolute_url()).content.decode()
    assert "公开活动" in page
    assert "草稿活动" not in page
