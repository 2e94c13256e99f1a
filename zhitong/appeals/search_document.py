"""An appeal's search document (docs/search.md): the tokens of its code, title, description
and enterprise name. Kept apart from search.py, which queries appeals, so that
`Appeal.save()` can build the document without the models importing their own readers."""

from __future__ import annotations

import re

from zhitong.core.search import document_tokens, normalize, tsvector_literal

_CODE = re.compile(r"^zt-(\d{4})-(\d{6})$")


def code_lexemes(code: str) -> tuple[str, ...]:
    """Besides its words (zt, 2026, 000123): its number without the leading zeros (`123`),
    so the hotline can type either. (Not the whole code: a whole code is looked up by the
    unique index, and one lexeme per appeal would make the prefix `zt:*` read them all.)"""
    m = _CODE.match(normalize(code))
    return (str(int(m.group(2))),) if m else ()


def appeal_document(*, code: str, title: str, description: str, enterprise_name: str) -> str:
    """The `tsvector` text of one appeal."""
    return tsvector_literal(
        document_tokens(code, title, description, enterprise_name, extra=code_lexemes(code))
    )


def document_of(appeal) -> str:
    return appeal_document(
        code=appeal.code,
        title=appeal.title,
        description=appeal.description,
        enterprise_name=appeal.enterprise.name if appeal.enterprise_id else "",
    )
