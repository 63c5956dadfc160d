"""Full-text search in Chinese without a word segmenter: character bigrams.

Chinese has no spaces between words, and jieba is not installed, so every searchable row keeps a
``search_terms`` column: each run of Chinese characters cut into overlapping bigrams (知识产权 →
知识 识产 产权; a lone character stays a unigram) and each ASCII word in lower case (IP, 5G →
ip 5g), space-separated. A query is cut the same way and every one of its terms must occur.

- SQLite: an FTS5 table per model over ``search_terms`` (external content, kept in sync by
  triggers; created by migration 0002 only on SQLite);
- PostgreSQL: ``to_tsvector('simple', search_terms)`` with a GIN index (migration 0002, only on
  PostgreSQL);
- a single Chinese character can only be found by substring (it is inside the bigrams), so such
  query terms use ``LIKE`` on both backends, as does any other backend for every term.

:func:`search_filter` hides the difference from the selectors.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db import connections
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TOKEN = re.compile(rf"[{_CJK}]+|[a-z0-9]+")
_IS_CJK = re.compile(rf"[{_CJK}]")
SEARCHABLE_TABLES = ("marketplace_product", "marketplace_demand", "marketplace_crowdfundingproject")


def tokens(text: str) -> list[str]:
    """Bigrams of the Chinese runs and the ASCII words of ``text``, in order, with repeats."""
    out: list[str] = []
    normal = unicodedata.normalize("NFKC", text or "").lower()
    for run in _TOKEN.findall(normal):
        if _IS_CJK.match(run):
            if len(run) == 1:
                out.append(run)
            else:
                out.extend(run[i : i + 2] for i in range(len(run) - 1))
        else:
            out.append(run)
    return out


def search_terms(*texts: str) -> str:
    """The ``search_terms`` value of a row: its distinct terms, space-separated."""
    seen: dict[str, None] = {}
    for text in texts:
        for t in tokens(text):
            seen.setdefault(t, None)
    return " ".join(seen)


def query_terms(query: str) -> list[str]:
    """The distinct terms a query asks for."""
    return list(dict.fromkeys(tokens(query)))


def _fts5_query(terms: Iterable[str]) -> str:
    return " AND ".join(f'"{t}"*' if t.isascii() else f'"{t}"' for t in terms)


def _tsquery(terms: Iterable[str]) -> str:
    return " & ".join(f"{t}:*" if t.isascii() else t for t in terms)


def search_filter(qs: QuerySet, query: str) -> QuerySet:
    """``qs`` restricted to the rows whose terms contain every term of ``query`` (none when the
    query has no term)."""
    terms = query_terms(query)
    if not terms:
        return qs.none()
    table = qs.model._meta.db_table
    if table not in SEARCHABLE_TABLES:
        raise ValueError(f"{table} has no search index")
    indexed = [t for t in terms if len(t) > 1 or t.isascii()]
    single = [t for t in terms if t not in indexed]
    vendor = connections[qs.db].vendor
    if indexed and vendor == "sqlite":
        # The table comes from SEARCHABLE_TABLES, the user's terms travel as a parameter.
        sql = f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH %s"  # noqa: S608
        qs = qs.filter(pk__in=RawSQL(sql, [_fts5_query(indexed)]))  # noqa: S611
    elif indexed and vendor == "postgresql":
        sql = f"to_tsvector('simple', \"{table}\".\"search_terms\") @@ to_tsquery('simple', %s)"
        qs = qs.filter(RawSQL(sql, [_tsquery(indexed)], output_field=BooleanField()))  # noqa: S611
    else:
        single = terms
    for t in single:
        qs = qs.filter(search_terms__contains=t)
    return qs
