"""Topic cues and places: wording that puts a sentence in a category, and countries.

Cues give a sentence its topics even when no practice in it is recognised (a cookie banner
paraphrased, a "Law enforcement requests" heading). Countries feed the jurisdiction rule.
"""

from __future__ import annotations

import re

from watcher.classify.lexicon import _re
from watcher.classify.matching import trie_pattern
from watcher.models import Category

# Topic cues: wording that puts a sentence in a category even without a recognised practice.
CATEGORY_CUES: tuple[tuple[Category, re.Pattern[str]], ...] = (
    (
        Category.VPN_LOGGING,
        _re(
            r"ram",
            r"hard (?:drive|disk)s?",
            r"written to disk",
            r"no-?logs?",
            r"zero[- ]logs?",
            r"connection logs?",
            r"vpn (?:logs?|traffic|connection|sessions?)",
            r"(?:usage|activity|traffic) logs?",
            r"logging policy",
            r"log(?:s|ging)? of (?:your|user)",
        ),
    ),
    (
        Category.GOVERNMENT_ACCESS,
        _re(
            r"law enforcement",
            r"court orders?",
            r"subpoenas?",
            r"warrants?",
            r"canary",
            r"legal process",
            r"authorities",
            r"government(?:al)?",
            r"national security",
            r"gag orders?",
            r"police",
            r"compelled",
            r"intelligence agenc(?:y|ies)",
            r"legal requests?",
            r"transparency report",
            r"request(?:s)? (?:from|by) (?:a )?(?:court|authorit)",
        ),
    ),
    (
        Category.JURISDICTION,
        _re(
            r"jurisdictions?",
            r"governed by",
            r"laws of",
            r"incorporated",
            r"headquarter(?:s|ed)",
            r"registered (?:in|office)",
            r"based in",
            r"(?:located|established) in",
            r"five eyes",
            r"fourteen eyes",
            r"14 eyes",
            r"transfer(?:s|red)? (?:\w+ )?(?:outside|abroad|to other countries|across borders)",
            r"cross-border",
            r"(?:routed|stored|processed) (?:through|in) (?:one or more |other |different )*countr",
            r"(?:transferred|processed|stored|hosted|located|based|incorporated|registered|"
            r"established) (?:to |in |within |and processed in )",
            r"data controller",
            r"controller of",
        ),
    ),
    (
        Category.USER_RIGHTS,
        _re(
            r"rights? to",
            r"your rights",
            r"request (?:access|deletion|erasure|a copy|correction)",
            r"opt[- ]?out",
            r"withdraw (?:your )?consent",
            r"rectif(?:y|ication)",
            r"portability",
            r"object to",
            r"lodge a complaint",
            r"supervisory authority",
            r"access, (?:correct|update)",
            r"delete your (?:account|data|personal)",
            r"unsubscrib",
        ),
    ),
    (
        Category.SECURITY,
        _re(
            r"ram",
            r"hard (?:drive|disk)s?",
            r"encrypt(?:s|ed|ion)?",
            r"secur(?:e|ity|ed)",
            r"aes-?\d*",
            r"tls",
            r"ssl",
            r"breach(?:es)?",
            r"ram-only",
            r"diskless",
            r"audit(?:s|ed|or)?",
            r"safeguards?",
            r"two-factor|2fa",
            r"hash(?:ed|ing)?",
            r"access controls?",
            r"unauthori[sz]ed access",
        ),
    ),
    (
        Category.TRACKING,
        _re(
            r"cookies?",
            r"pixels?",
            r"web beacons?",
            r"tracking",
            r"trackers?",
            r"track(?:s|ed)?",
            r"fingerprint(?:ing)?",
            r"do not track",
            r"sdks?",
            r"google analytics",
            r"hotjar",
            r"mixpanel",
            r"amplitude",
            r"firebase",
            r"appsflyer",
            r"session replay",
            r"retarget(?:ing)?",
            r"tag manager",
        ),
    ),
    (
        Category.POLICY_CHANGES,
        _re(
            r"changes? (?:to|of) (?:this|our|the) (?:privacy )?(?:policy|notice|terms)",
            r"(?:update|modify|revise|amend|change) (?:this|our|the) (?:privacy )?(?:policy"
            r"|notice|terms)",
            r"material changes?",
            r"updated (?:policy|version)",
            r"last (?:updated|modified|revised)",
            r"effective (?:date|as of|from|on)",
            r"continued use",
            r"revised policy",
            r"changes will",
            r"notice of changes",
        ),
    ),
    (
        Category.SCOPE,
        _re(
            r"children",
            r"minors?",
            r"under (?:the age of )?(?:1[3-8]|thirteen|sixteen|eighteen)",
            r"age of",
            r"years old",
            r"parents?",
            r"guardians?",
            r"(?:this|the) (?:privacy )?policy (?:applies|covers|does not apply)",
            r"applies to",
            r"means any",
            r"shall mean",
            r"refers to",
            r"is defined as",
            r"definitions?",
            r"(?:is|are)(?: not)? (?:considered |treated as |regarded as )?personal (?:data"
            r"|information)",
        ),
    ),
    (
        Category.CONTACT,
        _re(
            r"contact us",
            r"contact (?:our|the) (?:data protection officer|dpo|support|privacy team)",
            r"data protection officer",
            r"dpo",
            r"reach (?:us|our)",
            r"write to us",
            r"questions (?:about|regarding|or concerns)",
            r"email us",
            r"[\w.+-]+@[\w-]+\.[\w.]+",
            r"\[email protected\]",
            r"mailing address",
            r"our address",
        ),
    ),
    (
        Category.RETENTION,
        _re(
            r"retain(?:s|ed)?",
            r"retention",
            r"delet(?:e|ed|es)",
            r"as long as",
            r"period",
            r"indefinitely",
            r"purg(?:e|ed)",
            r"keep (?:it|them|this|your|such)",
            r"kept",
            r"stored for",
            r"after (?:\w+ )?(?:days|months|years|hours|minutes)",
        ),
    ),
    (
        Category.SHARING,
        _re(
            r"shar(?:e|es|ed|ing)",
            r"disclos(?:e|es|ed|ure)",
            r"sell(?:s|ing)?",
            r"sold",
            r"rent(?:s|ing)?",
            r"third[- ]part(?:y|ies)",
            r"partners",
            r"affiliates",
            r"service providers",
            r"transfer(?:s|red)? (?:it|your|personal|data|information)",
            r"advertisers",
            r"processors",
        ),
    ),
    (
        Category.PURPOSE,
        _re(
            r"for (?:the )?purposes? of",
            r"purposes? (?:listed|outlined|set out|described)",
            r"in order to",
            r"we use (?:your|this|the|such)",
            r"used (?:to|for)",
            r"uses (?:your|this)",
            r"to (?:improve|provide|personali[sz]e|send|market|analy[sz]e|train)",
        ),
    ),
    (
        Category.COLLECTION,
        _re(
            r"collect(?:s|ed|ing|ion)?",
            r"gather(?:s|ed)?",
            r"we receive",
            r"you provide",
            r"information (?:we|you) (?:collect|provide)",
            r"obtain",
        ),
    ),
)

# Countries for jurisdiction changes; the Five/Nine/Fourteen Eyes members are where a move is read
# as weakening (intelligence-sharing alliances are what VPN users choose jurisdictions to avoid).
FOURTEEN_EYES = frozenset(
    {
        "united states",
        "united kingdom",
        "canada",
        "australia",
        "new zealand",
        "denmark",
        "france",
        "netherlands",
        "norway",
        "germany",
        "belgium",
        "italy",
        "spain",
        "sweden",
    }
)
_COUNTRY_ALIASES = {
    "usa": "united states",
    "u.s.": "united states",
    "u.s.a.": "united states",
    "america": "united states",
    "uk": "united kingdom",
    "u.k.": "united kingdom",
    "england": "united kingdom",
    "bvi": "british virgin islands",
    "swiss": "switzerland",
    "panamanian": "panama",
    "german": "germany",
    "irish": "ireland",
    "icelandic": "iceland",
    "romanian": "romania",
    "swedish": "sweden",
    "canadian": "canada",
    "dutch": "netherlands",
    "french": "france",
}
COUNTRIES = frozenset(
    FOURTEEN_EYES
    | {
        "panama",
        "british virgin islands",
        "switzerland",
        "iceland",
        "romania",
        "sweden",
        "seychelles",
        "cyprus",
        "malaysia",
        "singapore",
        "hong kong",
        "china",
        "russia",
        "ireland",
        "estonia",
        "lithuania",
        "luxembourg",
        "israel",
        "india",
        "japan",
        "bulgaria",
        "cayman islands",
        "belize",
        "costa rica",
        "czech republic",
        "poland",
        "finland",
        "austria",
        "portugal",
        "greece",
        "ukraine",
        "united arab emirates",
        "brazil",
        "mexico",
        "taiwan",
        "south korea",
        "turkey",
        "gibraltar",
        "isle of man",
        "netherlands antilles",
        "delaware",
        "california",
        "european union",
        "eea",
    }
)
# A trie: at each position it takes the longest name followed by no word character, as the plain
# alternation of every name, longest first, would, at about half the cost.
COUNTRY_RE = re.compile(
    r"(?<!\w)(?:" + trie_pattern(COUNTRIES | set(_COUNTRY_ALIASES)) + r")(?!\w)"
)


def country(word: str) -> str:
    """The canonical name of a matched country (aliases like ``u.s.`` folded in)."""
    return _COUNTRY_ALIASES.get(word, word)
