import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from events.models import Event, Lesson
from speakers.models import Organization, Speaker
from tests import factories

pytestmark = pytest.mark.django_db

MODELS = [Event, Lesson, Speaker, Organization]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_load_in_simplified_chinese_without_cdn(staff_client, model):
    factories.full_event(1)
    factories.lesson()
    for url in [
        admin_url(model, "changelist"),
        admin_url(model, "add"),
        admin_url(model, "change", model.objects.first().pk),
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert '<html lang="zh-hans"' in page
        assert not re.search(r'(?:src|href)="(?:https?:)?//', page), url


def test_admin_search_finds_english_and_traditional(staff_client):
    factories.event(title="党建联席会议", title_en="Joint meeting")
    changelist = admin_url(Event, "changelist")
    for query in ["Joint", "聯席", "联席"]:
        response = staff_client.get(changelist, {"q": query})
        assert response.context["cl"].result_count == 1, query


def test_admin_speaker_autocomplete(staff_client):
    factories.speaker(name="凌军芬")
    response = staff_client.get(
        reverse("admin:autocomplete"),
        {"term": "凌", "app_label": "events", "model_name": "speech", "field_name": "speaker"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["凌军芬"]


def organization_form(**fields):
    return {
        "name_zh_hans": "观复博物馆",
        "slug": "观复博物馆",
        "kind": "museum",
    } | fields


def test_admin_accepts_chinese_slug_and_png_logo(staff_client):
    response = staff_client.post(
        admin_url(Organization, "add"),
        organization_form(logo=factories.image_file("logo.png")),
    )
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.slug == "观复博物馆"
    assert organization.name_zh_hant == "觀復博物館"
    assert organization.logo.name.endswith(".png")


@pytest.mark.parametrize(
    "name, content",
    [
        ("notes.png", b"this is plain text, not a picture"),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1"/></svg>'),
        ("photo.gif", factories.image_bytes("GIF")),
    ],
    ids=["text", "svg", "gif"],
)
def test_admin_rejects_non_jpeg_png_webp_image(staff_client, name, content):
    response = staff_client.post(
        admin_url(Organization, "add"),
        organization_form(logo=SimpleUploadedFile(name, content)),
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["logo"]
    assert not Organization.objects.exists()


def test_admin_rich_text_is_sanitized(staff_client):
    data = {
        "title_zh_hans": "活动",
        "slug": "huodong",
        "body_zh_hans": '<p>正文<script>alert(1)</script><a href="javascript:x()">链接</a></p>',
        "start_0": "2020-06-30",
        "start_1": "14:00:00",
        "status": "draft",
        "publish_at_0": "2020-07-01",
        "publish_at_1": "13:56:00",
    }
    for prefix in ["sections", "speeches", "attendances", "photos"]:
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    response = staff_client.post(admin_url(Event, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    body = Event.objects.get().body
    assert "<script" not in body
    assert "javascript:" not in body
    assert "正文" in body


def test_admin_publish_action_makes_a_draft_public(staff_client):
    public = Client()
    lesson = factories.lesson(status="draft")
    assert public.get(lesson.get_absolute_url()).status_code == 404
    response = staff_client.post(
        admin_url(Lesson, "changelist"),
        {"action": "publish_now", "_selected_action": [lesson.pk]},
        follow=True,
    )
    assert "1" in [m.message for m in response.context["messages"]][0]
    assert public.get(lesson.get_absolute_url()).status_code == 200


def test_admin_return_to_draft_action_hides_an_event(staff_client):
    public = Client()
    event = factories.event()
    staff_client.post(
        admin_url(Event, "changelist"),
        {"action": "return_to_draft", "_selected_action": [event.pk]},
    )
    assert public.get(event.get_absolute_url()).status_code == 404


def edit_organization(staff_client, organization, **fields):
    data = organization_form(
        name_zh_hans=organization.name_zh_hans,
        name_zh_hant=organization.name_zh_hant,
        slug=organization.slug,
    )
    response = staff_client.post(admin_url(Organization, "change", organization.pk), data | fields)
    assert response.status_code == 302
    organization.refresh_from_db()


def test_admin_edit_refreshes_derived_traditional(staff_client):
    organization = factories.organization(name="观复博物馆")
    edit_organization(staff_client, organization, name_zh_hans="观复艺术馆")
    assert organization.name_zh_hant == "觀復藝術館"


def test_admin_edit_keeps_traditional_written_by_staff(staff_client):
    organization = factories.organization(name="观复博物馆")
    edit_organization(staff_client, organization, name_zh_hant="觀復博物館（臺北）")
    edit_organization(staff_client, organization, name_zh_hans="观复艺术馆")
    assert organization.name_zh_hant == "觀復博物館（臺北）"
    assert not organization.is_traditional_derived("name")
