import os
import shutil
import socket
import subprocess
import tempfile
import time

import hypothesis
import pytest
import redis
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import translation
from hypothesis import HealthCheck, Phase

from lujiazui.models import CACHE_KEY, SiteSettings


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Tests do not depend on a collectstatic manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.com", "x-7Hq9!pLm")
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def simplified_chinese():
    """Each test starts in the default language: the test client leaves the language of its
    last request active, which would leak into reverse() and get_absolute_url()."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test starts with an empty cache (rate limits count there), but for the site
    settings every page reads from it: unsaved defaults, so that page query counts do not
    depend on which test ran before. Saving the settings replaces them. The page cache is
    off (a CACHE_URL in the environment would turn it on); its own tests turn it on."""
    settings.PAGE_CACHE = False
    cache.clear()
    cache.set(CACHE_KEY, SiteSettings(pk=1), None)
    yield
    cache.clear()


@pytest.fixture
def login(django_user_model):
    """``login(role, name=None)``: a client logged in as a new staff member of the group
    ``role`` (lujiazui.roles), and that user."""

    def as_role(role, name=None):
        user = django_user_model.objects.create_user(
            name or f"user-{abs(hash(role))}", password="x-7Hq9!pLm", is_staff=True
        )
        user.groups.add(Group.objects.get(name=role))
        client = Client()
        client.force_login(user)
        return client, user

    return as_role


@pytest.fixture(scope="session")
def redis_url():
    """A real redis-server for the tests of the shared cache: TEST_REDIS_URL when set, else
    one started here on a free port, without persistence. Under CI it must be there."""
    if os.environ.get("TEST_REDIS_URL"):
        yield os.environ["TEST_REDIS_URL"]
        return
    server = shutil.which("redis-server")
    if server is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing (scripts/system-deps redis installs it)")
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _attempt in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("redis-server did not start")
    yield url
    process.terminate()
    process.wait()


# Hypothesis (tests/*/test_properties.py) keeps its caches outside the repository, and no
# example database; no deadline (pages take a while); each test sets its max_examples.
os.environ.setdefault(
    "HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "lujiazui-hypothesis")
)
hypothesis.settings.register_profile(
    "lujiazui",
    deadline=None,
    database=None,
    derandomize=False,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
hypothesis.settings.load_profile("lujiazui")
