"""The check of the property tests (tests/*/test_properties.py) that generated values reach a
page escaped, shared by the booking, check-in and search tests."""

import re

DANGEROUS = re.compile(r'[<>"]')


def assert_escaped(body, strings, payloads):
    """No generated value reaches the page unescaped; its escaped form may. ``payloads`` are
    the markup fragments the values were built from."""
    for value in strings:
        for payload in payloads:
            if payload in value:
                assert payload not in body, f"unescaped payload {payload!r}"
        candidate = value.strip()
        if len(candidate) >= 8 and DANGEROUS.search(candidate):
            assert candidate not in body, f"unescaped value {candidate!r}"
