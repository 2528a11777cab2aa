"""Text as search compares it: both the indexed text and the reader's query are *folded*
the same way, so that Traditional finds Simplified and the reverse, and then *doubled*, so
that PostgreSQL's trigram index serves queries of two characters (see ``double``).

Folding works character by character (NFKC, lower case, then OpenCC's Taiwan and Hong Kong
Traditional → Simplified tables, one character at a time). A phrase-level conversion could
segment a query differently from the text it appears in (乾隆 is kept as a phrase, 乾 alone
becomes 干); character by character, whatever is a substring of a text before folding is a
substring after, so every match survives the folding.
"""

import html
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import opencc
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

MAX_QUERY_LENGTH = 100
MIN_TERM_LENGTH = 2

TOO_LONG = _("Enter at most %(limit)d characters.")
TOO_SHORT = _("Enter at least two characters.")
NO_WORDS = _("Enter words, names or numbers: punctuation and symbols alone cannot be searched.")


@lru_cache(maxsize=1)
def _converters():
    # Taiwan and Hong Kong variants first (裡, 衞 …), each ending in OpenCC's t2s tables.
    return opencc.OpenCC("tw2s"), opencc.OpenCC("hk2s")


class _FoldingTable(dict):
    """A ``str.translate`` table filled on demand: each character goes through OpenCC once."""

    def __missing__(self, codepoint):
        folded = chr(codepoint)
        if not folded.isascii():
            for converter in _converters():
                folded = converter.convert(folded)
        self[codepoint] = folded
        return folded


_FOLDING = _FoldingTable()


def fold(text):
    """``text`` as search compares it: 黨建 and 党建 both give 党建, ＡＢＣ and Abc give abc."""
    return unicodedata.normalize("NFKC", text).lower().translate(_FOLDING)


def double(text):
    """Every character twice: 党建 → 党党建建.

    pg_trgm indexes runs of three characters, so it can find nothing to look up in a
    two-character pattern such as ``%党建%`` and PostgreSQL reads the whole table. Stored
    and searched doubled, the same pattern becomes ``%党党建建%``, which holds two
    trigrams, and the index serves it. Doubling changes no answer: the doubled query occurs
    in the doubled text exactly when the query occurs in the text (an occurrence at an odd
    offset needs all the characters involved to be equal, and then the query occurs at an
    even one too).
    """
    return "".join(character * 2 for character in text)


def searchable(text, rich=False):
    """Folded text of one field; rich text loses its tags and entities."""
    if not text:
        return ""
    if rich:
        text = html.unescape(strip_tags(text))
    return fold(text)


@dataclass
class Query:
    """What the reader typed, the terms to look for (all must occur) and what is wrong with
    it, if anything (a message for the reader; then there are no terms)."""

    text: str = ""
    terms: list[str] = field(default_factory=list)
    problem: str = ""


def _is_word_character(character):
    return character.isalnum()


def _trim(term):
    """A term without the punctuation around it: “党建”！ → 党建."""
    start, end = 0, len(term)
    while start < end and not _is_word_character(term[start]):
        start += 1
    while end > start and not _is_word_character(term[end - 1]):
        end -= 1
    return term[start:end]


def parse_query(raw):
    """Split the reader's query into folded terms, or say why it cannot be searched.

    Whitespace and control characters separate terms; punctuation around a term is dropped.
    At least one term needs two characters or more; the query is at most
    ``MAX_QUERY_LENGTH`` characters long.
    """
    text = (raw or "").strip()
    if not text:
        return Query()
    if len(text) > MAX_QUERY_LENGTH:
        return Query(text, problem=TOO_LONG % {"limit": MAX_QUERY_LENGTH})
    # control characters (NUL included, which PostgreSQL refuses in text) separate terms
    spaced = "".join(" " if unicodedata.category(c).startswith("C") else c for c in text)
    folded = fold(spaced)
    if not any(_is_word_character(character) for character in folded):
        return Query(text, problem=str(NO_WORDS))
    terms = []
    for term in map(_trim, folded.split()):
        if term and term not in terms:
            terms.append(term)
    if not any(len(term) >= MIN_TERM_LENGTH for term in terms):
        return Query(text, problem=str(TOO_SHORT))
    return Query(text, terms=terms)
