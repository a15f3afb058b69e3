"""Promises that are not a verb over a data type: canaries, transparency reports, encryption,
rights, notices (of government requests, policy changes, breaches) and retroactive terms.

Each becomes a ``Claim`` so that the practice rules compare it like any other: a notice promise
that disappears is a deleted promise, "we will notify you" -> "we may notify you" a modality shift.
"""

from __future__ import annotations

import re

from watcher.classify.claim import DO, MAY, NOT, Claim, unquoted
from watcher.classify.matching import Gated, literal_runs, required_words

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
    ("deletion", re.compile(r"\b(?:delet|eras|be forgotten|destroy)")),
    ("correction", re.compile(r"\b(?:correct|rectif|updat|put (?:it|them|this) right)")),
    (
        "portability",
        re.compile(r"\b(?:portab|port\b|machine[- ]readable|transmit|download|export)"),
    ),
    ("audit", re.compile(r"\b(?:audit|on-site inspection|inspect)")),
    ("objection", re.compile(r"\bobject\b")),
    ("restriction", re.compile(r"\b(?:restrict|limit)")),
    ("opt-out", re.compile(r"\bopt[- ]?out|unsubscrib")),
    ("withdraw consent", re.compile(r"\bwithdraw")),
    ("complaint", re.compile(r"\b(?:complain|lodge)")),
    ("appeal", re.compile(r"\bappeal")),
    (
        "human review",
        re.compile(
            r"\bhuman (?:review|intervention)|\b(?:ask|request) a human\b|\bcontest\b|"
            r"\ba (?:person|human) (?:to )?review|\breviewed by a (?:member of (?:our )?staff|"
            r"person|human|staff member)|\bexplain (?:any|an|the) automated decision"
        ),
    ),
)
# A rights list item, "Portability: download your history as a CSV file": clauses are cut at the
# colon, so the verb starts the clause and the label starts the sentence.
_RIGHTS_ITEM = re.compile(r"^[a-z][a-z -]{2,40}: ")
_RIGHTS_VERB = re.compile(
    r"(?:ask|request|access|delete|correct|object|download|opt out|withdraw|restrict|export|"
    r"receive a copy)\b"
)
RIGHTS_CUE = re.compile(
    r"\b(?:right to|rights to|(?:you|(?:the )?customers?|(?:the )?controller|data subjects?|"
    r"users?|individuals|parents?|guardians?|employees|members|subscribers|patients|students|"
    r"account holders) (?:can|may|are "
    r"entitled to|is entitled to|have the option to|has the right to) (?:also )?"
    r"(?:request|ask|exercise|"
    r"obtain|access|delete|correct|object|opt|withdraw|lodge|update|download|export|audit|"
    r"limit|restrict|rectify|erase|appeal|view|see|export|review))\b|"
    # "the Customer has 30 days to export its data"
    r"\b(?:you|(?:the )?customers?|users?) (?:has|have) (?:[\w-]+ ){1,3}?to (?:request|export|"
    r"download|object|access|delete|correct|withdraw|appeal)\b|"
    r"\b(?:to|can|may) opt[- ]out of\b|\ba valid opt-out of\b|\ban opt-out of\b"
)
# The user's own right to walk away (a provider's "we may terminate your account" is not one).
_USER_TERMINATES = re.compile(
    r"\b(?:you|customers?|users?|subscribers?|clients?)(?: (?:may|can|shall be entitled to|"
    r"(?:is|are) entitled to|ha(?:s|ve) the right to|(?:is|are) free to))+ "
    r"(?:terminat|cancel|end)\w*\b"
)
CANARY = re.compile(r"\b(?:warrant )?canary\b")
RETROACTIVE = re.compile(
    r"\b(?:previously collected|already collected|(?:collected|stored|held) (?:before|prior to|"
    r"previously)|"
    r"retroactive(?:ly)?|information (?:we|that we) (?:already|previously) (?:hold|have)|"
    r"(?:data|information) (?:that )?we (?:have )?collected (?:before|prior to|under (?:a|an|the) "
    r"(?:previous|earlier|prior|older)))\b"
)
# The promise against retroactive terms, however it is put: a change applies only to what is
# collected after it, or older data stays under the version it was collected under.
PROSPECTIVE = re.compile(
    r"\bonly (?:appl(?:y|ies) )?(?:to )?(?:the )?(?:personal )?(?:information|data) (?:that )?"
    r"(?:we |is |are )?"
    r"(?:collected|gathered|obtained|received|collect|gather|obtain|receive) "
    r"(?:after|from|following|once)|"
    r"\b(?:continue to be|remain|remains|will be|shall be|stay|stays) governed by (?:that|the "
    r"(?:earlier|previous|prior|older|original)|the version|the terms) |"
    r"\b(?:continue to be|will be|remain|remains) (?:handled|processed|treated|governed) "
    r"(?:under|by|in accordance with) the (?:terms|policy|version)s? (?:in effect|in force|that "
    r"applied)|"
    r"\b(?:earlier|previous|prior|older|original) version (?:will |shall )?(?:continue to|still) "
    r"govern\b|"
    r"\b(?:consent|agreement|permission|approval) before appl(?:y|ying)|"
    r"\b(?:consent|permission) (?:first )?before (?:any|making any|we make any) (?:material )?"
    r"changes?\b|"
    r"\b(?:existing|already collected) (?:personal )?(?:data|information)\b[^.;]{0,60}\b(?:ask for|"
    r"obtain|seek|get) your (?:consent|permission)"
)
# Changes applied to everything already held: "any changes will apply to all information we hold".
ALL_HELD = re.compile(
    r"\b(?:appl(?:y|ies) to|covers?|governs?) all (?:of )?(?:the |your )?(?:personal )?"
    r"(?:information|data)"
    r"(?: (?:that )?we (?:hold|have|keep|store|process)| about you)"
)
_PROSPECTIVE_GATE = (
    *("collected", "gather", "obtain", "receive", "govern", "already", "existing", "in effect"),
    "in force",
    "consent before",
    "permission before",
)
_CHANGES = re.compile(r"\b(?:changes?|revisions?|updates?|amendments?|revised|updated|new version)")
NOTIFY = re.compile(
    r"\b(?:notif(?:y|ies|ied|ication)|inform(?:s|ed)? (?:you|users|affected)|let you know|"
    r"tell you|alert you|(?:tell|inform|warn)s? (?:the |that |this |each |any )?(?:affected |"
    r"relevant )?(?:users?|subscribers?|members?|account owners?|"
    r"customers?|account holders?)|e-?mail you|send you (?:an? )?(?:e-?mail|notice|message|copy)|"
    r"contact you (?:by|via) e-?mail|you will (?:get|receive) (?:an? )?(?:e-?mail|notice|"
    r"notification|message))\b"
)
GOVERNMENT = re.compile(
    r"\b(?:law enforcement|government|authorit(?:y|ies)|court|subpoena|warrant|legal process"
    r"|police|"
    r"legal (?:request|demand)s?|gag order)"
)
POLICY_CHANGE = re.compile(
    r"\bmaterial (?:changes?|amendments?|revisions?|modifications?)|"
    r"\b(?:changes?|amendments?|revisions?|updates?) (?:is|are) (?:material|significant|"
    r"substantial|important)\b|"
    r"\bchanges? to (?:this|the|our)\b|"
    r"\b(?:updated|revised) version\b|"
    r"\b(?:post|publish|announce)\w* (?:any |all |the |such )?(?:changes|updates|revisions)\b|"
    r"\b(?:changes?|update[sd]?|revis(?:e|ed|ions?)|amend)\b.*\b(?:policy|notice|terms)\b|\b(?:policy|notice|terms)\b.*\b(?:changes?|update[sd]?|revis)"
)
BREACH = re.compile(r"\bbreach|\bsecurity incidents?\b")
NOTICE_CONTEXT = re.compile(
    r"\b(?:notice|notify|prior to|in advance|before (?:\w+ )?(?:the|they|it|changes?)|"
    r"e-?mail you)\b"
)
RESPONSE_CONTEXT = re.compile(
    r"\b(?:respond(?:ed)?|repl(?:y|ied)|answer(?:ed)?|process (?:your|the) request|"
    r"(?:will|shall) (?:provide|send|fulfil|"
    r"fulfill|complete|handle) (?:it|them|this|your|the|a copy))\b"
)
_DENIED = re.compile(r"\b(?:not|n't|no|never|cannot|neither|nor)\b|n't\b")
# A canary that never says "canary": a statement that no secret demand has been received.
_CANARY_STATEMENT = re.compile(
    r"\b(?:not|never|no)\b.{0,40}\b(?:received|been served with|been subject to)\b.{0,30}"
    r"\b(?:national security letters?|gag orders?|secret (?:warrants?|subpoenas?|court orders?)|"
    r"fisa (?:court )?orders?|warrants? with a gag)"
)
_PUBLISHED = (
    ("warrant canary", re.compile(r"\b(?:warrant )?canary\b")),
    (
        "transparency report",
        re.compile(
            r"\btransparency reports?\b|\bpublish\b[^.;]{0,40}\bnumber of (?:legal |government |"
            r"law enforcement |data )?(?:requests|demands)\b"
        ),
    ),
    ("Do Not Track signals", re.compile(r"\bdnt\b")),
    ("Global Privacy Control signals", re.compile(r"\b(?:global privacy control|gpc)\b")),
)
# A promise to resist state demands: challenge, contest or push back on requests judged unlawful.
_CHALLENGE = re.compile(
    r"\b(?:challeng|contest|resist|fight|oppos|push(?:es|ing)? back)\w*\b.{0,80}\b(?:requests?|"
    r"demands?|orders?|subpoenas?|warrants?)\b|"
    # "we review every request and push back on those that are overly broad"
    r"\b(?:requests?|demands?)\b[^.;]{0,60}\b(?:challeng|contest|resist|push(?:es|ing)? back)\w*|"
    r"\bpush(?:es|ing)? back\b"  # in a sentence about government requests (special_claims)
)
_ENCRYPT = re.compile(r"\bencrypt")
_PROTECTION = (
    ("encryption at rest", re.compile(r"\bat rest\b")),
    ("encryption in transit", re.compile(r"\bin transit\b")),
    ("end-to-end encryption", re.compile(r"\bend-to-end\b")),
    (
        "zero-knowledge encryption",
        re.compile(
            r"\b(?:zero[- ]knowledge|client[- ]side|on[- ]device|on your (?:device|phone|computer)|"
            r"before (?:it |they )?(?:leaves?|leaving) your device|before (?:upload|uploading|"
            r"(?:it|they) (?:is|are) uploaded))\b"
        ),
    ),
    (
        "server-side encryption",
        re.compile(
            r"\b(?:server[- ]side|on our servers|keys (?:that )?we (?:manage|hold|control|keep)|"
            r"we (?:manage|hold|control|keep) the keys)\b"
        ),
    ),
)
# Encryption the provider itself cannot undo: stronger than any encryption it holds the keys to.
PROVIDER_BLIND = frozenset({"end-to-end encryption", "zero-knowledge encryption"})


_PROVIDER_PART = re.compile(r",? (?:after which|and then) we\b")


def _may_match(rx: re.Pattern[str], text: str) -> bool:
    """False only when ``rx`` cannot match ``text``: none of the words its matches need is there.

    The words are those of ``literal_runs``, which decide which texts a pattern is read in, and
    those of ``required_words`` (as ``matching.Gated``), which only drop texts it cannot match.
    """
    gates = _GATES.get(rx.pattern)
    if gates is None:
        gates = _GATES[rx.pattern] = (
            tuple(required_words(rx.pattern)),  # the fewer words, tested first
            tuple(literal_runs(rx.pattern)) or ("",),
        )
    required, literal = gates
    # map, not a generator: no frame per word
    return any(map(text.__contains__, required)) and any(map(text.__contains__, literal))


# Gate words by pattern: a table of the patterns, filled once, not a memo of texts.
_GATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
_PROSPECTIVES = Gated(PROSPECTIVE)


def special_claims(clause: str, level: int, sentence: str) -> list[Claim]:
    """Promises that are not a verb over a data type: canaries, rights, notices, retroactivity."""
    out: list[Claim] = []
    for item, rx in _PUBLISHED:
        m = rx.search(clause) if _may_match(rx, clause) else None
        if m:
            out.append(Claim("publish", item, "safeguard", level, -1, m.group(0), item, "", clause))
    if "receiv" in clause or "served" in clause or "subject" in clause:
        m = _CANARY_STATEMENT.search(clause)
        if m and not CANARY.search(clause):
            # Saying nothing has been received is the canary itself: a promise, stated as fact.
            out.append(
                Claim(
                    "publish",
                    "warrant canary",
                    "safeguard",
                    DO,
                    -1,
                    "have not received",
                    "warrant canary",
                    "",
                    clause,
                )
            )
    m = _CHALLENGE.search(clause) if _may_match(_CHALLENGE, clause) else None
    if m and GOVERNMENT.search(sentence):
        item = "challenge of government requests"
        verb = m.group(0).split()[0]
        out.append(Claim("challenge", item, "safeguard", level, -1, verb, item, "", clause))
    if "encrypt" in clause and _ENCRYPT.search(clause):
        # "... so we cannot read it" is what the encryption does, not a denial of it.
        m = _ENCRYPT.search(clause)
        said = level if m and _DENIED.search(clause, 0, m.start()) else DO
        blind = [(i, rx) for i, rx in _PROTECTION if i in PROVIDER_BLIND and rx.search(clause)]
        for item, rx in blind or _PROTECTION:  # end-to-end covers at rest and in transit
            if rx.search(clause):
                out.append(
                    Claim("protect", item, "safeguard", said, -1, "encrypt", item, "", clause)
                )
    cue = RIGHTS_CUE.search(clause) if _may_match(RIGHTS_CUE, clause) else None
    if cue is None and ":" in sentence and _RIGHTS_ITEM.match(sentence):
        cue = _RIGHTS_VERB.match(clause)
    if cue:
        # what the user may do, up to where the provider's own part starts ("..., after which
        # we delete it" names no right to deletion)
        tail = _PROVIDER_PART.split(clause[cue.start() :], maxsplit=1)[0]
        # "You may ask us to delete": the "may" is the user's, so the right is granted outright.
        # "Without affecting ..." is not a negation of the right itself.
        # A "not" after the right belongs to what follows it ("..., and this does not affect
        # processing before the withdrawal"): only one before or inside the cue denies the right.
        granted = DO if level == MAY or not _DENIED.search(unquoted(clause[: cue.end()])) else level
        for name, rx in RIGHTS:
            if rx.search(tail):
                out.append(Claim("right", name, "right", granted, -1, "right to", name, "", clause))
    m = _USER_TERMINATES.search(clause) if _may_match(_USER_TERMINATES, clause) else None
    if m:  # the pattern admits no "not" between the user and the verb: the right is granted
        out.append(
            Claim("right", "termination", "right", DO, -1, m.group(0), "termination", "", clause)
        )
    m = NOTIFY.search(clause) if _may_match(NOTIFY, clause) else None
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
    m = (
        PROSPECTIVE.search(clause)
        if any(map(clause.__contains__, _PROSPECTIVE_GATE)) and _PROSPECTIVES.may_match(clause)
        else None
    )
    if m:  # the protection itself: previously collected data is not touched by the change
        return [
            *out,
            Claim(
                "apply",
                "previously collected data",
                "terms",
                NOT,
                1,
                m.group(0).strip(),  # quoted as the promise: "only to information collected after"
                m.group(0),
                "",
                clause,
            ),
        ]
    m = RETROACTIVE.search(clause) if _may_match(RETROACTIVE, clause) else None
    if (
        m is None
        and ("appl" in clause or "cover" in clause or "govern" in clause)
        and (_CHANGES.search(sentence))
    ):
        m = ALL_HELD.search(clause)
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
