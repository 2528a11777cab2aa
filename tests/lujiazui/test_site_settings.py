"""Site settings staff edit: filing numbers and the office's contact details in the footer."""

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.urls import reverse

from lujiazui import roles
from lujiazui.models import CACHE_KEY, SiteSettings

pytestmark = pytest.mark.django_db

ICP = "沪ICP备2020000000号-1"
PSB = "沪公网安备31011502000000号"


def settings_form(**fields):
    return {
        "icp_filing": ICP,
        "public_security_filing": PSB,
        "office_name_zh_hans": "陆家嘴街道办事处",
        "address_zh_hans": "浦东新区东昌路1号",
        "phone": "021-5888 0000",
        "email": "office@example.gov.cn",
        "office_hours_zh_hans": "周一至周五 9:00–17:00",
    } | fields


@pytest.fixture
def publisher(login):
    return login(roles.PUBLISHER)[0]


def test_footer_shows_filings_linked_to_their_registers_after_staff_save(client, publisher):
    page = publisher.get(reverse("admin:lujiazui_sitesettings_changelist"))
    assert page.status_code == 302
    response = publisher.post(page["Location"], settings_form())
    assert response.status_code == 302
    html = client.get(reverse("home")).content.decode()
    assert f'<a href="https://beian.miit.gov.cn/" rel="noopener">{ICP}</a>' in html
    assert "https://beian.mps.gov.cn/#/query/webSearch?code=31011502000000" in html
    assert 'href="tel:02158880000"' in html and "浦东新区东昌路1号" in html
    traditional = client.get("/zh-hant/").content.decode()
    assert "浦東新區東昌路1號" in traditional  # derived by OpenCC


def test_public_security_number_needs_its_digits(publisher):
    page = publisher.get(reverse("admin:lujiazui_sitesettings_changelist"))
    response = publisher.post(page["Location"], settings_form(public_security_filing="沪公网安备"))
    assert response.status_code == 200
    assert "public_security_filing" in response.context["adminform"].form.errors
    assert not SiteSettings.objects.exclude(public_security_filing="").exists()


def test_footer_without_settings_shows_no_filing_or_contact(client):
    html = client.get(reverse("home")).content.decode()
    assert "beian" not in html and "office-contact" not in html
    assert reverse("routes:privacy") in html  # the privacy notice is linked from every page


def test_settings_are_read_from_the_cache_and_refreshed_on_save(client, django_assert_num_queries):
    SiteSettings(icp_filing=ICP).save()
    assert cache.get(CACHE_KEY) is None  # the save cleared it
    client.get(reverse("network"))  # loads it once
    with django_assert_num_queries(0):
        assert SiteSettings.load().icp_filing == ICP
    SiteSettings(icp_filing="沪ICP备2020000001号").save()
    assert "沪ICP备2020000001号" in client.get(reverse("home")).content.decode()


def test_privacy_notice_gives_the_office_contact_once_set(client):
    assert "Contact details will be published" in client.get("/en/privacy/").content.decode()
    SiteSettings(email="office@example.gov.cn", office_name="陆家嘴街道办事处").save()
    html = client.get("/en/privacy/").content.decode()
    assert "mailto:office@example.gov.cn" in html
    assert "Contact details will be published" not in html


def test_editors_cannot_change_site_settings(client, django_user_model):
    user = django_user_model.objects.create_user("bianji", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    client.force_login(user)
    assert client.get(reverse("admin:lujiazui_sitesettings_changelist")).status_code == 403


def test_public_security_number_of_other_length_is_refused(publisher):
    page = publisher.get(reverse("admin:lujiazui_sitesettings_changelist"))
    response = publisher.post(
        page["Location"], settings_form(public_security_filing="沪公网安备310115020000001234号")
    )
    assert response.status_code == 200
    assert "public_security_filing" in response.context["adminform"].form.errors


def test_settings_cached_again_before_the_commit_are_cleared_by_it(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        SiteSettings(icp_filing=ICP).save()
        cache.set(CACHE_KEY, SiteSettings(pk=1))  # a request that read the old row
    assert cache.get(CACHE_KEY) is None
