"""PDF policies: their text goes through extract's plain-text path; a broken PDF is no policy."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from watcher.errors import AnomalyError, ExtractError
from watcher.extract import extract, is_pdf
from watcher.models import BlockKind, ExtractRules, Fetched
from watcher.normalize import normalize
from watcher.pdf import pdf_text


def _escape(line: str) -> bytes:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1")


def make_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose pages show these lines in Helvetica, one under the other, with a valid xref.

    Written by hand (the format is small enough) so the tests need no PDF-writing dependency.
    """
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]  # pages filled in below
    font = 3
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    kids = []
    for lines in pages:
        ops = [b"BT /F1 11 Tf 14 TL 72 740 Td"]
        ops += [b"(" + _escape(line) + b") Tj T*" for line in lines]
        ops.append(b"ET")
        content = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        contents = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
            b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (contents, font)
        )
        kids.append(b"%d 0 R" % len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


POLICY_PAGES = [
    [
        "PRIVACY POLICY",
        "We collect your e-mail address to run your account and we",
        "never sell it to anyone, for any purpose (not even to partners).",
        "",
        "- Payment data is handled by our payment processor.",
        "1",
    ],
    [
        "Retention",
        "Invoices are kept for ten years, as the law requires.",
        "Page 2 of 2",
    ],
]


def fetched(body: bytes, content_type: str = "application/pdf") -> Fetched:
    return Fetched(
        url="https://example.com/privacy.pdf",
        status=200,
        content_type=content_type,
        body=body,
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
    )


def test_pdf_text_reads_every_page_and_drops_page_numbers() -> None:
    text = pdf_text(make_pdf(POLICY_PAGES))
    assert "We collect your e-mail address" in text
    assert "Invoices are kept for ten years" in text
    lines = [line.strip() for line in text.splitlines()]
    assert "1" not in lines and "Page 2 of 2" not in lines


@pytest.mark.parametrize("content_type", ["application/pdf", "application/octet-stream", ""])
def test_a_pdf_policy_goes_through_the_plain_text_path(content_type: str) -> None:
    doc = normalize(extract(fetched(make_pdf(POLICY_PAGES), content_type)))
    assert [(b.kind, b.text) for b in doc.blocks] == [
        (BlockKind.HEADING, "PRIVACY POLICY"),
        (
            BlockKind.PARAGRAPH,
            "We collect your e-mail address to run your account and we never sell it to anyone, "
            "for any purpose (not even to partners).",
        ),
        (BlockKind.ITEM, "Payment data is handled by our payment processor."),
        (BlockKind.HEADING, "Retention"),
        (BlockKind.PARAGRAPH, "Invoices are kept for ten years, as the law requires."),
    ]
    assert doc.title == "PRIVACY POLICY"


def test_the_same_pdf_gives_the_same_text_every_time() -> None:
    body = make_pdf(POLICY_PAGES)
    assert extract(fetched(body)) == extract(fetched(body))


@pytest.mark.parametrize(
    "body",
    [
        b"%PDF-1.4\nthis is not really a pdf",
        make_pdf(POLICY_PAGES)[:300],  # cut off in transfer
        b"%PDF-1.7\n" + bytes(range(256)) * 8,
        b"garbage that the server calls a PDF",
    ],
)
def test_a_broken_pdf_raises_extraction_empty(body: bytes) -> None:
    with pytest.raises(ExtractError) as info:
        extract(fetched(body))
    assert info.value.cause == "extraction-empty"
    assert "PDF" in str(info.value)


def test_a_pdf_without_text_raises_extraction_empty() -> None:
    with pytest.raises(ExtractError) as info:
        extract(fetched(make_pdf([[], []])))
    assert info.value.cause == "extraction-empty"
    assert "no text layer" in str(info.value)


def test_a_select_rule_on_a_pdf_is_selector_empty() -> None:
    with pytest.raises(ExtractError) as info:
        extract(fetched(make_pdf(POLICY_PAGES)), ExtractRules(select=("#policy",)))
    assert info.value.cause == "selector-empty"
    assert "PDF" in str(info.value)


def test_an_html_page_served_as_pdf_is_read_as_html() -> None:
    challenge = (
        b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
        b"<p>Checking your browser before accessing example.com.</p></body></html>"
    )
    assert not is_pdf("application/pdf", challenge)
    with pytest.raises(AnomalyError) as info:
        extract(fetched(challenge))
    assert info.value.cause == "bot-challenge"


def test_is_pdf_trusts_the_magic_bytes_over_the_header() -> None:
    assert is_pdf("text/html", b"%PDF-1.4\n...")
    assert is_pdf("application/pdf; qs=0.5", b"\n %PDF-1.4\n...")
    assert not is_pdf("text/html", b"<p>%PDF-1.4 is a version of the format</p>")


def test_html_extraction_does_not_load_pypdf() -> None:
    """A daemon watching only HTML pages never imports pypdf (checked in a fresh interpreter)."""
    code = (
        "import sys; from datetime import UTC, datetime\n"
        "from watcher.extract import extract\n"
        "from watcher.models import Fetched\n"
        "extract(Fetched(url='https://e.com/', status=200, content_type='text/html',\n"
        "    body=b'<p>We do not log.</p>', fetched_at=datetime.now(UTC)))\n"
        "print(sorted(m for m in sys.modules\n"
        "    if m == 'watcher.pdf' or m.split('.')[0] == 'pypdf'))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
