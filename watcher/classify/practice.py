"""Reading one sentence as the practices it states.

A practice is who does what with which data, shared with whom, why, how strongly, and for how
long. We read it shallowly but deterministically: clauses are cut at conjunctions that start a new
statement, each clause gets a modality level from its markers, and every lexicon term in a clause is
bound to the nearest verb group before it. Two sentences state the same practice when they yield
the same claims, however many other words differ: that is what makes paraphrases cosmetic and a
one-word negation flip material.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from watcher.classify import cues
from watcher.classify import lexicon as lx
from watcher.models import Category

# Modality levels, most protective first (DESIGN.md): a higher level is more permissive.
NEVER, NOT, NOT_EXCEPT, NOT_CURRENTLY, MAY, DO = range(6)
LEVEL_WORDS = {
    NEVER: "never",
    NOT: "do not",
    NOT_EXCEPT: "do not ... except",
    NOT_CURRENTLY: "currently do not",
    MAY: "may",
    DO: "do",
}


@dataclass(frozen=True, slots=True)
class Claim:
    """One statement about one thing: ``(group, item)`` says what, ``level`` how strongly.

    ``sense`` is +1 when a negative statement protects users (we do not log) and -1 when a positive
    one does (we will notify you). ``verb`` and ``phrase`` are the words quoted in reasons.
    """

    group: str
    item: str
    kind: str
    level: int
    sense: int
    verb: str
    phrase: str
    cls: str = ""  # recipient class of a named company
    clause: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return (self.group, self.item)

    @property
    def permissiveness(self) -> int:
        """How much the statement lets the provider do, on one scale for both senses."""
        return self.level if self.sense > 0 else DO - self.level


@dataclass(frozen=True, slots=True)
class Duration:
    seconds: float
    text: str


@dataclass(frozen=True, slots=True)
class Practice:
    """Everything the classifier reads out of one sentence."""

    claims: tuple[Claim, ...]
    verbs: dict[str, int]  # verb group -> level of the clause holding it (the most permissive)
    durations: tuple[Duration, ...]
    countries: frozenset[str]
    contacts: frozenset[str]
    ages: frozenset[int]
    numbers: frozenset[str]
    categories: frozenset[Category]
    safeguards: frozenset[str]


_CLAUSE_SPLIT = re.compile(
    r";|:|\(|\)|\bbut\b|\bhowever\b|\bwhereas\b|\balthough\b|"
    r",? and (?=(?:we|do|does|will|never|may|don't|doesn't|won't|it|they|is|are)\b)|"
    r",? or (?=(?:we|will|may)\b)"
)

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
    "twenty": 20,
    "twenty-four": 24,
    "thirty": 30,
    "forty-five": 45,
    "sixty": 60,
    "ninety": 90,
    "a": 1,
    "an": 1,
    "a single": 1,
}
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
DURATION = re.compile(
    _NUM + r"(?:\s*\((\d+)\))?[\s-]*(?:calendar |business |full )?"
    r"(second|minute|min|hour|hr|day|week|month|year)s?\b"
)
UNBOUNDED = re.compile(
    r"\b(?:indefinitely|permanently|forever|for an unlimited|no (?:fixed|set) (?:period|limit)|"
    r"as long as (?:necessary|needed|required|we (?:need|see fit|deem)|is (?:necessary|needed))|"
    r"as long as (?:it is|they are) (?:necessary|needed|useful))\b"
)
ACCOUNT_LIFETIME = re.compile(
    r"\b(?:as long as|while|until) (?:your|the) account (?:is|remains) (?:active|open)|"
    r"for the (?:life|lifetime|duration) of your (?:account|subscription)\b"
)
IMMEDIATE = re.compile(
    r"\b(?:immediately|in real[- ]time|real-time|in memory only|"
    r"(?:as soon as|once|when) (?:you disconnect|the (?:session|connection) (?:ends|is closed))|"
    r"at the end of (?:each|your|the) (?:session|connection))\b"
)
AGE = re.compile(
    r"\b(?:under|below|younger than|age of|aged|over|at least)\s+(?:the age of\s+)?"
    + _NUM
    + r"(?:\s*\((\d+)\))?(?!\s*(?:%|days|months|hours|minutes|weeks))"
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\[email protected\]")
URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+")
PHONE = re.compile(r"\+?\d[\d ().-]{7,}\d")
STREET = re.compile(
    r"\b\d+[a-z]?,? [a-z .]+ (?:street|st\.|avenue|ave\.?|road|rd\.|boulevard|blvd|lane|"
    r"strasse|straße|suite|floor)\b[^.;]*|\bp\.?o\.? box \d+"
)
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?(?![\w])")
SAFEGUARD = re.compile(
    r"\b(?:valid |legally binding |binding |lawful )?(?:court orders?|warrants?|subpoenas?|"
    r"legally binding requests?|mlat)\b"
)
ONLY = re.compile(r"\bonly\b")
DEFINITION = re.compile(
    r"\b(?:is|are)\s+(?P<neg>not\s+|never\s+)?"
    r"(?:considered\s+|treated\s+as\s+|regarded\s+as\s+|deemed\s+)?(?:to be\s+)?"
    r"(?:personal (?:data|information)|personally identifiable)"
)
RIGHTS = (
    ("access", re.compile(r"\b(?:access|a copy|know what)\b")),
    ("deletion", re.compile(r"\b(?:delet|eras|be forgotten)")),
    ("correction", re.compile(r"\b(?:correct|rectif|updat)")),
    ("portability", re.compile(r"\bportab")),
    ("objection", re.compile(r"\bobject\b")),
    ("restriction", re.compile(r"\brestrict")),
    ("opt-out", re.compile(r"\bopt[- ]?out|unsubscrib")),
    ("withdraw consent", re.compile(r"\bwithdraw")),
    ("complaint", re.compile(r"\b(?:complain|lodge)")),
)
RIGHTS_CUE = re.compile(
    r"\b(?:right to|rights to|you (?:can|may|are entitled to|have the option to) "
    r"(?:request|ask|exercise|obtain|access|delete|correct|object|opt|withdraw|lodge|update))\b"
)
CANARY = re.compile(r"\b(?:warrant )?canary\b")
RETROACTIVE = re.compile(
    r"\b(?:previously collected|already collected|collected (?:before|prior to|previously)|"
    r"retroactive(?:ly)?|information (?:we|that we) (?:already|previously) (?:hold|have)|"
    r"(?:data|information) (?:that )?we (?:have )?collected (?:before|prior to|under (?:a|an|the) "
    r"(?:previous|earlier|prior|older)))\b"
)
NOTIFY = re.compile(
    r"\b(?:notif(?:y|ies|ied|ication)|inform(?:s|ed)? (?:you|users|affected)|let you know|"
    r"tell you|alert you)\b"
)
GOVERNMENT = re.compile(
    r"\b(?:law enforcement|government|authorit(?:y|ies)|court|subpoena|warrant|legal process"
    r"|police|"
    r"legal (?:request|demand)s?|gag order)"
)
POLICY_CHANGE = re.compile(
    r"\bmaterial changes?|\bchanges? to (?:this|the|our)\b|\b(?:updated|revised) version\b|"
    r"\b(?:changes?|update[sd]?|revis(?:e|ed|ions?)|amend)\b.*\b(?:policy|notice|terms)\b|\b(?:policy|notice|terms)\b.*\b(?:changes?|update[sd]?|revis)"
)
BREACH = re.compile(r"\bbreach")
NOTICE_CONTEXT = re.compile(
    r"\b(?:notice|notify|prior to|in advance|before (?:the|they|changes))\b"
)
RESPONSE_CONTEXT = re.compile(r"\b(?:respond|reply|answer|process (?:your|the) request)\b")


def _number(word: str, digits: str | None) -> float:
    if digits:
        return float(digits)
    if word in _WORD_NUMBERS:
        return float(_WORD_NUMBERS[word])
    return float(word)


_ONLY_IF = re.compile(
    r"\bonly\b.*\b(?:if|when|where|in response to|upon|with your (?:prior |express )?consent|"
    r"to the extent|as required|pursuant to|under)\b"
)
_DNT = re.compile(r"\bdo[- ]not[- ]track\b|\bdnt\b")
_COORDINATED = re.compile(r"^[\s,]*(?:(?:and|or|nor|and/or)\s+)?(?:otherwise\s+)?$")
_DEFAULT_GROUP = {"data": "keep", "vpn": "keep", "recipient": "share", "purpose": "use"}
_PUBLISHED = (
    ("warrant canary", re.compile(r"\b(?:warrant )?canary\b")),
    ("transparency report", re.compile(r"\btransparency reports?\b")),
    ("Do Not Track signals", re.compile(r"\bdnt\b")),
)
_PROTECTION = (
    ("encryption at rest", re.compile(r"\bat rest\b")),
    ("encryption in transit", re.compile(r"\bin transit\b")),
    ("end-to-end encryption", re.compile(r"\bend-to-end\b")),
)


def clause_level(clause: str) -> int:
    """The modality of one clause on the never ... do scale.

    "only ... if/when/in response to" reads as "not ... except": it limits a practice to a case.
    """
    clause = _DNT.sub("dnt", clause)
    negated = bool(lx.NEVER.search(clause) or lx.NEGATION.search(clause))
    if negated:
        if lx.EXCEPTION.search(clause):
            return NOT_EXCEPT
        if lx.HEDGE.search(clause):
            return NOT_CURRENTLY
        return NEVER if lx.NEVER.search(clause) else NOT
    if _ONLY_IF.search(clause):
        return NOT_EXCEPT
    if lx.MAY.search(clause):
        return MAY
    return DO


def _terms(clause: str) -> list[tuple[int, lx.Term, str]]:
    """Lexicon terms in a clause; the longest match wins: "advertising ID" is not "advertising"."""
    matches = [
        (m.start(), m.end(), term, m.group(0))
        for gate, term in lx.TERM_GATES
        if any(word in clause for word in gate)
        for m in term.pattern.finditer(clause)
    ]
    matches.sort(key=lambda m: (m[0] - m[1], m[0]))
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, lx.Term, str]] = []
    for s, e, term, phrase in matches:
        if any(s < te and ts < e for ts, te in taken):
            continue
        taken.append((s, e))
        found.append((s, term, phrase))
    found.sort(key=lambda f: f[0])
    return found


def _verbs(clause: str) -> list[tuple[int, int, str, int, str]]:
    found = []
    for group, sense, pattern in lx.VERB_GROUPS:
        for m in pattern.finditer(clause):
            found.append((m.start(), m.end(), group, sense, m.group(0)))
    found.sort()
    return found


def _bound_verbs(
    clause: str, pos: int, verbs: list[tuple[int, int, str, int, str]]
) -> list[tuple[int, int, str, int, str]]:
    """The verbs a term at ``pos`` is the object of: the nearest one before it, and any verbs
    coordinated with that one ("sell, rent or otherwise transfer your data")."""
    before = [v for v in verbs if v[1] <= pos]
    if not before:
        return verbs[:1]
    chain = [before[-1]]
    for v in reversed(before[:-1]):
        if not _COORDINATED.match(clause[v[1] : chain[-1][0]]):
            break
        chain.append(v)
    return chain


_SOURCE = re.compile(r"\bfrom (?:\w+ ){0,3}$")


def _resolve_includes(
    verbs: list[tuple[int, int, str, int, str]], last: list[tuple[int, int, str, int, str]]
) -> list[tuple[int, int, str, int, str]]:
    """ "including"/"such as" lists take the verb of what they expand ("we share data, including
    your email"); with nothing before them they list what is collected ("this data includes")."""
    out: list[tuple[int, int, str, int, str]] = []
    for v in verbs:
        if v[2] != "include":
            out.append(v)
            continue
        prev = out[-1] if out else (last[-1] if last else None)
        group, sense = (prev[2], prev[3]) if prev else ("keep", 1)
        out.append((v[0], v[1], group, sense, prev[4] if prev else v[4]))
    return out


def clauses(text: str) -> list[str]:
    """Statements of a sentence; an "except"/"unless" part stays with the statement it limits."""
    out: list[str] = []
    for raw in _CLAUSE_SPLIT.split(text):
        clause = raw.strip(" ,")
        if not clause:
            continue
        if out and _LEADING_EXCEPTION.match(clause):
            out[-1] = f"{out[-1]}, {clause}"
        else:
            out.append(clause)
    return out


_LEADING_EXCEPTION = re.compile(r"(?:" + lx.EXCEPTION.pattern + r")|(?:only )?(?:if|when|where)\b")


def read(text: str) -> Practice:
    """The practice one (lower-cased, date-masked) sentence states.

    A line of a few words with no one speaking ("Share on Facebook", "Cookie settings") is a
    label or a button, not a statement: it yields topics but no claims.
    """
    statement = len(text.split()) >= 4 or bool(re.search(r"\b(?:we|our|us|you|your)\b", text))
    claims: list[Claim] = []
    verbs: dict[str, int] = {}
    last: list[tuple[int, int, str, int, str]] = []
    for clause in clauses(_DNT.sub("dnt", text)):
        level = clause_level(clause)
        exception = lx.EXCEPTION.search(clause) if level == NOT_EXCEPT else None
        found_verbs = _resolve_includes(_verbs(clause), last)
        for v in found_verbs:
            verbs[v[2]] = max(verbs.get(v[2], -1), level)
        terms = _terms(clause)
        if RIGHTS_CUE.search(clause) or ("personal" in clause and DEFINITION.search(clause)):
            terms = []  # the right or the definition is the claim, not the data it names
        for pos, term, phrase in terms:
            bound = _bound_verbs(clause, pos, found_verbs) if found_verbs else last
            # What follows "except"/"unless" in a negated clause is what is allowed after all.
            item_level = MAY if exception is not None and pos > exception.start() else level
            targets = [(v[2], v[3], v[4]) for v in bound] or [
                (_DEFAULT_GROUP.get(term.kind, "keep"), 1, "")
            ]
            seen: set[str] = set()
            for group, sense, verb in targets:
                if term.kind == "recipient" and _SOURCE.search(clause[:pos]):
                    continue  # "requests we received from authorities": a source, not a recipient
                if term.kind == "recipient" and group not in ("sell",):
                    group, sense = "share", 1
                elif term.kind == "purpose" and group not in ("sell",):
                    group, sense = "use", 1
                elif group == "notify":
                    continue
                if group in seen:
                    continue
                seen.add(group)
                claims.append(
                    Claim(
                        group,
                        term.name,
                        term.kind,
                        item_level,
                        sense,
                        verb,
                        phrase,
                        term.group,
                        clause,
                    )
                )
        if found_verbs:
            last = found_verbs[-1:]
        claims.extend(_special_claims(clause, level, text))
    claims.extend(_definition_claims(text))
    numbers: frozenset[str] = frozenset()
    if any(ch.isdigit() for ch in text):
        spans = [
            m.span() for rx in (DURATION, AGE, EMAIL, URL, PHONE, STREET) for m in rx.finditer(text)
        ]
        numbers = frozenset(
            m.group(0)
            for m in NUMBER.finditer(text)
            if not any(s <= m.start() < e for s, e in spans)
        )
    return Practice(
        claims=tuple(claims) if statement else (),
        verbs=verbs,
        durations=durations(text),
        countries=frozenset(cues.country(m.group(0)) for m in cues.COUNTRY_RE.finditer(text)),
        contacts=contacts(text),
        ages=ages(text),
        numbers=numbers,
        categories=cue_categories(text),
        safeguards=frozenset(m.group(0) for m in SAFEGUARD.finditer(text)),
    )


def _special_claims(clause: str, level: int, sentence: str) -> list[Claim]:
    """Promises that are not a verb over a data type: canaries, rights, notices, retroactivity."""
    out: list[Claim] = []
    for item, rx in _PUBLISHED:
        m = rx.search(clause)
        if m:
            out.append(Claim("publish", item, "safeguard", level, -1, m.group(0), item, "", clause))
    if re.search(r"\bencrypt", clause):
        for item, rx in _PROTECTION:
            if rx.search(clause):
                out.append(
                    Claim("protect", item, "safeguard", level, -1, "encrypt", item, "", clause)
                )
    cue = RIGHTS_CUE.search(clause)
    if cue:
        tail = clause[cue.start() :]
        for name, rx in RIGHTS:
            if rx.search(tail):
                out.append(Claim("right", name, "right", level, -1, "right to", name, "", clause))
    m = NOTIFY.search(clause)
    if m:
        if GOVERNMENT.search(sentence):
            item = "user notice of government requests"
        elif POLICY_CHANGE.search(sentence):
            item = "notice of policy changes"
        elif BREACH.search(sentence):
            item = "breach notification"
        else:
            item = ""
        if item:
            out.append(Claim("notify", item, "notice", level, -1, m.group(0), item, "", clause))
    m = RETROACTIVE.search(clause)
    if m:
        out.append(
            Claim(
                "apply",
                "previously collected data",
                "terms",
                level,
                1,
                "apply",
                m.group(0),
                "",
                clause,
            )
        )
    return out


def _definition_claims(text: str) -> list[Claim]:
    out: list[Claim] = []
    if "personal" not in text:
        return out
    for m in DEFINITION.finditer(text):
        subject = re.split(
            r"[,;:]|\b(?:that|which|and|but)\b", text[max(0, m.start() - 80) : m.start()]
        )[-1]
        level = NOT if m.group("neg") else DO
        terms = _terms(subject)[-1:]
        if not terms:  # "aggregated or de-identified information is not personal data"
            words = re.findall(r"[a-z][a-z-]+", subject)[-4:]
            name = " ".join(w for w in words if w not in ("we", "the", "and", "or", "that"))
            if name:
                terms = [(0, lx.Term(name, re.compile(re.escape(name)), "data"), name)]
        for _, term, phrase in terms:
            out.append(
                Claim(
                    "define",
                    term.name,
                    "definition",
                    level,
                    -1,
                    "personal data",
                    phrase,
                    "",
                    m.group(0),
                )
            )
    return out


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
)


def durations(text: str) -> tuple[Duration, ...]:
    """Every period a sentence names, in seconds; unbounded ones as infinity."""
    if not any(w in text for w in _PERIOD_WORDS):
        return ()
    out = [
        Duration(_number(m.group(1), m.group(2)) * _UNIT_SECONDS[m.group(3)], m.group(0))
        for m in DURATION.finditer(text)
    ]
    out += [Duration(math.inf, m.group(0)) for m in UNBOUNDED.finditer(text)]
    out += [Duration(1e15, m.group(0)) for m in ACCOUNT_LIFETIME.finditer(text)]
    out += [Duration(0.0, m.group(0)) for m in IMMEDIATE.finditer(text)]
    return tuple(out)


def contacts(text: str) -> frozenset[str]:
    """E-mail addresses, URLs, phone numbers and street addresses in a sentence."""
    rxs = [URL] if ("http" in text or "www." in text) else []
    if "@" in text or "email protected" in text:
        rxs.append(EMAIL)
    if any(ch.isdigit() for ch in text):
        rxs += [PHONE, STREET]
    return frozenset(m.group(0).rstrip(".,;)") for rx in rxs for m in rx.finditer(text))


def ages(text: str) -> frozenset[int]:
    if not re.search(r"\b(?:age|children|child|minors?|years old|parent)", text):
        return frozenset()
    out = set()
    for m in AGE.finditer(text):
        try:
            value = int(_number(m.group(1), m.group(2)))
        except ValueError:
            continue
        if 5 <= value <= 25:
            out.add(value)
    return frozenset(out)


_CUE_GATES = tuple((lx.literal_runs(rx.pattern), cat, rx) for cat, rx in cues.CATEGORY_CUES)


def cue_categories(text: str) -> frozenset[Category]:
    return frozenset(
        cat for gate, cat, rx in _CUE_GATES if any(w in text for w in gate) and rx.search(text)
    )
