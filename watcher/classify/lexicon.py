"""The vocabulary the classifier reads policies with: data types, recipients, purposes, verbs, cues.

Every entry maps surface wording to one canonical name, so that two wordings of the same practice
("originating IP" / "real IP address") compare equal and a changed practice compares different.
Patterns are matched on lower-cased, whitespace-collapsed text. Order matters where one phrase
contains another: the more specific entries come first and consume their span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    """One canonical thing a policy can name, and how it is spelled."""

    name: str
    pattern: re.Pattern[str]
    kind: str  # "data", "vpn", "recipient", "purpose"
    group: str = ""  # for recipients: the class a named company belongs to


def _re(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


_IP = r"ip(?:v[46])?(?:[- ]address(?:es)?)?s?"

# VPN log fields: what a no-logs promise is about. Starting to keep any of them is critical.
VPN_FIELDS: tuple[Term, ...] = tuple(
    Term(name, _re(*alts), "vpn")
    for name, alts in (
        (
            "assigned IP",
            (
                rf"(?:assigned|outgoing|vpn|exit|egress|shared|server|vpn server)[- ]{_IP}",
                rf"{_IP} (?:assigned|allocated) (?:to you|by (?:us|our servers?))",
                rf"{_IP} (?:that )?(?:we|our (?:vpn )?servers?|the (?:vpn )?servers?) "
                r"(?:assigns?|allocates?|gives?) (?:to )?you",
            ),
        ),
        (
            "source IP",
            (
                rf"(?:source|originating|real|original|incoming|home|client|true)"
                rf"[- ]{_IP}",
                r"ip address(?:es)? (?:you connect from|of (?:the|your) (?:device|users?))",
                r"(?:your )?device'?s? ip address(?:es)?",
            ),
        ),
        (
            "connection timestamps",
            (
                r"connection (?:time ?stamps?|times?|dates?|start(?: and end)? times?)",
                r"time ?stamps?",
                r"(?:date|time)s? and (?:date|time)s? of (?:your |each )?(?:last |most recent )?"
                r"(?:successful )?(?:vpn )?(?:connections?|sessions?|logins?|log-ins?)",
                r"(?:login|log-in|connect(?:ion)?) (?:and disconnect(?:ion)? )?times?",
                r"when you (?:connect|log in|logged in|connected)",
                r"(?:the )?times? (?:when )?you (?:connect|connected|log in|logged in)",
                r"(?:the )?times? (?:at which|when) you (?:connect|disconnect|log in|log off)",
                r"(?:the )?times? of (?:the|your|each) (?:vpn )?(?:connections?|sessions?)",
                r"(?:the )?times? (?:at which|when) your (?:sessions?|connections?) "
                r"(?:begins?|starts?|ends?)(?: and (?:begins?|starts?|ends?))?",
            ),
        ),
        (
            "session duration",
            (
                r"session (?:lengths?|durations?|times?)",
                r"(?:duration|length)s? of (?:your |each )?(?:sessions?|connections?)",
                r"connection (?:durations?|lengths?)",
                r"how long you (?:stay |remain |were |are )?connected",
            ),
        ),
        (
            "bandwidth",
            (
                r"bandwidth(?: usage| used| consumption)?",
                r"(?:traffic|data) (?:volume|usage|consumption)",
                r"amount of (?:data|traffic) (?:transferred|used|you (?:use|transfer))",
                r"(?:total )?data transferred",
                r"how much data (?:you |each user )?(?:use|uses|transfer|transfers|consume)",
            ),
        ),
        (
            "DNS queries",
            (
                r"dns (?:queries|query|requests?|lookups?|logs?)",
                # "our DNS resolvers keep query logs": the resolver names what the logs are of
                r"dns (?:resolvers?|servers?)\b[^.;:]{0,60}?\b(?:query|lookup|request) logs?",
                r"(?:queries|lookups|requests) (?:sent |made )?to (?:our |the |its )?dns",
                # "Queries are answered from memory": a resolver's queries, said bare
                r"(?<![\w-] )queries(?= (?:are|is|were|get) (?:answered|resolved|logged|stored|"
                r"kept|written|recorded))",
            ),
        ),
        (
            "connection logs",
            (
                r"(?:vpn )?connection (?:logs?|data|metadata|records?|information|diagnostics)",
                r"(?:vpn )?session (?:logs?|records?|metadata)",
                r"vpn session (?:data|information)",
                r"session (?:data|information)(?=[^.;]{0,80}\bvpn\b)",
            ),
        ),
        (
            "browsing activity",
            (
                r"browsing (?:history|activity|activities|data|habits|behaviou?r)",
                r"traffic (?:destinations?|directions?|content|data|logs?)",
                r"(?:websites?|sites?|pages?|urls?) (?:that |which )?you (?:are )?(?:visit|visited|"
                r"visiting|browse|browsing|access|land on|go to|open)",
                r"(?:websites?|sites?|ip addresses) (?:you )?visited",
                r"destination (?:websites?|ip(?: address)?(?:es)?|servers?|urls?|hostnames?|"
                r"domains?|addresses)",
                r"online activit(?:y|ies)",
                r"activity logs?",
                r"content of (?:your )?(?:traffic|communications)",
                r"(?:the |your |all |network |internet )?traffic (?:that )?(?:passes|passing|flows|"
                r"flowing|goes|going|is routed|routed|travels|travelling) (?:through|over|via)",
                r"your (?:internet |network |online |vpn )?traffic",
                r"data content",
                r"(?:what|the content) you (?:do|access|download) online",
                r"(?:applications|apps|domains|sites|websites|services) (?:that )?you "
                r"(?:reach|visit|use|access|connect to)(?: through| over| via| using)",
            ),
        ),
    )
)

DATA_TYPES: tuple[Term, ...] = tuple(
    Term(name, _re(*alts), "data")
    for name, alts in (
        (
            "email",
            (
                r"e-?mail(?: address(?:es)?)",
                r"e-?mail(?= \|)",  # a table row: "Email | Account and receipts | ..."
                r"e-?mails? you send",
                # a bare "email" is the address only as a data item: "your name or email"
                r"(?:(?<=your )|(?<=name or )|(?<=name and )|(?<=name, ))e-?mail(?! (?:us|me))",
            ),
        ),
        (
            "payment",
            (
                r"payment (?:information|details|data|method(?: details)?|card)s?",
                r"(?:credit|debit) card(?: numbers?| details)?",
                r"bank account(?: numbers?| details)?",
                r"billing (?:information|details|records|history)",
                r"card numbers?",
                r"card details",
            ),
        ),
        (
            "postal address",
            (
                r"(?:postal|mailing|billing|home|residential|street|physical|business) address"
                r"(?:es)?",
            ),
        ),
        ("phone", (r"(?:tele)?phone numbers?", r"mobile (?:phone )?numbers?")),
        (
            "device id",
            (
                r"device (?:ids?|identifiers?)",
                r"advertising (?:ids?|identifiers?)",
                r"idfa|gaid|aaid",
                r"mobile identifiers?",
                r"unique (?:device )?identifiers?",
                r"imei",
            ),
        ),
        (
            "device information",
            (
                r"device (?:type|model|information|data|details)|model of (?:your|the) device",
                r"operating system(?: version)?",
                r"browser (?:type|version)",
                r"user[- ]agent",
                r"app(?:lication)? version",
            ),
        ),
        ("precise location", (r"(?:precise|exact|gps) (?:geo-?)?location(?: data)?", r"gps")),
        (
            "location",
            (r"(?:precise |approximate |gps |geo-?)?locations?(?: data)?", r"geolocation", r"gps"),
        ),
        ("IP address", (rf"{_IP}",)),
        ("cookies", (r"cookies?", r"web beacons?", r"(?:tracking )?pixels?", r"local storage")),
        (
            "usage data",
            (
                r"usage (?:data|information|statistics|stats)",
                r"crash (?:reports?|logs?)",
                r"diagnostic (?:data|information|reports?)",
                r"performance data",
            ),
        ),
        ("date of birth", (r"dates? of birth", r"birth ?dates?", r"birthdays?")),
        (
            "government id",
            (
                r"government[- ](?:issued )?(?:identification|id)",
                r"passports?",
                r"id cards?",
                r"social security numbers?|\bssns?",
                r"national (?:id|identity|insurance) numbers?",
                r"tax (?:id|identification) numbers?",
            ),
        ),
        (
            "name",
            (
                r"(?:full |first |last |real |legal |your |subscriber |screen |user ?)names?",
                # a bare "name" as an item of a list: "your email address and name"
                r"(?<=, |: )names?(?= (?:and|or)\b|[,.;]|$)",
                r"(?:(?<=\band )|(?<=\bor ))names?(?=[,.;]|$| and\b| or\b)",
            ),
        ),
        ("credentials", (r"passwords?", r"login credentials")),
        (
            "messages",
            (
                r"contents? of (?:your |the )?(?:messages?|emails?|support requests?)",
                r"chat logs?",
                r"contents? of (?:your |the |our )?(?:\w+'? )?communications",
                r"(?:e-?mail|chat|text|instant|direct|private) messages",
            ),
        ),
        ("contacts", (r"contact lists?", r"address books?", r"your contacts")),
        (
            "stored content",
            (
                r"contents? of (?:your |the |a |customer )?(?:user's |customer's )?(?:files?|"
                r"mailbox(?:es)?|vaults?|virtual (?:machines?|servers?)|servers?|buckets?|"
                r"databases?|notes?|documents?|drives?|storage|hosting account|websites?)",
                r"customer content",
                r"what(?:'s| is) (?:stored )?in your (?:vault|files?|mailbox|account|drive|notes)",
            ),
        ),
        (
            "search queries",
            (
                r"search (?:terms|queries|query|history|keywords)",
                r"(?:terms|words|queries) you search(?: for)?",
                r"what you search for",
            ),
        ),
        (
            "interaction data",
            (
                r"session[- ]replays?(?: software| tools?| scripts?)?",
                r"session recordings?",
                r"mouse movements?",
                r"keystrokes?",
                r"(?:clicks|taps),? (?:and )?(?:scrolls|scrolling|swipes)",
            ),
        ),
        ("photos", (r"photos?", r"camera", r"media files", r"camera roll")),
        (
            "video",
            (
                r"videos?(?: recordings?| clips?| footage| streams?)?(?! surveillance| call)",
                r"(?:camera |security )?footage",
            ),
        ),
        (
            "audio",
            (
                r"microphone",
                r"audio(?: recordings?| clips?| data)?",
                r"voice (?:recordings?|notes?|messages?|clips?|samples?|data)",
            ),
        ),
        ("clipboard", (r"clipboard(?: contents?| data| text)?", r"text you copy")),
        (
            "purchase history",
            (
                r"purchase (?:history|records?|data)",
                r"(?:itemi[sz]ed )?(?:record|history|list) of (?:every|each|all|your) purchases?",
                r"what you (?:buy|purchase)",
            ),
        ),
        ("referenced data", (r"(?:this|such|that|these|the above) (?:information|data)",)),
        (
            "biometrics",
            (
                r"biometric(?: data| information| identifiers)?",
                r"face ?prints?",
                r"facial (?:recognition|geometry|scans?)",
                r"face (?:templates?|geometry|scans?)",
                r"behaviou?ral biometrics",
                r"typing (?:patterns?|rhythm|behaviou?r)",
                r"how you (?:type|hold your (?:phone|device)|swipe)",
            ),
        ),
        (
            "presence data",
            (
                r"(?:occupancy|presence|motion) (?:data|information|status)",
                r"whether (?:anyone|someone|you) (?:is|are) (?:home|moving|present|in the room)",
            ),
        ),
        (
            "health data",
            (
                r"(?<!battery )(?<!device )health (?:data|information)",
                r"menstrual (?:cycle )?(?:data|information|tracking)?",
                r"(?:fertility|pregnancy|medical) (?:data|information|records?)",
                r"heart rate variability",
                r"blood (?:oxygen|pressure|glucose|sugar)(?: readings?| levels?)?",
            ),
        ),
        (
            "sensitive data",
            (
                r"sexual (?:orientation|preferences?|life)",
                r"religio(?:n|us (?:beliefs?|views))",
                r"ethnicity|ethnic origin|racial origin",
                r"political (?:opinions?|views|affiliations?)",
                r"trade union membership",
            ),
        ),
        (
            "viewing history",
            (
                r"(?:viewing|watch|listening) (?:history|habits|data|activity|information)",
                r"(?:what|the (?:shows|programmes|programs|films|movies|channels)) you watch",
            ),
        ),
        (
            "personal data",
            # "a personal data breach" is an incident, not data collected
            (r"personal(?:ly identifiable)? (?:data|information)(?! breach)", r"pii"),
        ),
    )
)

# Named companies, each with the recipient class it belongs to: naming one inside a class already
# disclosed is minor (more specific); one whose class was never disclosed is a new recipient class.
_COMPANIES: tuple[tuple[str, str, str], ...] = (
    ("Google Analytics", r"google analytics", "analytics providers"),
    ("Google Ads", r"google ads|adwords|doubleclick|admob", "advertisers"),
    ("Facebook", r"facebook|meta(?: platforms| pixel)?|instagram", "advertisers"),
    ("TikTok", r"tiktok", "advertisers"),
    ("Criteo", r"criteo", "advertisers"),
    ("LinkedIn", r"linkedin", "advertisers"),
    ("Microsoft Advertising", r"bing ads|microsoft advertising", "advertisers"),
    ("Stripe", r"stripe", "payment processors"),
    ("PayPal", r"paypal", "payment processors"),
    ("Braintree", r"braintree", "payment processors"),
    ("Paddle", r"paddle", "payment processors"),
    ("Adyen", r"adyen", "payment processors"),
    ("Mixpanel", r"mixpanel", "analytics providers"),
    ("Amplitude", r"amplitude", "analytics providers"),
    ("Segment", r"segment(?:\.(?:io|com))", "analytics providers"),
    ("Hotjar", r"hotjar", "analytics providers"),
    ("Firebase", r"firebase", "analytics providers"),
    ("AppsFlyer", r"appsflyer", "analytics providers"),
    ("Adjust", r"adjust(?:\.com| gmbh)", "analytics providers"),
    ("Matomo", r"matomo|piwik", "analytics providers"),
    ("Plausible", r"plausible", "analytics providers"),
    ("AWS", r"aws|amazon web services", "service providers"),
    ("Google Cloud", r"google cloud(?: platform)?|gcp", "service providers"),
    ("Microsoft Azure", r"azure", "service providers"),
    ("Cloudflare", r"cloudflare", "service providers"),
    ("DigitalOcean", r"digitalocean|digital ocean", "service providers"),
    ("Hetzner", r"hetzner", "service providers"),
    ("OVH", r"ovh(?:cloud)?", "service providers"),
    ("Zendesk", r"zendesk", "service providers"),
    ("Intercom", r"intercom", "service providers"),
    ("Freshdesk", r"freshdesk", "service providers"),
    ("Mailchimp", r"mailchimp", "service providers"),
    ("SendGrid", r"sendgrid", "service providers"),
    ("Sentry", r"sentry", "service providers"),
    ("HubSpot", r"hubspot", "service providers"),
    ("Salesforce", r"salesforce", "service providers"),
)

RECIPIENT_CLASSES: tuple[Term, ...] = tuple(
    Term(name, _re(*alts), "recipient", name)
    for name, alts in (
        (
            "advertisers",
            (
                r"advertis(?:ers|ing (?:partners|networks|companies|platforms))",
                r"ad (?:networks?|partners|platforms|exchanges)",
                r"marketing partners",
            ),
        ),
        (
            "analytics providers",
            (r"analytics (?:providers?|partners|services?|companies|tools|vendors)",),
        ),
        ("data brokers", (r"data brokers?",)),
        (
            "credit agencies",
            (r"credit (?:reference |reporting )?(?:agencies|agency|bureaus?)",),
        ),
        ("fraud prevention agencies", (r"fraud prevention (?:agencies|agency|services)",)),
        (
            "insurers",
            (r"(?:health |life |car )?insurers?", r"insurance (?:companies|company|providers?)"),
        ),
        ("employers", (r"(?:your )?employers?",)),
        ("landlords", (r"(?:prospective )?landlords?", r"letting agents?")),
        ("lenders", (r"(?:prospective )?lenders?", r"credit providers?", r"banks")),
        (
            "political organisations",
            (
                r"political (?:campaigns?|parties|party|organi[sz]ations?|advertisers)",
                r"advocacy (?:groups?|organi[sz]ations?)",
            ),
        ),
        ("manufacturers", (r"manufacturers?", r"device makers?")),
        (
            "delivery services",
            (
                r"couriers?",
                r"delivery (?:partners?|companies|company|services?)",
                r"shipping (?:partners?|carriers?|companies|company)",
                r"postal services?",
            ),
        ),
        (
            "affiliates",
            (
                r"affiliate(?:s|d companies)",
                r"subsidiaries",
                r"parent compan(?:y|ies)",
                r"group compan(?:y|ies)",
                r"sister compan(?:y|ies)",
            ),
        ),
        (
            "law enforcement",
            (r"law enforcement(?: agenc(?:y|ies)| officials| authorit(?:y|ies))?", r"police"),
        ),
        (
            "government",
            (
                r"government(?:al)?(?: agenc(?:y|ies)| authorit(?:y|ies)| officials| bodies|"
                r" entities)?",
                r"(?:public |competent |governmental |state )?authorit(?:y|ies)",
                r"regulators?",
                r"intelligence (?:agenc(?:y|ies)|services)",
            ),
        ),
        (
            "payment processors",
            (r"payment (?:processors?|providers?|gateways?|service providers?)",),
        ),
        (
            "service providers",
            (
                r"(?:third[- ]party |external |outside |e-?mail |cloud |it )?service providers?",
                r"vendors?",
                r"(?:sub-?)?processors",
                r"(?:outsourced |external |independent )?(?:support |it |security |software )?"
                r"contractors?",
                r"hosting providers?",
                r"suppliers?",
            ),
        ),
        (
            "acquirer",
            (
                r"(?:merger|acquisition|sale of (?:all or part of )?(?:our|the) (?:business"
                r"|company|assets))",
                r"(?:buyer|purchaser|acquirer|successor)s?",
                r"(?:acquiring|new|successor) (?:company|entity|owner)",
            ),
        ),
        (
            "anyone",
            (
                # who data goes "to" or is shared "with": "no one can tell anyone" names no one
                r"(?:(?<=with )|(?<=to ))any ?one(?: else)?",
                r"(?:(?<=with )|(?<=to ))anybody(?: else)?",
                r"(?:(?<=with )|(?<=to ))no ?one",
                r"(?:(?<=with )|(?<=to ))nobody",
                r"any (?:other )?(?:person|company|organi[sz]ation|entity)",
            ),
        ),
        (
            "third parties",
            (
                r"third[- ]part(?:y|ies)",
                r"outside parties",
                r"other (?:companies|parties)",
                r"partners",
                r"retailers",
                r"(?:city|urban|transport) planners",
                r"municipalit(?:y|ies)",
            ),
        ),
    )
)

COMPANIES: tuple[Term, ...] = tuple(
    Term(name, _re(alts), "recipient", cls) for name, alts, cls in _COMPANIES
)

PURPOSES: tuple[Term, ...] = tuple(
    Term(name, _re(*alts), "purpose")
    for name, alts in (
        (
            "advertising",
            (
                r"advertis(?:ing|ements?)",
                r"(?:targeted|personali[sz]ed|interest-based|relevant) ads",
                r"ads",
                r"ad targeting",
            ),
        ),
        (
            "AI training",
            (
                r"train(?:ing)? (?:our |of |the |its )?(?:(?:ai|artificial intelligence|"
                r"machine[- ]learning|language|generative) )?models?",
                r"machine learning",
                r"artificial intelligence",
            ),
        ),
        (
            "marketing",
            (
                r"marketing",
                r"promotion(?:al|s)?",
                r"newsletters?",
                r"(?:special )?offers",
                r"product news",
                r"(?:offer|show|sell) you (?:products|services|offers) (?:from|of) "
                r"(?:our |selected )?(?:partners?|partner \w+|third parties)",
            ),
        ),
        (
            "eligibility decisions",
            (
                r"(?:insurance|credit|lending|loan|employment|housing) (?:pricing|underwriting|"
                r"decisions?|scoring|eligibility|offers?)",
                r"(?:decide|set) (?:the )?(?:price|premium|rate)s? (?:of|for) (?:your )?"
                r"(?:insurance|"
                r"cover|loan|credit)",
            ),
        ),
        (
            "model training",
            (
                r"train(?:ing)? (?:our |its |their |the )?(?:[\w-]+ ){0,3}?"
                r"(?:models?|algorithms?|ai)",
                r"(?:machine learning|ai) (?:model )?training",
                r"model training",
            ),
        ),
        (
            "personalization",
            (
                r"personali[sz](?:e|ed|ation)(?: content| experience| recommendations)?",
                r"suggest(?:ions)?",
            ),
        ),
        (
            "analytics",
            (r"analytics", r"statistic(?:s|al)", r"analy[sz]e (?:the )?(?:usage|trends)"),
        ),
        ("fraud prevention", (r"fraud", r"abuse", r"spam")),
        (
            "legal compliance",
            (r"comply with (?:the |applicable |our )?(?:law|legal)", r"legal obligations?"),
        ),
        ("profiling", (r"profil(?:ing|es?)",)),
        ("research", (r"research",)),
    )
)

# The recipient classes that are the state: they ask for data and may be handed it, but saying
# who asks ("requests from law enforcement") is no disclosure, and handing it over is government
# access rather than sharing.
AUTHORITIES = frozenset({"law enforcement", "government"})

ALL_TERMS: tuple[Term, ...] = VPN_FIELDS + COMPANIES + RECIPIENT_CLASSES + PURPOSES + DATA_TYPES

# The verbs and modality markers live in ``watcher.classify.verbs``; re-exported here.
from watcher.classify.verbs import EXCEPTION as EXCEPTION  # noqa: E402
from watcher.classify.verbs import HEDGE as HEDGE  # noqa: E402
from watcher.classify.verbs import MAY as MAY  # noqa: E402
from watcher.classify.verbs import NEGATION as NEGATION  # noqa: E402
from watcher.classify.verbs import NEVER as NEVER  # noqa: E402
from watcher.classify.verbs import VERB_GROUPS as VERB_GROUPS  # noqa: E402
