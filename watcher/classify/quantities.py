"""Quantities a sentence names: periods (in seconds), ages, contact details and other numbers.

Periods are normalised to one unit so that "24 hours" and "one day" compare equal; open-ended
periods ("as long as we need it", "indefinitely") are infinite, "while your account is open" is
long but finite, and "in memory only" or "when you disconnect" is zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from watcher.classify.matching import Gated, quick_gate, trie_pattern


@dataclass(frozen=True, slots=True)
class Duration:
    seconds: float
    text: str


_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "a": 1,
    "an": 1,
    "a single": 1,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}
_TENS |= {"eighty": 80, "ninety": 90}
for _tens, _value in _TENS.items():  # "seventy-two", "twenty four": every number up to 99
    _WORD_NUMBERS[_tens] = _value
    for _unit in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"):
        _WORD_NUMBERS[f"{_tens}-{_unit}"] = _WORD_NUMBERS[f"{_tens} {_unit}"] = (
            _value + _WORD_NUMBERS[_unit]
        )
_UNIT_SECONDS = {
    "second": 1,
    "minute": 60,
    "min": 60,
    "hour": 3600,
    "hr": 3600,
    "day": 86400,
    "week": 7 * 86400,
    "month": 30 * 86400,
    "year": 365 * 86400,
}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True)) + r")"
# The same number words shaped as a trie, with a word start first: a duration is looked for at
# every word of every sentence, and an alternation of a hundred words tried at every character
# was most of the time a sentence took to read.
_NUM_AT_WORD = r"\b(\d+(?:\.\d+)?|" + trie_pattern(_WORD_NUMBERS) + r")"
DURATION = re.compile(
    _NUM_AT_WORD + r"(?:\s*\((\d+)\))?[\s-]*(?:calendar |business |full |further |additional |"
    r"more |extra |consecutive )?"
    r"(second|minute|min|hour|hr|day|week|month|year)s?\b"
)
# "As long as the law requires" is bounded by the law, not by the provider's wish: it is its own
# period, equal however it is worded, and never read as open-ended.
LEGAL_PERIOD = re.compile(
    r"\b(?:as long as|for (?:the )?(?:period|time)) (?:(?:is |we are |it is )?(?:legally )?"
    r"(?:required|necessary|mandated|permitted) (?:by|under) (?:(?:the |applicable |relevant )?"
    r"(?:laws?|legislation|regulations?)|(?:applicable|relevant) \w+)|the law (?:requires|allows)|"
    r"we are (?:legally )?(?:required|obliged) to|(?:is )?legally (?:required|necessary))"
)
UNBOUNDED = re.compile(
    r"\b(?:indefinitely|permanently|forever|for an unlimited|no (?:fixed|set) (?:period|limit)|"
    r"or (?:for )?longer (?:if|where|when|as|while)|"
    r"as long as (?:necessary|needed|required|we (?:need|see fit|deem)|is (?:necessary|needed))|"
    r"as long as (?:it is|they are) (?:necessary|needed|useful)|"
    r"as long as (?:we|it|they) (?:consider|deem|find|think|believe|judge)s? (?:it |them |this )?"
    r"(?:to be )?(?:useful|necessary|appropriate|relevant|valuable)|"
    r"as long as (?:we|it|they) (?:have|has|serve|serves) (?:a |an )?(?:legitimate |valid |"
    r"business |commercial |reasonable )*(?:need|reason|purpose|interest|use)|"
    r"as long as (?:is )?(?:useful|appropriate|reasonably (?:necessary|needed)))"
)
ACCOUNT_LIFETIME = re.compile(
    r"\b(?:as long as|while|until) (?:your|the) (?:account|subscription|profile) (?:is|remains) "
    r"(?:active|open|valid)|"
    r"\b(?:as long as|while) (?:your|the) (?:account|subscription|profile) exists|"
    r"until you (?:close|delete|cancel|terminate) (?:your|the) (?:account|subscription|profile)|"
    r"until you delete (?:it|them|this|these|(?:the|your|that) [\w-]+)|"
    r"for the (?:life|lifetime|duration) of your (?:account|subscription)\b"
)
IMMEDIATE = re.compile(
    r"\b(?:immediately|in real[- ]time|real-time|in memory only|"
    r"(?:as soon as|once|when) (?:you disconnect|(?:the|your) (?:session|connection) "
    r"(?:ends|is closed)|"
    r"you close (?:your|the) browser)|at the end of (?:your|the) browser session|"
    r"at the end of (?:each|every|your|the) (?:session|connection)|"
    r"until you (?:log out|sign out|log off|close the app|end the session)|"
    r"as soon as (?:the |your |an? )?[a-z -]{1,40}? (?:is|are|has been|have been) "
    r"(?:complete|completed|finished|done|over|verified)|"
    r"as soon as [a-z -]{1,60}? (?:has|have) (?:downloaded|received|read|opened|delivered) "
    r"(?:it|them))\b"
)
# "Without undue delay": no period at all, which is longer than any period named (a deadline
# replaced by it is a weaker promise). Its own marker, below the legal period and a lifetime.
VAGUE = re.compile(
    r"\bwithout undue delay\b|\bas soon as (?:reasonably )?practicable\b|"
    r"\b(?:for|within|after) a (?:limited|short|reasonable) (?:time|period)(?: of time)?\b"
)
AGE = re.compile(
    r"\b(?:under|below|younger than|age of|aged|over|at least)\s+(?:the age of\s+)?"
    + _NUM
    + r"(?:\s*\((\d+)\))?(?!\s*(?:%|days|months|hours|minutes|weeks))"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[email protected\]")
URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
# A link written without its scheme: a domain with a path ("my.example.com/privacy").
BARE_LINK = re.compile(r"(?<![\w@./-])(?:[a-z0-9-]+\.)+[a-z]{2,}/[\w./%#?=&-]*[\w/]")
# An address written so that robots cannot read it: "privacy [at] example [dot] com".
_OBFUSCATED = re.compile(
    r"([\w.+-]+)\s*[\[(]\s*at\s*[\])]\s*([\w-]+)\s*[\[(]\s*dot\s*[\])]\s*([a-z]{2,})"
)
PHONE = re.compile(r"\+?\d[\d ().-]{7,}\d")
STREET = re.compile(
    r"\b\d+[a-z]?,? [a-z .]+ (?:(?:street|avenue|ave|road|boulevard|blvd|lane|strasse|straße|"
    r"suite|floor)\b|st\.|rd\.|ave\.)[^.;]*|\bp\.?o\.? box \d+"
)
# Continental street names are one word ending in the kind of street, the number after it.
STREET_EU = re.compile(
    r"\b[a-zäöüßéè-]+(?:stra(?:ss|ß)e|str\.|allee|weg|gasse|platz|ring|damm|ufer|laan|straat|"
    r"gracht|kade|vej|gatan|gade|katu) \d+[a-z]?\b[^.;]*"
)
# Whoever users are told to reach: "our representative is X", "our DPO at X".
NAMED_CONTACT = re.compile(
    r"\b(?:representative|data protection officer|dpo)\b[^.;]{0,70}?\b(?:is|are|:|at|by) "
    r"(?!(?:the|our|your|a|an|any|this|that|appointed|responsible|available|required|located)\b)"
    r"([a-z0-9][^,;()]{1,60}?)(?=[,;()]|\.(?:\s|$)|$| (?:with|for|if|about|regarding|by|to|who|"
    r"which|and|or|under|in)\b)"
)
_DIGIT = re.compile(r"\d")
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")


def _number(word: str, digits: str | None) -> float:
    if digits:
        return float(digits)
    if word in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[word])
    return float(word)


_PERIOD_WORDS = (
    "second",
    "min",
    "hour",
    "hr",
    "day",
    "week",
    "month",
    "year",
    "long",
    "time",
    "indefinite",
    "perman",
    "forever",
    "immediate",
    "memory",
    "end of",
    "disconnect",
    "limit",
    "once",
    "while",
    "until",
    "ends",
    "browser",
    "as soon as",
    "without undue",
    "practicable",
    "limited",
    "reasonable",
    "short",
    "longer",
    "daily",
    "annual",
    "quarter",
    "fortnight",
    "| session",
)
# A cookie table's lifetime cell: "| Session" is until the browser closes.
_SESSION_CELL = re.compile(r"\| session(?: cookie)?\s*(?=\||$)")


_QUICK = {
    rx: quick_gate(rx, 16) for rx in (LEGAL_PERIOD, UNBOUNDED, ACCOUNT_LIFETIME, IMMEDIATE, VAGUE)
}
# The same, looked up by the pattern's text: hashing a compiled pattern hashes its whole program,
# every time (a microsecond or two for these), while a string keeps its hash.
_QUICK_BY_TEXT = {rx.pattern: gate for rx, gate in _QUICK.items()}


def _finditer(rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)``, skipped when a word every match needs is missing from ``text``."""
    gate = _QUICK_BY_TEXT[rx.pattern]
    if gate is not None and not any(map(text.__contains__, gate)):
        return iter(())
    return rx.finditer(text)


# How often something happens ("every six months", "twice a year", "annually") is a frequency,
# never a period data is kept for.
FREQUENCY = re.compile(
    r"\b(?:every|each|per|once|twice|(?:three|four|\d+) times)(?: an?| per| each| every)?"
    r"(?: " + _NUM + r")?[\s-]*(?:calendar )?(second|minute|hour|day|week|month|quarter|year)s?\b|"
    r"\b(hourly|daily|weekly|fortnightly|monthly|quarterly|(?:semi|bi)-?annually|annually|yearly)\b"
)
_ADVERB_SECONDS = {
    "hourly": 3600.0,
    "daily": 86400.0,
    "weekly": 7 * 86400.0,
    "fortnightly": 14 * 86400.0,
    "monthly": 30 * 86400.0,
    "quarterly": 91 * 86400.0,
    "annually": 365 * 86400.0,
    "yearly": 365 * 86400.0,
}
# "Purged every 24 hours" is how long data lives: a deletion cadence is a retention period.
DELETES = re.compile(r"\b(?:purg|delet|eras|wipe|overwrit|rotat|destroy)")
_TIMES = {"once": 1.0, "twice": 2.0, "three": 3.0, "four": 4.0}
# A period after a lifetime ("while your account is open and for seven years afterwards").
_AFTERWARDS = re.compile(
    r"\s*(?:afterwards|thereafter|after(?:wards)? (?:that|which|it (?:is )?"
    r"closes?|closure|cancellation|termination|deletion))\b"
)


# Searched in every sentence that names a period; few have any of their words.
_FREQUENCY, _DELETES = Gated(FREQUENCY), Gated(DELETES)


def _seconds(word: str, digits: str | None, unit: str) -> float:
    n = _number(word, digits)
    if unit == "month" and n % 6 == 0:  # "24 months" is "2 years", "18 months" a year and a half
        return n / 12 * _UNIT_SECONDS["year"]
    return n * _UNIT_SECONDS[unit]


def frequencies(text: str) -> tuple[tuple[float, str], ...]:
    """How often the sentence says something happens, as an interval in seconds."""
    out: list[tuple[float, str]] = []
    for m in _FREQUENCY.finditer(text):
        if m.group(3):
            adverb = m.group(3).replace("-", "")
            secs = _ADVERB_SECONDS.get(adverb, 365 * 86400.0 / 2)
        else:
            unit = m.group(2)
            secs = 91 * 86400.0 if unit == "quarter" else _UNIT_SECONDS[unit]
            if m.group(1):
                secs *= _number(m.group(1), None)
            first = m.group(0).split()[0]
            if first in _TIMES or first.isdigit():
                secs /= _TIMES.get(first, float(first) if first.isdigit() else 1.0)
        out.append((secs, m.group(0)))
    return tuple(out)


# "until you delete the workout, then 5 years in our archive": a period that follows the
# account's (or the item's) lifetime adds to it.
_THEN = re.compile(r"(?:,? (?:and )?then(?: for| kept for)?|, followed by|, plus) $")


def durations(text: str) -> tuple[Duration, ...]:
    """Every period a sentence names, in seconds; unbounded ones as infinity."""
    if not any(map(text.__contains__, _PERIOD_WORDS)):
        return ()
    often = [] if _DELETES.search(text) else [m.span() for m in _FREQUENCY.finditer(text)]
    lifetime = _finditer(ACCOUNT_LIFETIME, text)
    has_lifetime = next(lifetime, None) is not None
    out = [
        Duration(
            _seconds(m.group(1), m.group(2), m.group(3))
            * (1.5 if text.startswith(" and a half", m.end()) else 1.0)
            + (
                1e15
                if has_lifetime
                and (_AFTERWARDS.match(text, m.end()) or _THEN.search(text, 0, m.start()))
                else 0.0
            ),
            m.group(0),
        )
        for m in DURATION.finditer(text)
        if not any(s <= m.start() < e for s, e in often)
    ]
    legal = [m.span() for m in _finditer(LEGAL_PERIOD, text)]
    out += [Duration(1e14, m.group(0)) for m in _finditer(LEGAL_PERIOD, text)]
    out += [
        Duration(math.inf, m.group(0))
        for m in _finditer(UNBOUNDED, text)
        if not any(s <= m.start() < e for s, e in legal)
    ]
    out += [Duration(1e15, m.group(0)) for m in _finditer(ACCOUNT_LIFETIME, text)]
    out += [Duration(0.0, m.group(0)) for m in _finditer(IMMEDIATE, text)]
    if "| session" in text:
        out += [Duration(0.0, "session") for _ in _SESSION_CELL.finditer(text)]
    out += [Duration(1e13, m.group(0)) for m in _finditer(VAGUE, text)]
    if not out and _DELETES.search(text):
        # "Purged at the end of each day", "deleted weekly": the deletion cadence, with no period
        # named, is how long the data lives.
        out += [Duration(secs, said) for secs, said in frequencies(text)]
    return tuple(out)


CHANNEL = re.compile(
    r"\b(?:by (?:post|mail|letter|phone|telephone|fax)|(?:via|through|using) (?:our |the )?"
    r"(?:web ?form|contact form|live chat|chat))\b"
)


def contacts(text: str) -> frozenset[str]:
    """E-mail addresses, URLs, phone numbers, street addresses and channels ("by post")."""
    if "[at]" in text or "(at)" in text or " at]" in text:
        text = _OBFUSCATED.sub(r"\1@\2.\3", text)
    rxs = [URL] if ("http" in text or "www." in text) else []
    if "/" in text:
        rxs.append(BARE_LINK)
    if "by " in text or "via " in text or "through " in text or "using " in text:
        rxs.append(CHANNEL)
    if "@" in text or "email protected" in text:
        rxs.append(EMAIL)
    if _DIGIT.search(text) is not None:
        rxs += [PHONE, STREET, STREET_EU]
    found = {m.group(0).rstrip(".,;)") for rx in rxs for m in rx.finditer(text)}
    if "representative" in text or "dpo" in text or "protection officer" in text:
        found |= {m.group(1).strip() for m in NAMED_CONTACT.finditer(text)}
    return frozenset(found)


# What a sentence naming an age limit speaks of; searched in every sentence, so gated.
_AGE_CONTEXT = Gated(
    re.compile(
        r"\b(?:age|children|child|minors?|years old|parent|(?:anyone|persons?|people|individuals|"
        r"users|players|members|customers|kids|teens|students) (?:under|below|younger))"
    )
)


def ages(text: str) -> frozenset[int]:
    if not _AGE_CONTEXT.search(text):
        return frozenset()
    out = set()
    for m in AGE.finditer(text):
        try:
            value = int(_number(m.group(1), m.group(2)))
        except ValueError:
            continue
        if _OR_YOUNGER.match(text, m.end()):
            value += 1  # "13 or younger" is "under 14"
        if 5 <= value <= 25:
            out.add(value)
    return frozenset(out)


_OR_YOUNGER = re.compile(r"(?: years?(?: old)?)? (?:or|and) (?:younger|under)\b")


_ROUND_THE_CLOCK = re.compile(r"\b24 ?[/x] ?7(?: ?/ ?365)?\b")  # "24/7" is "around the clock"


def numbers(text: str) -> frozenset[str]:
    """The numbers of a sentence that are not part of a period, an age or a contact detail."""
    if _DIGIT.search(text) is None:
        return frozenset()
    # "groups of at least 50 employees" is a number, not an age: ages only where age is the topic
    rxs = [DURATION, PHONE, STREET, _ROUND_THE_CLOCK, *((AGE,) if ages(text) else ())]
    if "@" in text or "[email protected]" in text:  # every e-mail match has one of them
        rxs.append(EMAIL)
    if "http" in text or "www." in text:  # and every URL match one of these
        rxs.append(URL)
    spans = [m.span() for rx in rxs for m in rx.finditer(text)]  # only tested for containment
    return frozenset(
        m.group(0) for m in NUMBER.finditer(text) if not any(s <= m.start() < e for s, e in spans)
    )
