import os

import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_is_the_one_database_url_names():
    """The PostgreSQL pass of `make test` really runs on PostgreSQL, not SQLite again."""
    url = os.environ.get("DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected
    if expected == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_encoding")
            assert cursor.fetchone()[0] == "UTF8"
