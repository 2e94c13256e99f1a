"""Chinese full-text search tokens (docs/search.md): one tokenizer for the stored search
documents (a PostgreSQL `tsvector`, config-free) and for the queries run against them.

Chinese has no spaces, and a dictionary segmenter splits the same word differently in
different sentences, so a text is cut into runs and each run into overlapping pairs:

- NFKC first (full-width ＡＢＣ１２３ and ，。 become ABC123 and ,.), then case-folded;
- a run of CJK characters (Han, kana, Hangul) gives its overlapping bigrams and its last
  character alone (so that one character can be found with a
  prefix query: every character of a run starts a bigram or ends the run);
- a run of other letters and digits gives one word (at most WORD_MAX characters);
- anything else (punctuation, spaces, symbols) ends a run: no bigram spans a punctuation
  break, so "用，地" is not found by "用地".

A query is cut the same way: each CJK run of two or more characters gives its bigrams, a
single CJK character or a word a prefix (`'用':*`, `'aeo':*`), and the document must hold
them all (`'生产' & '产线'`). Bigrams are not required to be adjacent: a superset of the
substring match, which the benchmark found identical on its queries (docs/search.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models

# CJK Unified Ideographs (+ extension A and the compatibility block, extensions B–G),
# the CJK ideographic zero 〇, kana and Hangul syllables: scripts written without spaces.
_CJK = "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")

WORD_MAX = 32  # longer words are cut (document and query alike): a lexeme stays small
QUERY_MAX = 64  # query characters looked at; the rest is ignored


def normalize(text: str) -> str:
    return unicodedata.normalize("NFKC", text or "").casefold()


@dataclass(frozen=True)
class Run:
    text: str
    cjk: bool


def runs(text: str) -> list[Run]:
    """The runs of a text, normalized; words are cut to WORD_MAX characters."""
    out = []
    for m in _RUNS.finditer(normalize(text)):
        if m.group("cjk"):
            out.append(Run(m.group("cjk"), True))
        else:
            out.append(Run(m.group("word")[:WORD_MAX], False))
    return out


def document_tokens(*texts: str, extra: Iterable[str] = ()) -> set[str]:
    """The lexemes of the texts: each CJK run's bigrams and its last character, each word;
    `extra` lexemes (e.g. an appeal code's number) added as they are."""
    tokens: set[str] = set(extra)
    for text in texts:
        for run in runs(text):
            if run.cjk:
                tokens.update(run.text[i : i + 2] for i in range(len(run.text) - 1))
                tokens.add(run.text[-1])
            else:
                tokens.add(run.text)
    return tokens


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: Iterable[str]) -> str:
    """The `tsvector` input text (`'aeo' '用地' '地'`): lexemes only, no positions (docs/
    search.md: a query is an AND of lexemes, which the GIN index answers without reading the
    rows; positions would make documents larger and every phrase a recheck of each row)."""
    return " ".join(_quote(t) for t in sorted(tokens))


def query_runs(q: str) -> list[Run]:
    """The runs of a query (its first QUERY_MAX characters), duplicates dropped."""
    seen, out = set(), []
    for run in runs((q or "")[:QUERY_MAX]):
        if run not in seen:
            seen.add(run)
            out.append(run)
    return out


def query_lexemes(q: str) -> list[str]:
    """The lexemes a document must hold to match `q`; a trailing `:*` marks a prefix."""
    out: list[str] = []
    for run in query_runs(q):
        if run.cjk and len(run.text) > 1:
            out.extend(g for g in (run.text[i : i + 2] for i in range(len(run.text) - 1)) if g not in out)
        else:
            out.append(run.text + ":*")
    return out


def tsquery_literal(q: str) -> str:
    """The `tsquery` input text for a query (an AND of its lexemes), "" when it holds
    nothing to search for."""
    return " & ".join(_quote(x[:-2]) + ":*" if x.endswith(":*") else _quote(x) for x in query_lexemes(q))


class SearchDocumentField(models.TextField):
    """A stored search document: a `tsvector` on PostgreSQL (GIN-indexed by the owning
    app's migration), plain text elsewhere (SQLite searches the fields themselves)."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"
