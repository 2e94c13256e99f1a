"""Chinese full-text search tokens (docs/search.md): one tokenizer for the stored search
documents (a PostgreSQL `tsvector`, config-free) and for the queries run against them.

Chinese has no spaces, and a dictionary segmenter splits the same word differently in
different sentences, so a text is cut into runs and each run into overlapping pairs:

- NFKC first (full-width ＡＢＣ１２３ and ，。 become ABC123 and ,.), then case-folded;
- a run of CJK characters (Han, kana, Hangul) gives its overlapping bigrams at consecutive
  positions, and its last character alone (so that one character can be found with a
  prefix query: every character of a run starts a bigram or ends the run);
- a run of other letters and digits gives one word (at most WORD_MAX characters);
- anything else (punctuation, spaces, symbols) ends a run; positions jump by two across
  it, so a phrase never matches across a punctuation break.

A query is cut the same way: each CJK run of two or more characters becomes a phrase of its
bigrams (`'生产' <-> '产线'`: the exact substring, not just the same pairs somewhere), a single
CJK character or a word becomes a prefix (`'用':*`, `'aeo':*`), and the parts are ANDed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import models

# CJK Unified Ideographs (+ extension A and the compatibility block, extensions B–G),
# the CJK ideographic zero 〇, kana and Hangul syllables: scripts written without spaces.
_CJK = "\u3007\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_RUNS = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}]+)")

WORD_MAX = 32  # longer words are cut (document and query alike): a lexeme stays small
QUERY_MAX = 64  # query characters looked at; the rest is ignored
POSITION_MAX = 16383  # PostgreSQL clamps tsvector positions here


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


def document_tokens(*texts: str, extra: tuple[str, ...] = ()) -> dict[str, list[int]]:
    """Lexeme → positions for the texts in order (a gap of two between runs and texts).
    `extra` lexemes (e.g. the whole appeal code) are added at the first position."""
    tokens: dict[str, list[int]] = {}
    pos = 1

    def add(token: str, at: int) -> None:
        tokens.setdefault(token, []).append(min(at, POSITION_MAX))

    for text in texts:
        for run in runs(text):
            if run.cjk:
                chars = run.text
                for i in range(len(chars) - 1):
                    add(chars[i : i + 2], pos)
                    pos += 1
                add(chars[-1], pos)
                pos += 1
            else:
                add(run.text, pos)
                pos += 1
            pos += 1
    for token in extra:
        add(token, 1)
    return tokens


def _quote(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: dict[str, list[int]]) -> str:
    """The `tsvector` input text (`'用地':3,17 'aeo':5`); positions sorted, at most 256 per
    lexeme (PostgreSQL keeps no more)."""
    return " ".join(
        f"{_quote(t)}:{','.join(str(p) for p in sorted(set(ps))[:256])}" for t, ps in sorted(tokens.items())
    )


def query_runs(q: str) -> list[Run]:
    """The runs of a query (its first QUERY_MAX characters), duplicates dropped."""
    seen, out = set(), []
    for run in runs((q or "")[:QUERY_MAX]):
        if run not in seen:
            seen.add(run)
            out.append(run)
    return out


def tsquery_literal(q: str) -> str:
    """The `tsquery` input text for a query, "" when it holds nothing to search for."""
    parts = []
    for run in query_runs(q):
        if run.cjk and len(run.text) > 1:
            grams = [run.text[i : i + 2] for i in range(len(run.text) - 1)]
            parts.append(
                "(" + " <-> ".join(_quote(g) for g in grams) + ")" if len(grams) > 1 else _quote(grams[0])
            )
        else:
            parts.append(_quote(run.text) + ":*")
    return " & ".join(parts)


class SearchDocumentField(models.TextField):
    """A stored search document: a `tsvector` on PostgreSQL (GIN-indexed by the owning
    app's migration), plain text elsewhere (SQLite searches the fields themselves)."""

    def db_type(self, connection):
        return "tsvector" if connection.vendor == "postgresql" else "text"
