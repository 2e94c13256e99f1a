"""The quarterly random inspection's draw (seeds/003 九(四): 随机按10%比例抽查签约项目的进展
情况…每季度抽查通报一次), reproducible by anyone.

The rule, as the inspection page shows it:

1. the population is the codes of the projects that are signed or further on (签约、审批、
   在建、竣工、投产运营) when the draw is made, sorted in ascending order (Python's string
   order) — stored with the draw;
2. the number drawn is 10% of the population rounded up, at least one: ⌈n × 10%⌉ =
   (n + 9) // 10 in whole numbers (1 of 1, 1 of 10, 2 of 11);
3. the seed is a text recorded before the draw (a value published after the population was
   fixed, e.g. a lottery number, or one the hub chose and announced), used as is:
   `random.Random(seed).sample(population, k)`. Python seeds a text through SHA-512, so the
   same text gives the same sequence on every machine and every run (PYTHONHASHSEED plays
   no part); the Python version is stored with the draw.
"""

from __future__ import annotations

import random

PERCENT = 10  # seeds/003 九(四): 随机按10%比例抽查


def sample_size(n: int) -> int:
    """10% of `n` rounded up, at least one (none of none)."""
    if n <= 0:
        return 0
    return max(1, (n * PERCENT + 99) // 100)


def draw(seed: str, population) -> list[str]:
    """The codes drawn from `population` with `seed`, in the order drawn."""
    codes = sorted(population)
    return random.Random(seed).sample(codes, sample_size(len(codes)))


def reproduction_script(seed: str, population) -> str:
    """The few lines of Python anyone can run to check a draw."""
    codes = sorted(population)
    rows = [", ".join(repr(c) for c in codes[i : i + 6]) for i in range(0, len(codes), 6)]
    listed = "".join(f"    {row},\n" for row in rows)
    return (
        "import random\n"
        f"population = [\n{listed}]\n"
        "k = max(1, (len(population) * 10 + 99) // 100)  # ⌈n × 10%⌉，至少1个\n"
        f"print(random.Random({seed!r}).sample(sorted(population), k))\n"
    )
