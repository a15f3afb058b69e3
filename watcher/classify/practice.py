"""Reading one sentence as the practices it states.

A practice is who does what with which data, shared with whom, why, how strongly, and for how
long. We read it shallowly but deterministically: clauses are cut at conjunctions that start a new
statement, each clause gets a modality level from its markers, and every lexicon term in a clause is
bound to the nearest verb group before it. Two sentences state the same practice when they yield
the same claims, however many other words differ: that is what makes paraphrases cosmetic and a
one-word negation flip material.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from watcher.classify import cues
from watcher.classify import lexicon as lx
from watcher.classify import quantities as qty
from watcher.classify.claim import DNT, DO, MAY, NOT, NOT_EXCEPT, Claim, level_of
from watcher.classify.matching import ALWAYS, Gated, literal_runs
from watcher.classify.promises import DEFINITION, RIGHTS_CUE, SAFEGUARD, special_claims
from watcher.classify.starts import Starts
from watcher.models import Category


@dataclass(frozen=True, slots=True)
class Practice:
    """Everything the classifier reads out of one sentence.

    ``countries``, ``numbers`` and ``safeguards`` are read from ``text`` when first asked for:
    the rules ask for them of few sentences (countries only of those about jurisdiction,
    safeguards only of those about government access), and a cold run reads each sentence once.
    """

    claims: tuple[Claim, ...]
    verbs: dict[str, int]  # verb group -> level of the clause holding it (the most permissive)
    durations: tuple[qty.Duration, ...]
    contacts: frozenset[str]
    ages: frozenset[int]
    categories: frozenset[Category]
    text: str  # the sentence read (lower-cased, dates masked)
    # The claims of a line that states nothing on its own ("Connection timestamps", a list item):
    # they count only where what introduces the list says what is done with them.
    listed: tuple[Claim, ...] = ()
    _lazy: dict[str, frozenset[str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def countries(self) -> frozenset[str]:
        got = self._lazy.get("countries")
        if got is None:
            got = self._lazy["countries"] = frozenset(
                cues.country(m.group(0)) for m in cues.COUNTRY_RE.finditer(self.text)
            )
        return got

    @property
    def numbers(self) -> frozenset[str]:
        got = self._lazy.get("numbers")
        if got is None:
            got = self._lazy["numbers"] = qty.numbers(self.text)
        return got

    @property
    def safeguards(self) -> frozenset[str]:
        got = self._lazy.get("safeguards")
        if got is None:
            got = self._lazy["safeguards"] = frozenset(
                m.group(0) for m in SAFEGUARD.finditer(self.text)
            )
        return got


# Shaped for speed (a leading character class, one shared ",? "); it splits exactly as
# ";|:|\(|\)|\bbut\b|...|,? and (?=...)|,? or (?=...)" does.
_CLAUSE_SPLIT = re.compile(
    r"[;:()]|\b(?:but(?! (?:for )?nothing else)|however|whereas|although)\b|, (?:because|since)\b|"
    r",? (?:and (?=(?:we|do|does|will|never|may|don't|doesn't|won't|it|they|is|are|no)\b)|"
    r"or (?=(?:we|will|may)\b))"
)
_CUTS = (
    *(";", ":", "(", ")", "but", "however", "whereas", "although", ", because", ", since"),
    *(" and ", " or "),
)
_COORDINATED = re.compile(r"^[\s,]*(?:(?:and|or|nor|and/or)\s+)?(?:otherwise\s+)?$")
_DEFAULT_GROUP = {"data": "keep", "vpn": "keep", "recipient": "share", "purpose": "use"}


_Verb = tuple[int, int, str, int, str]  # start, end, group, sense, the words
_Hits = list[tuple[int, list[re.Match[str]]]]

# Verbs and terms are found from one walk over the clause's word starts. A term counts only when
# one of its literal words is in the clause (as a ``Gate`` of those words would have it).
_N_VERBS = len(lx.VERB_GROUPS)
_STARTS = Starts(
    [p for _, _, p in lx.VERB_GROUPS] + [t.pattern for t in lx.ALL_TERMS],
    [ALWAYS] * _N_VERBS + [literal_runs(t.pattern.pattern) for t in lx.ALL_TERMS],
)


def _verbs_and_terms(clause: str) -> tuple[list[_Verb], list[tuple[int, lx.Term, str]]]:
    """``_verbs(clause)`` and ``_terms(clause)``, from one walk."""
    verbs: list[_Verb] = []
    terms: _Hits = []
    for i, ms in _STARTS.finditer(clause):
        if i < _N_VERBS:
            group, sense, _ = lx.VERB_GROUPS[i]
            verbs += [(m.start(), m.end(), group, sense, m.group(0)) for m in ms]
        else:
            terms.append((i - _N_VERBS, ms))
    verbs.sort()
    return verbs, _longest(terms)


def _terms(clause: str) -> list[tuple[int, lx.Term, str]]:
    """Lexicon terms in a clause; the longest match wins: "advertising ID" is not "advertising"."""
    return _verbs_and_terms(clause)[1]


def _longest(hits: _Hits) -> list[tuple[int, lx.Term, str]]:
    hits.sort(key=lambda hit: hit[0])  # lexicon order: it breaks ties between equal spans below
    terms = lx.ALL_TERMS
    matches = [(m.start(), m.end(), terms[i], m.group(0)) for i, ms in hits for m in ms]
    matches.sort(key=lambda m: (m[0] - m[1], m[0]))
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, lx.Term, str]] = []
    for s, e, term, phrase in matches:
        for ts, te in taken:  # a loop, not any() over a generator: most clauses have few terms
            if s < te and ts < e:
                break
        else:
            taken.append((s, e))
            found.append((s, term, phrase))
    found.sort(key=lambda f: f[0])
    return found


def _parenthetical(clause: str, at: int, verbs: list[_Verb]) -> bool:
    """Is the exception at ``at`` an aside before the main verb ("shall not, save as required
    by law, disclose any data"), so that what follows the verb is still what is refused?"""
    comma = clause.find(",", at)
    return (
        comma > 0
        and not any(v[0] < at for v in verbs)  # the main verb is still to come
        and any(v[0] > comma for v in verbs)
    )


def _bound_verbs(clause: str, pos: int, verbs: list[_Verb]) -> list[_Verb]:
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


_ASKS = ("ask", "request", "demand", "seek")
_DEMANDS = (" request", " demand", " order", " subpoena")
_SOURCE = re.compile(r"\bfrom (?:\w+ ){0,3}$")
_NOT_SOURCES = frozenset({"law enforcement", "government", "anyone"})


def _from_source(clause: str, pos: int, terms: list[tuple[int, lx.Term, str]]) -> bool:
    """Is the recipient at ``pos`` where data comes from ("from data brokers")? Across an "and"
    only when a recipient stands between: "from brokers and social networks" but not "from
    attacks and Hotjar"."""
    m = _SOURCE.search(clause, 0, pos)
    if m is None:
        return False
    if " and " not in m.group(0) and " or " not in m.group(0):
        return True
    return any(m.start() < p < pos and t.kind == "recipient" for p, t, _ in terms)


def _resolve_includes(verbs: list[_Verb], last: list[_Verb]) -> list[_Verb]:
    """ "including"/"such as" lists take the verb of what they expand ("we share data, including
    your email"); with nothing before them they list what is collected ("this data includes")."""
    out: list[_Verb] = []
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
    # Every cut has one of _CUTS in it; most sentences have none and are one clause.
    for raw in _CLAUSE_SPLIT.split(text) if any(map(text.__contains__, _CUTS)) else [text]:
        clause = raw.strip(" ,")
        if not clause:
            continue
        if out and _LEADING_EXCEPTION.match(clause):
            out[-1] = f"{out[-1]}, {clause}"
        else:
            out.append(clause)
    return out


_LEADING_EXCEPTION = re.compile(r"(?:" + lx.EXCEPTION.pattern + r")|(?:only )?(?:if|when|where)\b")


_RIGHTS_CUE = Gated(RIGHTS_CUE)  # its words ("right", "may", "can", ...) are in few clauses
_SUBJECT_PRONOUN = re.compile(r"\b(?:it|they)\b")
_ELLIPTIC = re.compile(r"(?:is|are|was|were|will|may|can|cannot|never|shall|must|be)\b")
_PRONOUN = re.compile(r" ?(?:\w+ ){0,2}?(?:it|them)\b")
# A link or a button, not a statement: "Read our Cookie Policy", "Manage cookie settings".
_UI_LINE = re.compile(
    r"(?:read|see|view|visit|click|tap|learn|manage|find out|go to|open|download|change) "
)
_SPEAKER = re.compile(r"\b(?:we|our|us|you|your)\b")


def read(text: str) -> Practice:
    """The practice one (lower-cased, date-masked) sentence states.

    A line of a few words with no one speaking ("Share on Facebook", "Cookie settings") is a
    label or a button, not a statement: it yields topics but no claims.
    """
    words = text.split()
    link = len(words) <= 8 and _UI_LINE.match(text) is not None
    statement = not link and (len(words) >= 4 or bool(_SPEAKER.search(text)))
    claims: list[Claim] = []
    verbs: dict[str, int] = {}
    last: list[_Verb] = []
    last_terms: list[tuple[int, lx.Term, str]] = []
    # Every match of DNT has "dnt" or "track" in it: most sentences need no substitution.
    dnt = DNT.sub("dnt", text) if "dnt" in text or "track" in text else text
    for clause in clauses(dnt):
        level = level_of(clause)  # the clause is cut from text whose "do not track" is "dnt"
        exception = lx.EXCEPTION.search(clause) if level == NOT_EXCEPT else None
        clause_verbs, terms = _verbs_and_terms(clause)
        found_verbs = _resolve_includes(clause_verbs, last)
        right = _RIGHTS_CUE.search(clause) is not None
        # "you may ask us to delete it": the "may" is the user's; what we do on request is firm
        verb_level = DO if right and level == MAY else level
        for v in found_verbs:
            verbs[v[2]] = max(verbs.get(v[2], -1), verb_level)
        if right or (
            "personal" in clause and (DEFINITION.search(clause) or _INCLUDED.search(clause))
        ):
            terms = []  # the right or the definition is the claim, not the data it names
        elif last_terms and any(t.name == "referenced data" for _, t, _ in terms):
            # "... which websites you visited, because we never record that information": the
            # reference stands for what the clause before named.
            terms = [
                (pos, last_terms[-1][1], phrase)
                if t.name == "referenced data"
                else (pos, t, phrase)
                for pos, t, phrase in terms
            ]
        elif not terms and found_verbs and last_terms:
            # "... your address book, and never uploads it": the pronoun after the verb stands
            # for what the clause before named.
            # Also "... after which it shall be destroyed" (the pronoun before the verb) and
            # "card details are tokenised and are never stored" (no subject at all): the term
            # then stands right after the verb, so that the verb binds it.
            m = _PRONOUN.match(clause, found_verbs[0][1])
            if m is not None:
                at: int | None = m.start()
            elif _SUBJECT_PRONOUN.search(clause, 0, found_verbs[0][0]) or _ELLIPTIC.match(clause):
                at = found_verbs[0][1]
            else:
                at = None
            if at is not None:
                terms = [(at, term, phrase) for _, term, phrase in last_terms[-1:]]
        if terms:
            last_terms = [t for t in terms if t[1].kind in ("data", "vpn")] or last_terms
        for pos, term, phrase in terms:
            bound = _bound_verbs(clause, pos, found_verbs) if found_verbs else last
            if not bound and term.name == "anyone":
                continue  # "not intended for anyone under 16": no one receives anything
            # What follows "except"/"unless" in a negated clause is what is allowed after all.
            item_level = (
                MAY
                if exception is not None
                and pos > exception.start()
                and not _parenthetical(clause, exception.start(), found_verbs)
                else level
            )
            targets = [(v[2], v[3], v[4]) for v in bound] or [
                (_DEFAULT_GROUP.get(term.kind, "keep"), 1, "")
            ]
            seen: set[str] = set()
            # "if the police ask for data": who asks, the subject of the verb, receives nothing yet
            asking = term.name in lx.AUTHORITIES and bool(bound) and pos < bound[0][0]
            if term.name in lx.AUTHORITIES and clause.startswith(_DEMANDS, pos + len(phrase)):
                continue  # "the government requests we received": who asks, not who receives
            for group, sense, verb in targets:
                if asking and group == "keep" and verb.startswith(_ASKS):
                    continue
                if term.kind == "recipient" and _from_source(clause, pos, terms):
                    # "we obtain data from data brokers": a source of what is collected, not a
                    # recipient; "requests we received from authorities" is neither.
                    if group != "keep" or term.name in _NOT_SOURCES or "source" in seen:
                        continue
                    group = "source"
                    seen.add(group)
                    claims.append(
                        Claim(
                            group, term.name, "source", item_level, sense, verb, phrase, "", clause
                        )
                    )
                    continue
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
        claims.extend(special_claims(clause, level, text))
    claims.extend(_definition_claims(text))
    return Practice(
        claims=tuple(claims) if statement else (),
        listed=() if statement else tuple(c for c in claims if not c.verb),
        verbs=verbs,
        durations=qty.durations(text),
        contacts=qty.contacts(text),
        ages=qty.ages(text),
        categories=cue_categories(text),
        text=text,
    )


# An aside between a subject and its verb: "pseudonymised data, such as hashed emails, is not ...".
_ASIDE = re.compile(r"\([^)]*\)|,\s*(?:such as|e\.g\.|for example|including|like)\b[^,;:]*,")


def _definition_claims(text: str) -> list[Claim]:
    out: list[Claim] = []
    if "personal" not in text:
        return out
    for m in DEFINITION.finditer(text):
        before = _ASIDE.sub("", text[max(0, m.start() - 120) : m.start()])
        parts = re.split(r"[,;:]|\b(?:that|which|and|but)\b", before)
        subject = next((p for p in reversed(parts) if p.strip()), "")
        level = NOT if m.group("neg") else DO
        terms = _terms(subject)[-1:]
        if not terms:  # "aggregated or de-identified information is not personal data"
            words = re.findall(r"[a-z][a-z-]+", subject)[-4:]
            name = " ".join(w for w in words if w not in ("we", "the", "and", "or", "that"))
            if name:
                terms = [(0, lx.Term(name, re.compile(re.escape(name)), "data"), name)]
        for _, term, phrase in terms:
            out.append(_defined(term.name, level, phrase, text))
    # "personal information includes device identifiers" / "does not include" them
    for m in _INCLUDED.finditer(text):
        level = NOT if m.group("neg") else DO
        tail = re.split(r"[;:]|\.(?:\s|$)", text[m.end() :], maxsplit=1)[0]
        for _, term, phrase in _terms(tail):
            if term.kind in ("data", "vpn") and term.name != "personal data":
                out.append(_defined(term.name, level, phrase, text))
    return out


def _defined(item: str, level: int, phrase: str, text: str) -> Claim:
    """A definition claim: ``item`` is (DO) or is not (NOT) personal data."""
    # the whole sentence: a definition is quoted whole
    return Claim("define", item, "definition", level, -1, "personal data", phrase, "", text)


_INCLUDED = re.compile(
    r"\bpersonal (?:data|information)[\"'”’]? (?P<neg>does not |doesn't |shall not )?"
    r"(?:includes?|covers?)\b"
)


# Topic cues are word-bounded too: one walk over the sentence's word starts finds them (at six
# characters a word start names few patterns), which costs a quarter less than a ``Gate`` scan at
# every character and a search of each candidate. The same literal words decide, as they did.
_CUES = Starts(
    [rx for _, rx in cues.CATEGORY_CUES],
    [literal_runs(rx.pattern) for _, rx in cues.CATEGORY_CUES],
)


def cue_categories(text: str) -> frozenset[Category]:
    return frozenset(cues.CATEGORY_CUES[i][0] for i in _CUES.searching(text))
