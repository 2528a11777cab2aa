import pytest

from search.text import (
    MAX_QUERY_LENGTH,
    NO_WORDS,
    TOO_LONG,
    TOO_SHORT,
    double,
    fold,
    parse_query,
)


@pytest.mark.parametrize(
    "traditional, simplified",
    [("黨建", "党建"), ("陸家嘴", "陆家嘴"), ("衞生", "卫生"), ("裡面", "里面"), ("頭髮", "头发")],
)
def test_fold_traditional_and_simplified_alike(traditional, simplified):
    assert fold(traditional) == fold(simplified)


def test_fold_full_width_and_case():
    assert fold("ＡＢＣ Party") == "abc party"


def test_fold_character_by_character_keeps_substrings():
    """乾隆 is a phrase OpenCC keeps; 乾 alone becomes 干. Folded one character at a time,
    a part of a text is still a part of the folded text."""
    assert fold("乾") in fold("乾隆皇帝")


def test_double_repeats_every_character():
    assert double("党建") == "党党建建"


@pytest.mark.parametrize("query", ["建党", "党建引", "aa", "建建"])
def test_double_finds_exactly_what_plain_text_finds(query):
    for text in ["党建引领", "建党", "aaa", "a", "建党建建", "党"]:
        assert (double(query) in double(text)) == (query in text), (query, text)


def test_parse_query_two_chinese_characters():
    assert parse_query(" 党建 ").terms == ["党建"]


def test_parse_query_folds_traditional():
    assert parse_query("黨建").terms == ["党建"]


def test_parse_query_splits_words_and_drops_surrounding_punctuation():
    assert parse_query("“陆家嘴”！  Party-building, 党建").terms == [
        "陆家嘴",
        "party-building",
        "党建",
    ]


def test_parse_query_empty_is_no_search():
    query = parse_query("   ")
    assert query.terms == [] and query.problem == ""


@pytest.mark.parametrize("raw", ["？！", "!!!", "……", "—— ，。", "🎉🎉"])
def test_parse_query_punctuation_only_has_a_problem(raw):
    query = parse_query(raw)
    assert query.terms == []
    assert query.problem == NO_WORDS


@pytest.mark.parametrize("raw", ["党", "党 建", "a", "“党”"])
def test_parse_query_single_characters_have_a_problem(raw):
    query = parse_query(raw)
    assert query.terms == []
    assert query.problem == TOO_SHORT


def test_parse_query_too_long_has_a_problem():
    query = parse_query("党" * (MAX_QUERY_LENGTH + 1))
    assert query.terms == []
    assert query.problem == TOO_LONG % {"limit": MAX_QUERY_LENGTH}


def test_parse_query_at_the_limit_is_searched():
    assert parse_query("党" * MAX_QUERY_LENGTH).terms == ["党" * MAX_QUERY_LENGTH]


def test_parse_query_control_characters_separate_terms():
    assert parse_query("党建\x00陆家嘴").terms == ["党建", "陆家嘴"]
