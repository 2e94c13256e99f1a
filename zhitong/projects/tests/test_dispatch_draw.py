"""The quarterly inspection's draw (seeds/003 九(四)): 10% rounded up, at least one, and
reproducible by anyone from the recorded seed and population."""

import random

import pytest

from zhitong.projects.dispatch import draw


@pytest.mark.parametrize(
    ("n", "k"), [(0, 0), (1, 1), (9, 1), (10, 1), (11, 2), (19, 2), (20, 2), (21, 3), (100, 10), (101, 11)]
)
def test_the_sample_is_ten_percent_rounded_up_and_at_least_one(n, k):
    assert draw.sample_size(n) == k
    codes = [f"P-{i:03d}" for i in range(n)]
    assert len(draw.draw("2026Q4-3D-518", codes)) == k


@pytest.mark.parametrize("n", [1, 10, 11])
def test_the_same_seed_and_population_give_the_same_draw(n):
    codes = [f"XM-2026-{i:03d}" for i in range(n)]
    first = draw.draw("2026-10-09 福彩3D 518", codes)
    # The same population in another order, drawn again: the same codes in the same order.
    assert draw.draw("2026-10-09 福彩3D 518", list(reversed(codes))) == first
    assert len(set(first)) == len(first) and set(first) <= set(codes)


def test_the_draw_is_pythons_random_sample_over_the_sorted_codes():
    codes = ["P-10", "P-02", "P-31", "P-07", "P-25", "P-11", "P-03", "P-40", "P-18", "P-09", "P-21", "P-33"]
    expected = random.Random("seed-42").sample(sorted(codes), 2)
    assert draw.draw("seed-42", codes) == expected


def test_another_seed_gives_another_draw():
    codes = [f"P-{i:03d}" for i in range(200)]
    assert draw.draw("A", codes) != draw.draw("B", codes)


def test_the_script_on_the_page_reproduces_the_draw():
    codes = [f"P-{i:02d}" for i in range(23)]
    out = {}
    script = draw.reproduction_script("上证指数 3312.45", codes).replace("print(", "out['drawn'] = (")
    exec(script, {"out": out})
    assert out["drawn"] == draw.draw("上证指数 3312.45", codes)
