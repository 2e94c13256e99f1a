"""Text similarity for "is this the same thing?" prompts: an appeal typed at intake against
the enterprise's open appeals (appeals.selectors), an enterprise added at intake against
the library (enterprises.selectors). Chinese has no spaces, so overlapping character
pairs (bigrams) are a fair, cheap unit; the score is their Dice coefficient."""

from __future__ import annotations

# Punctuation that says nothing about what a text is about (both widths).
IGNORED = "，。、；：！？,.;:!?（）()“”\"'《》<>【】[]·-—_/\\ 　"


def bigrams(text: str) -> set[str]:
    chars = [c for c in (text or "").lower() if not c.isspace() and c not in IGNORED]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def text_similarity(a: str, b: str) -> float:
    """Dice coefficient over character bigrams, 0..1."""
    x, y = bigrams(a), bigrams(b)
    if not x or not y:
        return 0.0
    return 2 * len(x & y) / (len(x) + len(y))
