"""The row heights' fast line count (core/spreadsheets.py `_fast_lines`, by bisecting the
running widths) gives the exact walk's count (`_paragraph_lines`, piece by piece) on any
mix of CJK, Latin, digits, the 禁则 punctuation, spaces and combining marks, at any width."""

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from zhitong.core.spreadsheets import (
    _NO_LINE_END,
    _NO_LINE_START,
    FONT_SIZE,
    TITLE_SIZE,
    _fast_lines,
    _line_measure,
    _paragraph_lines,
    _usable_px,
    line_count,
)

CJK = "企业项目协调问题园区用地审批已办结"
LATIN = "abcXYZ019"
PUNCT = "".join(sorted(_NO_LINE_START | _NO_LINE_END))
SPACES = " \u3000\t\r"
ODD = "\u0301\u0300ＡｱÀ😀-/@_"  # a combining mark, full- and half-width forms, an emoji
ALPHABET = CJK + LATIN + PUNCT + SPACES + ODD + "\n"


def exact(text, width: float, font_pt: float = FONT_SIZE) -> int:
    """line_count by the exact walk alone."""
    if text is None or text == "":
        return 1
    return sum(_paragraph_lines(p, _usable_px(width), font_pt) for p in str(text).split("\n"))


runs = st.one_of(
    st.text(st.sampled_from(CJK), min_size=1, max_size=30),
    st.text(st.sampled_from(LATIN), min_size=1, max_size=40),  # words, phone numbers, longer than a line
    st.text(st.sampled_from(PUNCT), min_size=1, max_size=3),
    st.text(st.sampled_from(SPACES), min_size=1, max_size=3),
    st.text(st.sampled_from(ALPHABET), min_size=1, max_size=10),
)
texts = st.lists(runs, max_size=25).map("".join)
# Any width, and the widths whose line is a whole number of half-ems (the edge the fast count
# leaves to the exact walk).
edge_widths = st.integers(1, 120).map(lambda k: (k * 11 * 96 / 72 / 2 / 0.98 - 2) / 7)
widths = st.one_of(st.integers(1, 40), st.floats(0.1, 60), edge_widths)


# Derandomized and without an example database, as the suite's other property tests: the
# same 1,000 cases on every run and nothing written under the checkout.
@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(text=texts, width=widths, font_pt=st.sampled_from([FONT_SIZE, TITLE_SIZE, 9.5]))
def test_the_fast_count_is_the_exact_walks(text, width, font_pt):
    assert line_count(text, width, font_pt) == exact(text, width, font_pt)
    usable, half_ems = _line_measure(width, font_pt)
    for p in text.split("\n"):
        if half_ems:  # the fast count itself, not a remembered count
            assert _fast_lines(p, half_ems) in (None, _paragraph_lines(p, usable, font_pt))


def test_on_many_random_texts_at_the_ledgers_widths():
    rng = random.Random(14)
    weights = [(CJK, 60), (LATIN, 15), (PUNCT, 12), (SPACES, 5), (ODD, 2), ("\n", 1)]
    pools, w = zip(*weights, strict=True)
    decided = 0
    for _ in range(5_000):
        n = rng.choice([5, 20, 60, 150, 400])
        text = "".join(rng.choice(rng.choices(pools, w)[0]) for _ in range(n))
        width = rng.choice([5, 7, 12, 14, 21, 22, 23, rng.uniform(1, 50)])
        assert line_count(text, width) == exact(text, width), (text, width)
        decided += _fast_lines(text.split("\n")[0], 21) is not None
    assert decided > 3_500  # the fast count decides nearly all of them itself


def test_the_fast_count_decides_a_ledgers_cells_itself():
    text = "企业今年出口订单同比增长，申请海关AEO高级认证已3个月未有进展（见附件），希望相关部门给予指导。"
    assert _fast_lines(text, 21) == _paragraph_lines(text, _usable_px(23), FONT_SIZE) == 5
    assert _fast_lines("a" * 30, 21) is None  # a word wider than the line: the exact walk breaks it


def test_the_per_character_caches_stay_bounded_and_give_the_same_counts(monkeypatch):
    """Text cycling through more distinct characters than the caches hold (a hostile
    submission, exported) empties them instead of growing them; the counts do not change."""
    from zhitong.core import spreadsheets as sp

    monkeypatch.setattr(sp, "CHAR_CACHE_MAX", 500)
    rng = random.Random(14)
    texts = ["".join(chr(rng.randrange(0x4E00, 0x9FFF)) for _ in range(300)) + " abc，" for _ in range(20)]
    first = [line_count(t, 30) for t in texts]
    caches = [sp._CLASS, sp._WIDE, sp._CODES, *sp._WIDTHS.values()]
    assert all(len(cache) <= 500 for cache in caches)
    for cache in [*caches, sp._COUNTS]:
        cache.clear()
    assert [line_count(t, 30) for t in texts] == first
    assert [exact(t, 30, FONT_SIZE) for t in texts] == first
