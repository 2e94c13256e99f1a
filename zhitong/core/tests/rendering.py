"""Rendering a generated file with LibreOffice, for the tests that check it reads whole when
printed. `make test` installs LibreOffice (Writer and Calc) and poppler's pdftotext (`make
documents`); run alone, the tests are skipped where soffice or pdftotext is missing."""

import re
import shutil
import subprocess

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")

needs_soffice = pytest.mark.skipif(
    not (SOFFICE and PDFTOTEXT), reason="LibreOffice (soffice) and pdftotext are not installed"
)


def printed_text(content: bytes, *, suffix: str, tmp_path) -> str:
    """The text of the PDF LibreOffice prints `content` to, without white space (a wrapped
    line joins the next). A line a cell cuts off is not printed, so text that is there
    reads whole."""
    src = tmp_path / f"document{suffix}"
    src.write_bytes(content)
    # A profile of its own: two test workers must not share LibreOffice's lock.
    profile = f"-env:UserInstallation=file://{tmp_path}/lo-profile"
    subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    if not (tmp_path / "document.pdf").exists():
        # soffice answers 0 when it has no filter for the file (Calc without Writer, say).
        pytest.fail(
            f"LibreOffice printed no PDF of the {suffix} file: is its component installed? (make documents)"
        )
    out = subprocess.run(
        # -raw: in the order LibreOffice draws, one cell after another (the default layout
        # interleaves the lines of cells side by side).
        [PDFTOTEXT, "-raw", str(tmp_path / "document.pdf"), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return re.sub(r"\s+", "", out.stdout.decode("utf-8"))
