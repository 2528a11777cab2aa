import pytest

from lujiazui.chinese import to_traditional
from speakers.models import Speaker

pytestmark = pytest.mark.django_db


def test_to_traditional_converts_characters_not_phrases():
    # s2twp would turn 视频 into 影片 and 软件 into 軟體; character conversion keeps the words.
    assert to_traditional("陆家嘴党建视频软件") == "陸家嘴黨建視頻軟件"


def test_to_traditional_leaves_markup_alone():
    assert to_traditional('<p class="x">党建<a href="/a">链接</a></p>') == (
        '<p class="x">黨建<a href="/a">鏈接</a></p>'
    )


def test_traditional_derived_when_empty():
    speaker = Speaker.objects.create(name="凌军芬", slug="ling", biography="党工委书记")
    assert speaker.name_zh_hant == "凌軍芬"
    assert speaker.biography_zh_hant == "黨工委書記"
    assert speaker.is_traditional_derived("name")


def test_traditional_derived_refreshed_when_simplified_changes():
    speaker = Speaker.objects.create(name="凌军芬", slug="ling")
    speaker.name_zh_hans = "张磊"
    speaker.save()
    speaker.refresh_from_db()
    assert speaker.name_zh_hant == "張磊"
    assert speaker.is_traditional_derived("name")


def test_traditional_written_by_staff_never_overwritten():
    speaker = Speaker.objects.create(name="凌军芬", slug="ling", name_zh_hant="凌軍芬（繁）")
    assert speaker.name_zh_hant == "凌軍芬（繁）"
    assert not speaker.is_traditional_derived("name")
    speaker.name_zh_hans = "凌军芬同志"
    speaker.save()
    speaker.refresh_from_db()
    assert speaker.name_zh_hant == "凌軍芬（繁）"


def test_traditional_override_after_derivation_is_kept():
    speaker = Speaker.objects.create(name="凌军芬", slug="ling")
    speaker.name_zh_hant = "凌軍芬書記"
    speaker.save()
    speaker.name_zh_hans = "凌军芬同志"
    speaker.save()
    speaker.refresh_from_db()
    assert speaker.name_zh_hant == "凌軍芬書記"
    assert not speaker.is_traditional_derived("name")


def test_traditional_rederived_when_staff_clear_it():
    speaker = Speaker.objects.create(name="凌军芬", slug="ling", name_zh_hant="自定")
    speaker.name_zh_hant = ""
    speaker.save()
    assert speaker.name_zh_hant == "凌軍芬"
    assert speaker.is_traditional_derived("name")


def test_traditional_derived_with_update_fields():
    speaker = Speaker.objects.create(name="凌军芬", slug="ling")
    speaker.name_zh_hans = "黄琪"
    speaker.save(update_fields=["name_zh_hans"])
    speaker.refresh_from_db()
    assert speaker.name_zh_hant == "黃琪"


def test_to_traditional_keeps_links_to_chinese_slugs():
    html = '<p>见<a href="/events/党建联席会议/" title="联席">会议</a></p>'
    assert to_traditional(html) == '<p>見<a href="/events/党建联席会议/" title="联席">會議</a></p>'


def test_partial_save_derives_only_the_fields_it_stores(django_assert_num_queries):
    speaker = Speaker.objects.create(name="凌军芬", slug="ling", biography="书记")
    speaker.biography_zh_hans = "副书记"
    speaker.name_zh_hans = "张磊"
    speaker.save(update_fields=["biography_zh_hans"])
    speaker.refresh_from_db()
    assert speaker.biography_zh_hant == "副書記"
    assert speaker.name_zh_hans == "凌军芬"
    assert speaker.name_zh_hant == "凌軍芬"
    with django_assert_num_queries(0):
        speaker.save(update_fields=[])
