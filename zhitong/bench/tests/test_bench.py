"""The bench's arithmetic and a smoke run of one fast section, so the command cannot rot."""

import pytest
from django.core.management import call_command

from zhitong.bench.stats import Row, median, p95, percentile, ratio, table


def test_median():
    assert median([3.0]) == 3.0
    assert median([5.0, 1.0, 3.0]) == 3.0
    assert median([4.0, 1.0, 3.0, 2.0]) == 2.5
    with pytest.raises(ValueError):
        median([])


def test_p95_is_the_nearest_rank():
    values = [float(v) for v in range(1, 101)]  # 1 … 100
    assert p95(values) == 95.0
    assert percentile(values, 50) == 50.0
    assert percentile(values, 100) == 100.0
    assert p95([7.0]) == 7.0
    assert p95([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12.0, 13.0, 14.0, 15.0]) == 15.0
    with pytest.raises(ValueError):
        percentile(values, 0)


def test_ratio():
    assert ratio(30.0, 10.0) == 3.0
    assert ratio(5.0, 20.0) == 0.25
    assert ratio(5.0, 0.0) is None


def test_table_lines_up_its_columns():
    text = table([Row("reads", "detail", 12.345, 20.0, 9, "raw SQL", 4.5, "HTTP 200")])
    head, rule, line = text.splitlines()
    assert head.startswith("section") and set(rule.replace(" ", "")) == {"-"}
    assert "12.3" in line and "4.50×" in line and "HTTP 200" in line


@pytest.mark.django_db
def test_bench_workdays_smoke(capsys):
    call_command("bench", "workdays", "--n", "2000", "--scale", "tiny")
    out = capsys.readouterr().out
    assert "add_workdays × 2,000" in out
    assert "scale tiny" in out
