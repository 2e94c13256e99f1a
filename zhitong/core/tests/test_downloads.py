"""Download names: Chinese with an ASCII fallback, through one helper."""

import io
from urllib.parse import unquote

from zhitong.core.downloads import (
    XLSX,
    ascii_name,
    content_disposition,
    download,
    file_download,
    file_name,
)


def test_the_header_carries_the_chinese_name_and_an_ascii_fallback():
    header = content_disposition("附件3_市工业和信息化局_2026年11月.xlsx", fallback="annex3-GXJ-2026-11.xlsx")
    assert header.startswith("attachment; filename=\"annex3-GXJ-2026-11.xlsx\"; filename*=UTF-8''")
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert encoded.isascii() and " " not in encoded
    assert unquote(encoded) == "附件3_市工业和信息化局_2026年11月.xlsx"


def test_a_name_is_joined_from_its_parts_and_made_safe():
    assert (
        file_name("附件2", "市发展改革委", "2026年11月", ext="xlsx") == "附件2_市发展改革委_2026年11月.xlsx"
    )
    assert file_name("诉求清单", "", "2026年11月20日", ext=".xlsx") == "诉求清单_2026年11月20日.xlsx"
    assert file_name('a/b\\c:"d"', ext="pdf") == "a_b_c__d_.pdf"


def test_without_a_fallback_the_ascii_name_keeps_what_it_can():
    assert ascii_name("附件3_GXJ_2026年11月.xlsx") == "3_GXJ_2026_11.xlsx"
    assert ascii_name("企业诉求.docx") == "download.docx"
    header = content_disposition('报告"1".pdf', inline=True)
    assert header.startswith('inline; filename="1.pdf"')
    assert '"1"' not in header.split("filename*=")[1]


def test_generated_and_stored_files_get_the_same_header():
    r = download(b"x", name="附件2_全市汇总_2026年11月.xlsx", fallback="annex2.xlsx", content_type=XLSX)
    assert r["Content-Type"] == XLSX
    assert r["Content-Disposition"] == content_disposition(
        "附件2_全市汇总_2026年11月.xlsx", fallback="annex2.xlsx"
    )
    f = file_download(io.BytesIO(b"%PDF"), name="纪要.pdf", fallback="minutes-1.pdf", inline=True)
    assert f["Content-Disposition"] == content_disposition("纪要.pdf", fallback="minutes-1.pdf", inline=True)
    assert b"".join(f.streaming_content) == b"%PDF"
