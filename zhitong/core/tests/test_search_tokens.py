"""The search tokenizer (zhitong/core/search.py, docs/search.md)."""

from zhitong.core.search import WORD_MAX, document_tokens, query_runs, tsquery_literal, tsvector_literal


def lexemes(*texts, **kw):
    return set(document_tokens(*texts, **kw))


def test_a_cjk_run_gives_its_overlapping_bigrams_and_its_last_character():
    assert lexemes("用地指标") == {"用地", "地指", "指标", "标"}


def test_no_bigram_spans_a_punctuation_break():
    assert lexemes("用地，指标") == {"用地", "地", "指标", "标"}


def test_ascii_words_are_case_folded_and_split_from_chinese():
    assert lexemes("申请AEO认证") == {"申请", "请", "aeo", "认证", "证"}


def test_letters_and_digits_make_one_word():
    assert lexemes("ISO9001体系") == {"iso9001", "体系", "系"}


def test_full_width_letters_digits_and_punctuation_are_normalized():
    assert lexemes("ＡＥＯ认证２０２６年，用地") == {"aeo", "认证", "证", "2026", "年", "用地", "地"}


def test_punctuation_and_symbols_only_separate():
    assert lexemes("“用地”、（融资）！%_\\' \t\n") == {"用地", "地", "融资", "资"}


def test_a_single_character_run_is_a_lexeme():
    assert lexemes("约5亩") == {"约", "5", "亩"}


def test_the_code_is_three_words_and_the_extra_lexemes():
    assert lexemes("ZT-2026-000123", extra=("123",)) == {"zt", "2026", "000123", "123"}


def test_long_words_are_cut():
    assert lexemes("a" * 100) == {"a" * WORD_MAX}


def test_the_tsvector_literal_quotes_and_sorts():
    assert tsvector_literal({"b'c", "a\\"}) == "'a\\\\' 'b''c'"


def test_a_two_character_query_is_one_lexeme():
    assert tsquery_literal("用地") == "'用地'"


def test_a_longer_query_is_an_and_of_its_bigrams():
    assert tsquery_literal("生产线") == "'生产' & '产线'"
    assert tsquery_literal("用地指标") == "'用地' & '地指' & '指标'"
    assert tsquery_literal("生产生产") == "'生产' & '产生'"


def test_a_single_character_or_a_word_is_a_prefix():
    assert tsquery_literal("电") == "'电':*"
    assert tsquery_literal("ａｅ") == "'ae':*"


def test_the_parts_of_a_query_are_anded():
    assert tsquery_literal("AEO认证 用地") == "'aeo':* & '认证' & '用地'"
    assert tsquery_literal("ZT-2026-000123") == "'zt':* & '2026':* & '000123':*"


def test_a_query_of_punctuation_only_is_empty():
    for q in ["", "   ", "%", "_", "\\", "'\"", "%_\\'", "\x00\x01\x1f", "！？。"]:
        assert tsquery_literal(q) == ""


def test_a_very_long_query_is_cut_and_repeated_runs_dropped():
    assert [r.text for r in query_runs("用地 " * 1000)] == ["用地", "用"]  # 64 characters, cut
    assert len(tsquery_literal("用" * 10_000)) < 1000
