"""extract(): the policy's text out of a fetched page, and nothing of the page around it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from watcher.errors import AnomalyError, ConfigError, ExtractError
from watcher.extract import EXTRACTOR_VERSION, cf_decode, decode_body, extract
from watcher.models import BlockKind, Document, ExtractRules, Fetched
from watcher.normalize import normalize, normalize_text

DATA = Path(__file__).parent / "data" / "extract"
SEEDS = sorted(DATA.glob("seed_*.txt"))

# What each seed carries that is not policy text (from reading them): it must be gone, and it is
# all that may go. Everything else in the seed is policy prose, checked sentence by sentence.
SEED_NOISE: dict[str, list[str]] = {
    "seed_000": ["Loading"],
    "seed_001": [
        "Have a Project on mind?",
        "We can help you bring your ideas to life. Let’s talk about what we can build and raise "
        "together.",
    ],
    "seed_002": [],
    "seed_003": [],
    "seed_004": [
        "Privacy Policy for Jaguar Pro Cloud - Cloud Hosting Privacy - JaguarPC Privacy Policy for "
        "Jaguar Pro Cloud - Cloud Hosting Privacy - JaguarPC",
        "Share On Facebook",
        "add_action('wp_footer', 'add_custom_tracking_script');",
    ],
}
# What the HTML wrappings add around the policy (tests/data/noise/pagegen.py): none of it may show.
PAGE_NOISE = [
    "Chat with us",
    "Accept",
    "Subscribe",
    "Join",
    "Advertisement",
    "Visitors",
    "Generated",
    "generated at",
    "Loading",
    "Share on",
    "©",
    "All rights reserved",
    "Home",
    "Pricing",
    "Log in",
    "Related",
    "We use cookies to improve",
    "partners store",
    "% off",
    "Your privacy is our",
    "Privacy you can verify",
    "Stay private online",
    "dateModified",
    "fbq",
    "Search",
]


def fetched(
    body: bytes | str,
    content_type: str = "text/html",
    *,
    status: int = 200,
    charset: str | None = None,
) -> Fetched:
    if isinstance(body, str):
        body = body.encode("utf-8")
    return Fetched(
        url="https://example.com/privacy",
        status=status,
        content_type=content_type,
        body=body,
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        charset=charset,
    )


def page(body: str, title: str = "Privacy Policy", head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head><body>{body}</body></html>"
    )


LONG_POLICY = "".join(
    f"<p>We do not sell your personal data to anyone, section {i}, and we keep it only as long "
    "as the law requires us to keep it for accounting.</p>"
    for i in range(30)
)


def text_of(doc: Document) -> str:
    return " ".join(b.text for b in normalize(doc).blocks)


def policy_sentences(seed: Path) -> list[str]:
    noise = {normalize_text(n) for n in SEED_NOISE[seed.name[:8]]}
    sentences = []
    for line in seed.read_text("utf-8").splitlines():
        line = re.sub(r"^[-*]\s+", "", normalize_text(line))  # a list marker is not text
        if not line or line in noise:
            continue
        sentences += [s for s in re.split(r"(?<=[.!?;:])\s+", line) if s]
    return sentences


def seed_id(p: Path) -> str:
    return p.name[:8]


# --- the seeds, as text and as HTML ----------------------------------------------------------


@pytest.mark.parametrize("suffix", [".txt", ".html"])
@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_seed_keeps_every_policy_sentence(seed: Path, suffix: str) -> None:
    source = seed.with_suffix(suffix)
    ctype = "text/plain" if suffix == ".txt" else "text/html; charset=utf-8"
    text = text_of(extract(fetched(source.read_bytes(), ctype)))
    sentences = policy_sentences(seed)
    if suffix == ".html":  # the page hides the address behind Cloudflare; extraction decodes it
        sentences = [
            s.replace("[email protected]", "privacy@example-provider.com") for s in sentences
        ]
    missing = [s for s in sentences if s not in text]
    assert missing == []


@pytest.mark.parametrize("suffix", [".txt", ".html"])
@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_seed_loses_all_of_its_noise(seed: Path, suffix: str) -> None:
    source = seed.with_suffix(suffix)
    ctype = "text/plain" if suffix == ".txt" else "text/html"
    doc = normalize(extract(fetched(source.read_bytes(), ctype)))
    blocks = {b.text for b in doc.blocks}
    for noise in SEED_NOISE[seed_id(seed)]:
        assert normalize_text(noise) not in blocks
    assert "add_action" not in doc.text
    assert "Share On Facebook" not in doc.text
    assert "Jaguar Pro Cloud - Cloud Hosting" not in doc.text
    if suffix == ".html":
        for noise in PAGE_NOISE:
            assert noise not in doc.text, noise


def test_seed_html_decodes_cloudflare_emails() -> None:
    html = (DATA / "seed_004_0e09f4dcb99348fa.html").read_bytes()
    doc = normalize(extract(fetched(html)))
    assert "contacting us at privacy@example-provider.com." in doc.text
    assert "protected]" not in doc.text


@pytest.mark.parametrize("seed", SEEDS, ids=seed_id)
def test_seed_is_not_mistaken_for_an_anomaly(seed: Path) -> None:
    for source, ctype in ((seed, "text/plain"), (seed.with_suffix(".html"), "text/html")):
        extract(fetched(source.read_bytes(), ctype))  # raises on a false positive


def test_plain_text_keeps_the_cloudflare_placeholder_as_one_token() -> None:
    doc = normalize(extract(fetched(SEEDS[4].read_bytes(), "text/plain")))
    assert "contacting us at [email protected]. This inbox" in doc.text


def test_plain_text_headings_and_bullets_become_blocks() -> None:
    doc = extract(fetched(SEEDS[0].read_bytes(), "text/plain"))
    kinds = {b.text: b.kind for b in doc.blocks}
    assert kinds["PERSONAL INFORMATION"] is BlockKind.HEADING
    assert kinds["Speed test data."] is BlockKind.ITEM
    assert doc.extractor == f"x{EXTRACTOR_VERSION}"


def test_plain_text_markdown_headings_are_headings_and_date_stamps_are_not() -> None:
    text = (
        "# Privacy Policy\n\nLast updated: 2 June 2025\n\n## Legal process\n\n"
        "We require a search warrant before we disclose the content of your communications.\n"
    )
    doc = extract(fetched(text.encode(), "text/plain"))
    blocks = [(b.kind, b.text, b.level) for b in doc.blocks]
    assert blocks[0] == (BlockKind.HEADING, "Privacy Policy", 1)
    assert blocks[1][:2] == (BlockKind.PARAGRAPH, "Last updated: 2 June 2025")
    assert blocks[2] == (BlockKind.HEADING, "Legal process", 2)
    assert blocks[3][0] is BlockKind.PARAGRAPH


# --- HTML structure ------------------------------------------------------------------------


def test_blocks_follow_headings_paragraphs_items_and_cells() -> None:
    doc = extract(
        fetched(
            page(
                "<main><h1>Privacy</h1><h3>Data</h3><p>We keep <b>no</b> logs.</p>"
                "<ul><li>Email</li><li><p>Name</p></li></ul>"
                "<table><tr><th>Data</th><td>Kept 30 days</td></tr></table></main>"
            )
        )
    )
    assert [(b.kind, b.text, b.level) for b in doc.blocks] == [
        (BlockKind.HEADING, "Privacy", 1),
        (BlockKind.HEADING, "Data", 3),
        (BlockKind.PARAGRAPH, "We keep no logs.", 0),
        (BlockKind.ITEM, "Email", 0),
        (BlockKind.ITEM, "Name", 0),
        (BlockKind.CELL, "Data", 0),
        (BlockKind.CELL, "Kept 30 days", 0),
    ]
    assert doc.title == "Privacy Policy"


def test_inline_markup_joins_words_and_br_is_a_space() -> None:
    doc = extract(
        fetched(
            page(
                "<p>We <span>pro</span><span class='x'>tect</span> your<br>data."
                "<br/>\n   Always.</p>"
            )
        )
    )
    assert [b.text for b in doc.blocks] == ["We protect your data. Always."]


@pytest.mark.parametrize(
    "markup",
    [
        "<p>We do not log.</p><p>Ever.</p>",
        "<div>We do not log.</div><div>Ever.</div>",
        "<div class='a8f3'><span>We do</span> <em>not</em> log.</div>\n\n<section>Ever.</section>",
        "<p>We do not\n   log.</p><div><div><p>Ever.</p></div></div>",
        "<p>We do not log.<br><br>Ever.</p>",
    ],
)
def test_same_text_in_other_tags_gives_the_same_blocks(markup: str) -> None:
    assert [b.text for b in extract(fetched(page(markup))).blocks] == ["We do not log.", "Ever."]


def test_boilerplate_containers_are_dropped() -> None:
    doc = extract(
        fetched(
            page(
                "<header><nav>Home About</nav></header>"
                "<div class='cookie-banner'>We use cookies</div>"
                "<div id='newsletterPopup'>Subscribe</div>"
                "<div hidden>Hidden draft</div><div aria-hidden='true'>Icon</div>"
                "<div style='display: none'>Invisible</div><div role='dialog'>Dialog</div>"
                "<p>We do not log.</p><aside>Related</aside><form><label>Email</label></form>"
                "<div class='share-buttons'>Share</div><footer>Footer text</footer>"
                "<script>var x = 1;</script><style>p{}</style><noscript>Enable JS</noscript>"
            )
        )
    )
    assert [b.text for b in doc.blocks] == ["We do not log."]


def test_container_holding_the_policy_is_kept_whatever_its_class() -> None:
    body = f"<div class='cookie-consent-content policy-modal'>{LONG_POLICY}</div><p>Footer</p>"
    doc = extract(fetched(page(body)))
    assert len(doc.blocks) == 30
    body_class = (
        "<!DOCTYPE html><html><body class='page cookie-policy'>"
        "<div id='cookie-policy'><p>We use three cookies.</p></div></body></html>"
    )
    assert [b.text for b in extract(fetched(body_class)).blocks] == ["We use three cookies."]


def test_header_inside_an_article_is_kept() -> None:
    doc = extract(
        fetched(
            page(
                "<header>Site</header><article><header><h1>Privacy</h1>"
                "<p>Last updated: May 1, 2024</p>"
                "</header><p>We do not log.</p></article>"
            )
        )
    )
    assert [b.text for b in doc.blocks] == [
        "Privacy",
        "Last updated: May 1, 2024",
        "We do not log.",
    ]


def test_main_content_is_preferred_over_the_rest_of_the_page() -> None:
    doc = extract(
        fetched(
            page(
                f"<div class='x1'><p>Our offers this week</p></div><main>{LONG_POLICY}</main>"
                "<div class='x2'><p>Have a look at our blog</p></div>"
            )
        )
    )
    assert len(doc.blocks) == 30


def test_without_landmarks_the_element_with_the_text_is_chosen() -> None:
    doc = extract(
        fetched(
            page(
                f"<div><div class='x1'><p>Top deals</p></div><div class='x2'>{LONG_POLICY}</div>"
                "<div class='x3'><p>Talk to sales</p></div></div>"
            )
        )
    )
    assert len(doc.blocks) == 30
    assert all("section" in b.text for b in doc.blocks)


POLICY_TEXTS = [
    f"We do not sell your personal data to anyone, section {i}, and we keep it only as long as "
    "the law requires us to keep it for accounting."
    for i in range(30)
]
CLOSING = "Questions? Write to privacy@example.com and we answer within a week."


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("<h1>Privacy Policy</h1><p>Last updated: May 1, 2024</p>", ""),
        (
            "<h2>Privacy Policy</h2>"
            "<div class='updated'>Last updated: <time>May 1, 2024</time></div>",
            "",
        ),
        (
            "<h1>Privacy Policy</h1><p>Last updated: May 1, 2024</p><div class='spacer'></div>",
            f"<p>{CLOSING}</p>",
        ),
    ],
)
def test_without_landmarks_the_lines_next_to_the_policy_are_kept(before: str, after: str) -> None:
    """A title, date or closing line next to the container with the text is policy text too."""
    doc = extract(
        fetched(
            page(
                "<div class='x1'><p>Top deals</p></div>"
                f"<div class='page'>{before}<div class='x2'>{LONG_POLICY}</div>{after}"
                "<p>Footer</p></div><div class='x3'><p>Talk to sales</p></div>"
            )
        )
    )
    closing = [CLOSING] if after else []
    assert [b.text for b in doc.blocks] == [
        "Privacy Policy",
        "Last updated: May 1, 2024",
        *POLICY_TEXTS,
        *closing,
    ]


def test_an_intro_paragraph_right_before_the_policy_is_kept() -> None:
    intro = "This notice explains how Example Ltd handles the data of its customers."
    doc = extract(fetched(page(f"<p>{intro}</p><div class='body'>{LONG_POLICY}</div>")))
    assert [b.text for b in doc.blocks] == [intro, *POLICY_TEXTS]


def test_only_the_run_of_paragraphs_next_to_the_policy_is_kept() -> None:
    """A box of several blocks ends the run: what lies beyond it is the page's, not the policy's."""
    doc = extract(
        fetched(
            page(
                "<p>Spring sale: two years for the price of one.</p>"
                "<div class='x9'><h3>Our plans</h3><p>Compare plans</p></div>"
                f"<p>Effective from 1 May 2024.</p><div class='body'>{LONG_POLICY}</div>"
                "<div class='x8'><p>Related posts</p><p>Why we love privacy</p></div>"
                "<p>Read our blog for more great news.</p>"
            )
        )
    )
    assert [b.text for b in doc.blocks] == ["Effective from 1 May 2024.", *POLICY_TEXTS]


def test_cloudflare_email_forms_are_decoded() -> None:
    hexed = "42" + "".join(f"{ord(c) ^ 0x42:02x}" for c in "dpo@example.org")
    doc = extract(
        fetched(
            page(
                f'<p>Write to <a class="__cf_email__" data-cfemail="{hexed}">'
                "[email&#160;protected]</a>.</p>"
                f'<p>Or <a href="/cdn-cgi/l/email-protection#{hexed}">'
                "[email&#160;protected]</a>.</p>"
                f'<p>Or <a href="/cdn-cgi/l/email-protection"><span class="__cf_email__" '
                f'data-cfemail="{hexed}">[email&#160;protected]</span></a>.</p>'
            )
        )
    )
    assert [b.text for b in doc.blocks] == [
        "Write to dpo@example.org.",
        "Or dpo@example.org.",
        "Or dpo@example.org.",
    ]
    assert cf_decode("zz") is None
    assert cf_decode("42") is None


# --- rules ---------------------------------------------------------------------------------


def test_select_keeps_only_the_selected_elements() -> None:
    html = page("<div id='a'><p>Policy.</p></div><div id='b'><p>Other.</p></div>")
    doc = extract(fetched(html), ExtractRules(select=("#a",)))
    assert [b.text for b in doc.blocks] == ["Policy."]


def test_select_that_matches_nothing_raises_selector_empty() -> None:
    with pytest.raises(ExtractError) as info:
        extract(fetched(page("<p>Policy.</p>")), ExtractRules(select=("#policy",)))
    assert info.value.cause == "selector-empty"
    assert "#policy" in str(info.value)


def test_select_uses_the_selectors_that_match_when_others_do_not() -> None:
    html = page("<div id='a'><p>Policy.</p></div><div id='b'><p>Other.</p></div>")
    doc = extract(fetched(html), ExtractRules(select=("#old-layout", "#a", ".gone")))
    assert [b.text for b in doc.blocks] == ["Policy."]


def test_select_raises_selector_empty_only_when_no_selector_matches() -> None:
    with pytest.raises(ExtractError) as info:
        extract(fetched(page("<p>Policy.</p>")), ExtractRules(select=("#policy", ".terms")))
    assert info.value.cause == "selector-empty"
    assert "'#policy'" in str(info.value) and "'.terms'" in str(info.value)
    with pytest.raises(ExtractError) as info:
        extract(fetched("Policy.\n\nMore.", "text/plain"), ExtractRules(select=("#a", "#b")))
    assert info.value.cause == "selector-empty"
    assert "'#a'" in str(info.value) and "'#b'" in str(info.value)


def test_every_select_selector_is_checked_for_validity() -> None:
    with pytest.raises(ConfigError):
        extract(fetched(page("<p id='a'>x</p>")), ExtractRules(select=("#a", "p[")))


def test_remove_drops_the_matching_elements() -> None:
    html = page("<main><p class='ad-free-note'>Note.</p><p>Policy.</p></main>")
    doc = extract(fetched(html), ExtractRules(remove=(".ad-free-note",)))
    assert [b.text for b in doc.blocks] == ["Policy."]


def test_ignore_drops_matching_text() -> None:
    html = page("<p>Policy. Ref 8842-XY</p><p>Session 123</p>")
    doc = extract(fetched(html), ExtractRules(ignore=(r"Ref \d+-\w+", r"^Session \d+$")))
    assert [b.text for b in doc.blocks] == ["Policy."]


def test_invalid_rules_are_config_errors() -> None:
    with pytest.raises(ConfigError):
        extract(fetched(page("<p>x</p>")), ExtractRules(ignore=("(",)))
    with pytest.raises(ConfigError):
        extract(fetched(page("<p>x</p>")), ExtractRules(select=("p[",)))


def test_page_without_text_raises_extraction_empty() -> None:
    for body in (b"", page("<nav>Home</nav><script>x()</script>").encode()):
        with pytest.raises(ExtractError) as info:
            extract(fetched(body))
        assert info.value.cause == "extraction-empty"


# --- anomalies -----------------------------------------------------------------------------

CHALLENGES = [
    page(
        "<div id='challenge-running'>Checking if the site connection is secure</div>"
        "<form id='challenge-form'></form><script>window._cf_chl_opt={}</script>",
        title="Just a moment...",
    ),
    page(
        "<h1>Please verify you are a human</h1><div class='g-recaptcha'></div>",
        title="Security check",
    ),
    page("<p>Enable JavaScript and cookies to continue</p>", title="example.com"),
    page("<p>Checking your browser before accessing example.com.</p>", title="Please wait"),
]


@pytest.mark.parametrize("html", CHALLENGES)
def test_bot_challenge_pages_raise_bot_challenge(html: str) -> None:
    with pytest.raises(AnomalyError) as info:
        extract(fetched(html))
    assert info.value.cause == "bot-challenge"
    assert not isinstance(info.value, ExtractError)


def test_bot_challenge_is_reported_before_an_empty_selector() -> None:
    with pytest.raises(AnomalyError) as info:
        extract(fetched(CHALLENGES[0]), ExtractRules(select=("main",)))
    assert info.value.cause == "bot-challenge"


@pytest.mark.parametrize(
    ("html", "status"),
    [
        (page("<h1>404</h1><p>Sorry, this page does not exist.</p>", title="Not found"), 200),
        (page("<h1>Page not found</h1><p>Try the search.</p>", title="Example"), 200),
        (page("<h1>Access denied</h1><p>You don't have permission.</p>", title="Error"), 200),
        (page("<h1>Internal Server Error</h1>", title="500"), 200),
        (page(LONG_POLICY), 503),
    ],
)
def test_error_pages_raise_error_page(html: str, status: int) -> None:
    with pytest.raises(AnomalyError) as info:
        extract(fetched(html, status=status))
    assert info.value.cause == "error-page"


def test_policy_mentioning_captcha_cookies_and_404_is_not_an_anomaly() -> None:
    html = page(
        "<h1>Privacy Policy</h1><p>We use a captcha to stop bots; enable JavaScript and cookies to "
        "use the login form. Checking your browser is done by Cloudflare. Error 404 pages are "
        "logged without your IP address.</p>" + LONG_POLICY,
        title="Privacy Policy - captcha and cookies",
    )
    assert len(extract(fetched(html)).blocks) == 32


SHORT_POLICY = (
    "<p>We collect your e-mail address to run your account and nothing else.</p>"
    "<p>We do not sell or rent your personal data, and we keep invoices for ten years.</p>"
    "<p>You can ask us to delete your data at any time by writing to our data officer.</p>"
)
CF_INJECTED = (  # what Cloudflare adds to pages it serves normally
    "<script>(function(){var d=document.createElement('script');d.innerHTML=\"window.__CF$cv$"
    "params={r:'8a1b2c3d4e5f',t:'MTcyNjE0NjY0MC4wMDAwMDA='};var a=document.createElement('script')"
    ";a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';\";})();</script>"
)
NEWSLETTER = (
    "<form class='newsletter'><input name='email'><div class='g-recaptcha' "
    "data-sitekey='6Lc'></div><div class='cf-turnstile'></div><button>Join</button></form>"
)


@pytest.mark.parametrize(
    ("title", "body"),
    [
        # long pages mentioning the words of challenges and errors in passing
        (
            "Privacy Policy",
            "<h1>Privacy Policy</h1><h2>Cloudflare, captcha and page not found errors</h2>"
            "<p>Our site is served by Cloudflare, which may show a captcha to verify you are "
            "human. When a page is not found (404) or access is forbidden (403), the error is "
            "logged without your IP address.</p>" + LONG_POLICY,
        ),
        ("Privacy Policy - 404 Media", "<h1>Privacy Policy</h1>" + LONG_POLICY),
        ("404", "<h1>404 Media Privacy Policy</h1>" + LONG_POLICY + NEWSLETTER),
        # short ones: a policy can be a few paragraphs long
        ("Privacy Policy - 404 Media", "<h1>Privacy Policy</h1>" + SHORT_POLICY),
        ("404 Media", "<h1>404 Media Privacy Policy</h1>" + SHORT_POLICY),
        ("Privacy Policy", "<h1>Privacy Policy</h1>" + SHORT_POLICY + CF_INJECTED + NEWSLETTER),
        (
            "hCaptcha Privacy Policy",
            "<h1>Privacy Policy</h1><p>We use a captcha to verify you are human. Checking your "
            "browser is done by Cloudflare.</p>" + SHORT_POLICY,
        ),
        (
            "Terms of Service",
            "<h1>Terms of Service</h1><h2>403 and 404 errors</h2><p>A page not found is logged."
            "</p><h2>Forbidden uses</h2>" + SHORT_POLICY,
        ),
    ],
)
def test_a_policy_is_never_an_anomaly_whatever_it_mentions(title: str, body: str) -> None:
    doc = extract(fetched(page(body, title=title)))
    assert "We do not sell" in normalize(doc).text


@pytest.mark.parametrize(
    ("html", "cause"),
    [
        (
            page("<h1>Page not found</h1><p>Try the search.</p>", "Page not found - Privacy"),
            "error-page",
        ),
        (page("<h1>Error 404</h1><p>Sorry.</p>", "Privacy Policy | Example"), "error-page"),
        (
            page(
                "<h1>www.privacy-example.com</h1><p>Checking your browser.</p>"
                "<script>window._cf_chl_opt={}</script>",
                "Privacy Policy",
            ),
            "bot-challenge",
        ),
        (page("<h1>Privacy Policy</h1><p>One moment.</p>", "Just a moment..."), "bot-challenge"),
        (page("<div class='g-recaptcha'></div>", "example.com"), "bot-challenge"),
    ],
)
def test_errors_and_challenges_are_still_caught_when_they_name_a_policy(
    html: str, cause: str
) -> None:
    with pytest.raises(AnomalyError) as info:
        extract(fetched(html))
    assert info.value.cause == cause


def test_plain_text_challenge_is_detected() -> None:
    with pytest.raises(AnomalyError) as info:
        extract(fetched("Checking your browser before accessing the site.", "text/plain"))
    assert info.value.cause == "bot-challenge"


# --- charsets ------------------------------------------------------------------------------


def test_latin1_page_declared_in_meta_is_decoded() -> None:
    html = page(
        "<p>Données personnelles: nous ne vendons rien.</p>", head='<meta charset="iso-8859-1">'
    ).encode("latin-1")
    assert extract(fetched(html, "text/html")).blocks[0].text.startswith("Données personnelles")


def test_wrong_declared_charset_is_overruled_by_valid_utf8() -> None:
    html = page("<p>Données personnelles – “protégées”.</p>", head='<meta charset="latin-1">')
    doc = extract(fetched(html.encode("utf-8"), "text/html", charset="iso-8859-1"))
    assert doc.blocks[0].text == "Données personnelles – “protégées”."


def test_utf8_declared_but_latin1_bytes_fall_back() -> None:
    html = page("<p>Données à caractère personnel, reçues.</p>", head='<meta charset="utf-8">')
    doc = extract(fetched(html.encode("cp1252"), "text/html", charset="utf-8"))
    assert doc.blocks[0].text == "Données à caractère personnel, reçues."


def test_invalid_utf8_bytes_do_not_crash_and_stay_stable() -> None:
    body = page("<p>Privacy – ‘ok’ \xff here</p>").encode("utf-8").replace(b"\xc3\xbf", b"\xff")
    first = extract(fetched(body)).blocks[0].text
    assert first == extract(fetched(body)).blocks[0].text
    assert first == "Privacy – ‘ok’ \ufffd here"


def test_bom_and_utf16_are_decoded() -> None:
    html = page("<p>Privé.</p>")
    assert decode_body(fetched(b"\xef\xbb\xbf" + html.encode())) == html
    assert decode_body(fetched(b"\xff\xfe" + html.encode("utf-16-le"))) == html


def test_html_served_as_text_plain_is_parsed_as_html_and_vice_versa() -> None:
    doc = extract(fetched(page("<p>We do not log.</p>"), "text/plain"))
    assert [b.text for b in doc.blocks] == ["We do not log."]
    doc = extract(fetched("We do not log.\n\nEver.", "text/html"))
    assert [b.text for b in doc.blocks] == ["We do not log.", "Ever."]


def test_control_characters_and_escapes_do_not_reach_the_text() -> None:
    doc = normalize(extract(fetched(page("<p>We \x1b[31mdo\x1b[0m not\x07 log.\x00</p>"))))
    assert [b.text for b in doc.blocks] == ["We do not log."]


def test_noise_patterns_are_written_in_lower_case() -> None:
    """They are matched against the lower-cased line, so a capital letter would never match."""
    from watcher import extract as extract_module

    for pattern in extract_module._NOISE_LINES:
        literal = re.sub(r"\\[A-Za-z]", "", pattern.pattern)  # \d, \s, \b are not letters
        assert literal == literal.lower(), pattern.pattern
