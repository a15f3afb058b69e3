"""Pages that are not the policy at all: a bot challenge, or an error page served with 200.

Separate because it is a verdict on the whole page, not a step in taking it apart: both the HTML
path and the plain-text path ask it before producing text that would diff as "policy deleted".
"""

from __future__ import annotations

import re

from watcher.errors import AnomalyError

# A page with fewer words than this may be a challenge or an error page; a real policy is longer,
# which is what keeps a policy that mentions "captcha", "cookies" or "404" from looking like one.
_SHORT_PAGE_WORDS = 400
_ERROR_PAGE_WORDS = 250
# Fewer words than this is next to no text at all: a captcha widget there is the whole page.
_BARE_PAGE_WORDS = 50

# The challenge vendors' own pages: their scripts, form ids and cookies.
_CHALLENGE_MARKUP = re.compile(
    r"cf-browser-verification|cf_chl_|cf-chl-|cf-challenge"
    r"|id=[\"']?challenge-(?:form|running|stage)|jschl"
    r"|ddos-guard|_incapsula_resource|px-captcha|captcha-delivery\.com|sucuri_cloudproxy",
    re.IGNORECASE,
)
# Also found on ordinary pages: Cloudflare injects its challenge-platform script into pages it
# serves normally, and contact or newsletter forms carry a captcha widget.
_WIDGET_MARKUP = re.compile(
    r"challenge-platform|cf-turnstile|g-recaptcha|h-captcha|awswaf", re.IGNORECASE
)
_CHALLENGE_TEXT = re.compile(
    r"checking (?:your|if the site connection is secure|the site connection)"
    r"|checking your browser|enable javascript and cookies|verify (?:that )?you are (?:a )?human"
    r"|are you a robot|i'?m not a robot|complete the security check|press (?:&|and) hold"
    r"|needs to review the security of your connection|you have been blocked"
    r"|unusual traffic from your (?:computer|network)|human verification|ddos protection by"
    r"|please (?:turn|switch) javascript on|attention required",
    re.IGNORECASE,
)
_CHALLENGE_TITLE = re.compile(
    r"just a moment|attention required|are you a robot|one more step"
    r"|verify(?:ing)? you are human|ddos-guard|access to this page has been denied",
    re.IGNORECASE,
)
# Challenge titles that a policy's title may also say ("hCaptcha Privacy Policy").
_WEAK_CHALLENGE_TITLE = re.compile(r"security check|captcha", re.IGNORECASE)
# An error's own wording, strong enough to count even in the title of a page about a policy
# ("Page not found - Privacy Policy").
_ERROR_PHRASE = re.compile(
    r"page not found|\bnot found\b|access denied|\bforbidden\b|internal server error"
    r"|service (?:temporarily )?unavailable|bad gateway|gateway time-?out"
    r"|(?:page|file) (?:does not|doesn't|did not) exist|can'?t be found|cannot be found"
    r"|could not be found|no longer (?:exists|available)|something went wrong"
    r"|an error (?:has )?occurred|\boops\b|\b(?:error|http) ?[45]\d\d\b|\b[45]\d\d error\b",
    re.IGNORECASE,
)
# A bare status number: an error page's headline, or a company's name ("404 Media").
_ERROR_CODE = re.compile(r"\b(?:400|401|403|404|410|500|502|503|504)\b")
# What a policy's title or headings call it. A page that says it is a policy is read as one
# unless its headline is an error or the vendor's challenge markup is there.
_NAMES_A_POLICY = re.compile(
    r"\b(?:privacy|polic(?:y|ies)|terms|conditions|legal|gdpr|data protection|imprint)\b"
    r"|datenschutz|confidentialit|cookie (?:notice|statement|declaration)|impressum",
    re.IGNORECASE,
)


def _check_anomaly(
    status: int, title: str, markup: str, visible: str, heads: str = "", headline: str = ""
) -> None:
    """Raise ``AnomalyError`` when the page is a bot challenge or an error page.

    ``markup`` is searched for the challenge vendors' scripts and form ids; ``visible`` for their
    sentences; ``heads`` (the h1-h3 headings, or the first words of plain text) and ``headline``
    (the h1, or the first line) with the title for an error's wording. Everything but the HTTP
    status only counts on a short page, and a short page whose title or headings name a policy
    is a policy unless the challenge vendor's markup is there or its title or headline is an
    error's.
    """
    words = len(visible.split())
    if 400 <= status <= 599 and status not in (401,):
        raise AnomalyError(
            f"the server answered with status {status}: an error page, not the policy",
            cause="error-page",
        )
    if words >= _SHORT_PAGE_WORDS:
        return
    names_policy = _NAMES_A_POLICY.search(f"{title} {heads}") is not None
    if (
        _CHALLENGE_MARKUP.search(markup)
        or _CHALLENGE_TITLE.search(title)
        or (
            not names_policy
            and (
                _WEAK_CHALLENGE_TITLE.search(title)
                or _CHALLENGE_TEXT.search(visible)
                or (words < _BARE_PAGE_WORDS and _WIDGET_MARKUP.search(markup))
            )
        )
    ):
        raise AnomalyError(
            f"the page is a bot challenge ({title.strip() or 'no title'}, {words} words), "
            "not the policy",
            cause="bot-challenge",
        )
    if words < _ERROR_PAGE_WORDS:
        if names_policy:
            is_error = _ERROR_PHRASE.search(f"{title} {headline}") is not None
        else:
            probe = " ".join((title, heads or " ".join(visible.split()[:40])))
            is_error = (_ERROR_PHRASE.search(probe) or _ERROR_CODE.search(probe)) is not None
        if is_error:
            raise AnomalyError(
                f"the page is an error page served with status {status} "
                f"({title.strip() or 'no title'}), not the policy",
                cause="error-page",
            )
