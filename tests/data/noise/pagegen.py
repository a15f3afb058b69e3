"""Realistic HTML pages around the seed policies, with the noise real sites add between fetches.

Used by tests/test_noise.py (and to write the committed corpus and the golden HTML wrappings:
``python tests/data/noise/pagegen.py``). Every kind of noise is a function of a seeded
``random.Random``: the same round number always gives the same page, a new round gives a page that
differs only where real sites differ between two fetches of an unchanged policy.
"""

from __future__ import annotations

import html
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
EXTRACT_DATA = HERE.parent / "extract"
SEEDS = sorted(EXTRACT_DATA.glob("seed_*.txt"))

# E-mail addresses the seeds hide behind Cloudflare's "[email protected]"; in the HTML pages they
# are obfuscated with a new key on every round.
HIDDEN_EMAIL = "privacy@example-provider.com"


@dataclass
class Para:
    kind: str  # "h", "p", "li"
    text: str


def seed_paragraphs(text: str) -> list[Para]:
    """The seed as the paragraphs its page would have had: one per non-empty line."""
    out: list[Para] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        m = re.match(r"^(?:[•\-]\s+)", line)
        if m:
            out.append(Para("li", line[m.end() :]))
        elif len(line) < 70 and not re.search(r"[.;,:]$", line) and line[0].isupper():
            out.append(Para("h", line))
        else:
            out.append(Para("p", line))
    return out


def _token(rng: random.Random, n: int = 16) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))


def _cls(rng: random.Random) -> str:
    """A CSS-in-JS class name, new on every build."""
    return f"css-{_token(rng, 6).lower()} sc-{_token(rng, 5)}"


def cf_obfuscate(address: str, key: int) -> str:
    return f"{key:02x}" + "".join(f"{ord(c) ^ key:02x}" for c in address)


def _cf_email(rng: random.Random) -> str:
    hx = cf_obfuscate(HIDDEN_EMAIL, rng.randrange(1, 256))
    hx2 = cf_obfuscate(HIDDEN_EMAIL, rng.randrange(1, 256))
    return rng.choice(
        [
            f'<a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="{hx}">'
            "[email&#160;protected]</a>",
            f'<a href="/cdn-cgi/l/email-protection#{hx2}"><span class="__cf_email__" '
            f'data-cfemail="{hx}">[email&#160;protected]</span></a>',
            f'<a href="/cdn-cgi/l/email-protection#{hx2}">[email&#160;protected]</a>',
        ]
    )


_WORD_SPLIT = re.compile(r"(\s+)")


def _inline(text: str, rng: random.Random, rewrap: bool, entities: bool) -> str:
    """The paragraph's text as markup: escaped, and when ``rewrap`` with words split into spans,
    spaces turned into <br> or &nbsp; ... exactly what a reader still sees as the same text."""
    parts = re.split(r"\[email[ \u00a0]protected\]", text)
    out = []
    for i, part in enumerate(parts):
        esc = html.escape(part, quote=False)
        if entities:
            esc = esc.replace("\u2019", rng.choice(["&rsquo;", "&#8217;", "\u2019"]))
        if rewrap:
            pieces = _WORD_SPLIT.split(esc)
            for j, piece in enumerate(pieces):
                r = rng.random()
                if piece.isspace():
                    if r < 0.03:
                        pieces[j] = "<br>"
                    elif r < 0.08:
                        pieces[j] = "\n    "
                elif r < 0.06 and len(piece) > 3 and "&" not in piece:
                    k = rng.randrange(1, len(piece))
                    pieces[j] = (
                        f'<span>{piece[:k]}</span><span class="{_cls(rng)}">{piece[k:]}</span>'
                    )
                elif r < 0.1:
                    pieces[j] = f"<strong>{piece}</strong>" if r < 0.08 else f"<em>{piece}</em>"
            esc = "".join(pieces)
        out.append(esc)
        if i < len(parts) - 1:
            out.append(_cf_email(rng))
    return "".join(out)


# --- the kinds of noise ----------------------------------------------------------------------

NOISE_KINDS = (
    "timestamp",
    "generated-at",
    "csrf-token",
    "script-nonce",
    "cache-busting",
    "random-classes",
    "promo",
    "ads",
    "cookie-banner",
    "visitor-counter",
    "footer-year",
    "nav-order",
    "rewrap",
    "whitespace",
    "hero-ab",
    "cf-email",
    "json-ld",
    "comments",
    "attribute-order",
    "tracking-pixel",
    "share-widget",
    "loading",
    "newsletter-popup",
    "chat-widget",
    "hidden-elements",
    "entities",
)

PROMOS = [
    "Get 75% off + 3 months free!",
    "Black Friday: save 80% today only",
    "Limited offer: 2 years for the price of 1",
    "Spring sale - up to 70% off all plans",
    "New: servers in 12 more countries",
]
COOKIE_TEXTS = [
    "We use cookies to improve your experience. By continuing you accept our use of cookies.",
    "This website uses cookies. Some are essential, others help us improve the site. Accept all?",
    "We and our 143 partners store and access information on your device. Manage preferences.",
    "Cookies help us deliver our services. Learn more in our cookie policy.",
]
CHATS = [
    '<div id="intercom-container" class="intercom-namespace"><div class="intercom-launcher">'
    "Chat with us</div></div>",
    '<div class="tawk-min-container"><span>We are online! Ask us anything.</span></div>',
    '<iframe title="Drift chat" src="https://js.driftt.com/chat?sid={t}"></iframe>',
    '<div id="crisp-chatbox"><p>Questions? Our team replies in a few minutes.</p></div>',
    '<div class="zendesk-widget"><button>Help</button></div>',
]
SHARES = [
    '<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul>'
    "<li><a>Share on Facebook</a></li><li><a>Share on X</a></li></ul></div>",
    '<div class="a2a_kit a2a_kit_size_32"><a class="a2a_button_facebook">Facebook</a>'
    '<a class="a2a_button_x">X</a><a class="a2a_button_linkedin">LinkedIn</a></div>',
    '<div class="sharethis-inline-share-buttons" data-url="/privacy?s={t}"></div>',
    '<p><a href="https://facebook.com/sharer?u={t}">Share On Facebook</a></p>',
    "<div><a>Share on X</a> | <a>Share on LinkedIn</a></div>",
]
HEROES = [
    ("Your privacy is our priority", "We never sell your data. Read how we protect it."),
    ("Privacy you can verify", "Independently audited. No logs, ever."),
    ("Stay private online", "Over 10 million users trust us."),
]
NAV = ["Home", "Features", "Pricing", "Servers", "Download", "Blog", "Support", "Log in"]


def _year(rng: random.Random) -> int:
    return rng.choice([2023, 2024, 2025, 2026])


def _time(rng: random.Random) -> str:
    return (
        f"{_year(rng)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    )


def build_page(
    paras: list[Para],
    *,
    title: str,
    layout: int,
    rng: random.Random,
    kinds: frozenset[str] = frozenset(NOISE_KINDS),
) -> str:
    """One fetch of the page: the policy paragraphs (unchanged) in a layout, with noise."""
    on: Callable[[str], bool] = lambda k: k in kinds  # noqa: E731
    t = _token(rng)
    cls = (lambda: _cls(rng)) if on("random-classes") else (lambda: "content")
    nl = (lambda: rng.choice(["", "\n", "\n  ", "  "])) if on("whitespace") else (lambda: "\n")
    head = [
        '<meta charset="utf-8">',
        f"<title>{html.escape(title)}</title>",
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
    ]
    if on("csrf-token"):
        head.append(f'<meta name="csrf-token" content="{_token(rng, 40)}">')
    if on("cache-busting"):
        head.append(f'<link rel="stylesheet" href="/assets/site.css?v={rng.randrange(10**8)}">')
        head.append(f'<script src="/assets/app.js?ver={_token(rng, 8)}"></script>')
    if on("script-nonce"):
        head.append(f'<script nonce="{_token(rng, 22)}">window.__CFG={{"t":"{t}"}};</script>')
    if on("json-ld"):
        head.append(
            '<script type="application/ld+json">{"@type":"WebPage","dateModified":"'
            + _time(rng)
            + '"}</script>'
        )
    if on("tracking-pixel"):
        head.append(
            "<script>!function(f,b,e){f.fbq=function(){};}(window,document,'script');"
            f"fbq('init', '{rng.randrange(10**12)}');</script>"
        )

    nav_items = list(NAV)
    if on("nav-order"):
        rng.shuffle(nav_items)
    nav = "".join(f'<li><a href="/{n.lower()}">{n}</a></li>' for n in nav_items)
    header = (
        f'<header class="site-header {cls()}"><a class="logo" href="/">Provider</a>'
        f'<nav class="main-nav"><ul>{nav}</ul></nav></header>'
    )

    body: list[str] = []
    for p in paras:
        rewrap = on("rewrap")
        inner = _inline(p.text, rng, rewrap, on("entities"))
        if p.kind == "h":
            body.append(f'<h2 class="{cls()}">{inner}</h2>')
        elif p.kind == "li":
            body.append(f'<ul class="{cls()}"><li>{inner}</li></ul>')
        else:
            tag = rng.choice(["p", "div", "p"]) if rewrap else "p"
            if rewrap and rng.random() < 0.2:
                inner = f'<span class="{cls()}">{inner}</span>'
            body.append(f'<{tag} class="{cls()}">{inner}</{tag}>')
        if on("comments") and rng.random() < 0.1:
            body.append(f"<!-- block {rng.randrange(1000)} rendered in {rng.random():.3f}s -->")
        if on("hidden-elements") and rng.random() < 0.05:
            body.append(
                rng.choice(
                    [
                        f"<div hidden>Preview {_token(rng, 5)}</div>",
                        f'<span aria-hidden="true">{_token(rng, 8)}</span>',
                        f'<div style="display: none">Draft {rng.randrange(99)}</div>',
                    ]
                )
            )
        if on("ads") and rng.random() < 0.04:
            body.append(
                f'<div class="ad-slot" id="div-gpt-ad-{rng.randrange(10**6)}"><ins '
                f'class="adsbygoogle" data-ad-slot="{rng.randrange(10**9)}"></ins>'
                "<span>Advertisement</span></div>"
            )
        body.append(nl())
    # merge adjacent single-item lists into one list, as a real page would
    content = "".join(body).replace('</li></ul><ul class="content"><li>', "</li><li>")

    extras_top: list[str] = []
    extras_bottom: list[str] = []
    if on("hero-ab"):
        h1, sub = rng.choice(HEROES)
        extras_top.append(
            f'<section class="hero hero--v{rng.randrange(3)}"><h1>{h1}</h1><p>{sub}</p></section>'
        )
    if on("promo"):
        extras_top.append(f'<div class="promo-bar {cls()}"><p>{rng.choice(PROMOS)}</p></div>')
    if on("timestamp"):
        extras_bottom.append(f"<p>Page generated at {_time(rng)} UTC</p>")
    if on("generated-at"):
        extras_bottom.append(f"<div>Generated in {rng.random():.4f} seconds</div>")
    if on("visitor-counter"):
        extras_bottom.append(f"<div>Visitors: {rng.randrange(10**4, 10**6):,}</div>")
    if on("loading"):
        extras_bottom.append(
            rng.choice(
                ["<div>Loading...</div>", "<p>Loading</p>", '<div class="spinner">Loading…</div>']
            )
        )
    if on("share-widget"):
        extras_bottom.append(rng.choice(SHARES).replace("{t}", t))
    footer_year = (
        f"<p>© {_year(rng)} Provider Ltd. All rights reserved.</p>"
        if on("footer-year")
        else "<p>Provider Ltd.</p>"
    )
    footer = (
        f'<footer class="site-footer"><div class="cols"><ul><li><a href="/privacy">Privacy</a>'
        f'</li><li><a href="/terms">Terms</a></li></ul></div>{footer_year}</footer>'
    )
    popups: list[str] = []
    if on("cookie-banner"):
        popups.append(
            f'<div id="cookie-consent" class="cc-window cc-banner {cls()}" role="dialog">'
            f"<p>{rng.choice(COOKIE_TEXTS)}</p><button>Accept</button>"
            "<button>Reject</button></div>"
        )
    if on("newsletter-popup"):
        popups.append(
            f'<div class="newsletter-popup modal" style="display:none"><h3>Join '
            f'{rng.randrange(10, 99)},000 readers</h3><form><input name="email">'
            "<button>Subscribe</button></form></div>"
        )
    if on("chat-widget"):
        popups.append(rng.choice(CHATS).replace("{t}", t))
    if on("tracking-pixel"):
        popups.append(
            f'<img src="https://px.example.net/p.gif?r={rng.randrange(10**9)}" width="1" '
            'height="1" alt=""><noscript><img src="https://www.facebook.com/tr?id=1&ev=PageView'
            f'&noscript={rng.randrange(10**6)}"></noscript>'
        )
    if on("csrf-token"):
        popups.append(
            f'<form action="/search" class="search"><input type="hidden" name="_token" '
            f'value="{_token(rng, 40)}"><input name="q" placeholder="Search"></form>'
        )
    if on("comments"):
        popups.append(f"<!-- served by web-{rng.randrange(20)} in {rng.randrange(90)} ms -->")

    sidebar = (
        '<aside class="sidebar"><h3>Related</h3><ul><li><a href="/terms">Terms of Service</a>'
        '</li><li><a href="/cookies">Cookie Policy</a></li></ul></aside>'
    )
    pre = "".join(extras_top)
    post = "".join(extras_bottom)
    if layout == 0:  # semantic: <main> with an article
        page_body = (
            f'{header}{pre}<main id="main"><article><h1>{html.escape(title)}</h1>'
            f"{content}</article>{post}</main>{sidebar}{footer}"
        )
    elif layout == 1:  # one <article>, no <main>
        page_body = (
            f'{header}<div class="wrap {cls()}">{pre}<article class="post">'
            f"{content}</article>{post}{sidebar}</div>{footer}"
        )
    elif layout == 2:  # div soup, nothing semantic: the densest container must be found
        page_body = (
            f'<div class="top {cls()}"><div class="menu">{nav}</div></div>{pre}'
            f'<div class="container {cls()}"><div class="row"><div class="col">'
            f'{content}</div></div></div>{post}<div class="bottom">{footer_year}</div>'
        )
    elif layout == 3:  # role=main on a div
        page_body = f'{header}{pre}<div role="main" class="{cls()}">{content}</div>{post}{footer}'
    else:  # WordPress-like: entry-content inside an article inside #primary
        page_body = (
            f'{header}{pre}<div id="primary" class="content-area"><article '
            f'class="page type-page"><header class="entry-header"><h1 class="entry-title">'
            f'{html.escape(title)}</h1></header><div class="entry-content">{content}</div>'
            f"</article></div>{post}{sidebar}{footer}"
        )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head>'
        + nl().join(head)
        + f'</head><body class="page {cls()}">'
        + page_body
        + "".join(popups)
        + "</body></html>\n"
    )
    if on("attribute-order"):
        page = _shuffle_attributes(page, rng)
    return page


_TAG_ATTRS = re.compile(r"<([a-z][a-z0-9]*)((?:\s+[a-z_:][-a-z0-9_:.]*=\"[^\"]*\"){2,})(\s*/?)>")
_ATTR = re.compile(r"\s+[a-z_:][-a-z0-9_:.]*=\"[^\"]*\"")


def _shuffle_attributes(page: str, rng: random.Random) -> str:
    def shuffle(m: re.Match[str]) -> str:
        attrs = _ATTR.findall(m.group(2))
        rng.shuffle(attrs)
        return f"<{m.group(1)}{''.join(attrs)}{m.group(3)}>"

    return _TAG_ATTRS.sub(shuffle, page)


def seed_page(
    seed: Path,
    round_no: int,
    kinds: frozenset[str] = frozenset(NOISE_KINDS),
    paras: list[Para] | None = None,
) -> str:
    """Round ``round_no`` of the page built around ``seed`` (layout fixed per seed)."""
    index = SEEDS.index(seed)
    paras = paras if paras is not None else seed_paragraphs(seed.read_text("utf-8"))
    title = "Privacy Policy"
    rng = random.Random(f"{seed.name}:{round_no}")
    return build_page(paras, title=title, layout=index % 5, rng=rng, kinds=kinds)


CORPUS_ROUNDS = 4


def main() -> None:
    """Write the golden HTML wrappings and the committed noise corpus."""
    for seed in SEEDS:
        stem = seed.stem
        (EXTRACT_DATA / f"{stem}.html").write_text(seed_page(seed, 0), "utf-8")
        out = HERE / "corpus" / stem
        out.mkdir(parents=True, exist_ok=True)
        for r in range(1, CORPUS_ROUNDS + 1):
            (out / f"round{r}.html").write_text(seed_page(seed, r), "utf-8")


if __name__ == "__main__":
    main()
