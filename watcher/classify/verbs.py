"""The verbs the classifier compares between versions, and the markers of how strongly a clause
states a practice (never, do not, except, currently, may). Part of the vocabulary in
``watcher.classify.lexicon``, which re-exports everything here.
"""

from __future__ import annotations

import re


def _re(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b")


# Verbs, by the group compared between versions, and the "sense" of each group: +1 when saying
# "no" protects users (we do not log), -1 when saying "yes" protects them (we will notify you).
VERB_GROUPS: tuple[tuple[str, int, re.Pattern[str]], ...] = (
    (
        "sell",
        1,
        _re(
            r"sell(?:s|ing)?",
            r"sold",
            r"rent(?:s|ing)?",
            r"trad(?:e|es|ing)",
            r"monetiz(?:e|es|ing)",
        ),
    ),
    (
        "share",
        1,
        _re(
            r"shar(?:e|es|ed|ing)",
            r"disclos(?:e|es|ed|ing|ure)",
            r"transfer(?:s|red|ring)?",
            r"provid(?:e|es|ed|ing) (?:\w+ )?(?:information |data )?to",
            r"giv(?:e|es|en|ing) (?:\w+ )?(?:\w+ )?(?:information |data )?to",
            r"hand(?:s|ed)? over",
            r"hand(?:s|ed|ing)? (?:\w+ )?(?:information |data )?to",
            r"pass(?:es|ed)? (?:on|along)",
            # "we do not pass your search terms to the site": sent to someone other than us
            r"(?:pass(?:es|ed|ing)?|forward(?:s|ed|ing)?)(?= (?:your |any |the )?(?:[\w-]+ ){0,3}"
            r"to (?!us\b|our\b|you\b|your\b))",
            # "we do not send your name", "is never sent": sent on, unless to us or to you (not
            # "the queries you send", "messages sent before")
            r"(?:(?<=\bwe )|(?<=\bnot )|(?<=\bnever )|(?<=n't ))sends?(?! (?:you|us)\b)"
            r"(?![^.;]{0,120}\bto (?:us|you|your|our (?:own )?(?:servers?|systems?|cloud)))\b",
            r"(?:(?<=\bis )|(?<=\bare )|(?<=\bnot )|(?<=\bnever )|(?<=\bbe ))sent"
            r"(?![^.;]{0,120}\bto (?:us|you|your|our (?:own )?(?:servers?|systems?|cloud)))\b",
            # "we give the seller your name": the one who receives it named before what is given
            r"giv(?:e|es|ing)(?= (?:the|our|their|those|these|your) (?:sellers?|couriers?|drivers?|"
            r"partners?|merchants?|advertisers?|restaurants?|shops?|stores?|dealers?|carriers?)\b)",
            r"make (?:[\w-]+ ){0,7}?available",
            r"releas(?:e|es|ed)",
            r"turn(?:s|ed)? over",
            r"provid(?:e|es|ed|ing)(?= (?:the |your |any |such )?(?:personal )?(?:data"
            r"|information))",
            r"work(?:s|ed)? with",
            r"partner(?:s|ed)? with",
        ),
    ),
    (
        "keep",
        1,
        _re(
            r"collect(?:s|ed|ing|ion)?",
            r"gather(?:s|ed|ing)?",
            r"record(?:s|ed|ing)?",
            r"log(?:s|ged|ging)?(?! (?:in|on|into|out)\b)",  # not "students log in with a code"
            r"stor(?:e|es|ed|ing|age)",
            r"retain(?:s|ed|ing)?",
            r"retention",
            r"keep(?:s|ing)?(?! [^.;]{1,60}? from (?:being |\w+ing\b))",  # not "keeps it from"
            r"kept",
            r"maintain(?:s|ed|ing)?",
            r"sav(?:e|es|ed|ing)",
            r"hold(?:s|ing)?",
            r"held",
            r"captur(?:e|es|ed|ing)",
            r"obtain(?:s|ed)?",
            r"receiv(?:e|es|ed)",
            r"monitor(?:s|ed|ing)?",
            r"track(?:s|ed|ing)?",
            r"access(?:es|ed)? (?:to )?your",
            r"(?:view|see)(?:s|ed|ing)?"
            r"(?= (?:the |your )?contents?\b| what(?:'s| is) (?:stored )?in)",
            r"possess",
            r"(?<!you can )(?<!you may )read(?:s|ing)?(?!-only)",  # not the user reading
            r"inspect(?:s|ed|ing)?",
            r"scan(?:s|ned|ning)?",
            r"upload(?:s|ed|ing)?",
            r"report(?:s|ed)? (?:back )?to us",
            r"sends? us",
            r"(?:report|send|transmit|upload)(?:s|ed|ing)?"
            r"(?= [^.;]{0,120}\bto (?:us|our (?:servers?|cloud)))",
            r"ask(?:s|ed)? (?:you )?for",
            r"(?:ask|require|requires|asks|invite) you to (?:provide|submit|enter|give us)",
            r"you (?:provide|give|submit)",
            r"provide us with",
            r"no-logs?",
            r"needs?",
            r"requires?(?! us\b)",
        ),
    ),
    ("include", 1, _re(r"includ(?:e|es|ed|ing)", r"such as", r"e\.g\.", r"for example")),
    # "we will not discriminate against you for exercising your rights": saying no protects
    (
        "discriminate",
        1,
        _re(
            r"discriminat(?:e|es|ed|ing) against", r"penali[sz](?:e|es|ed)", r"retaliat(?:e|es|ed)"
        ),
    ),
    (
        "use",
        1,
        _re(
            # "encrypted using a key": the key is the means, not data put to use
            r"(?<!encrypted )(?<!protected )(?<!secured )(?<!hashed )(?<!signed )us(?:e|es|ed|ing)",
            r"(?<!legal )process(?:es|ed|ing)?",
            r"analy[sz](?:e|es|ed|ing)",
        ),
    ),
    (
        "notify",
        -1,
        _re(
            r"notif(?:y|ies|ied|ication)",
            r"inform(?:s|ed)? you",
            r"let you know",
            r"tell you",
            r"alert you",
        ),
    ),
    (
        "delete",
        -1,
        _re(
            r"delet(?:e|es|ed|ion)",
            r"eras(?:e|es|ed|ure)",
            r"purg(?:e|es|ed)",
            r"destroy(?:s|ed)?",
            r"discard(?:s|ed)?",
            r"remov(?:e|es|ed)(?= [^.;]{0,60}\b(?:from|before)\b)",  # "remove X from photos"
            r"strip(?:s|ped)?(?= [^.;]{0,60}\bfrom\b)",
        ),
    ),
    (
        "protect",
        -1,
        _re(
            r"encrypt(?:s|ed|ion)?",
            r"hash(?:es|ed)?",
            r"anonymi[sz](?:e|es|ed)",
            r"ram-only",
            r"diskless",
            r"audit(?:s|ed|ing)?(?= by| of our| performed)",
            r"(?:penetration|pen)[- ]test(?:s|ed|ing)?",
            r"bug bount(?:y|ies)",
        ),
    ),
)

# Markers of how strongly a clause states a practice (DESIGN.md: never > do not > do not ... except
# > currently do not > may > do).
NEVER = re.compile(
    r"\b(?:never|will not|won't|shall not|under no circumstances?|in no (?:event|case)|"
    r"cannot|can't|can not|not under any circumstances|not ever|at no (?:point|time)|"
    r"no (?:[\w-]+ ){1,2}(?:has|have) ever|(?:is|are) unable to|(?:is|are) not able to|"
    r"(?:no one|nobody|no person|no employee|no member of (?:our )?staff)(?:, [^,.;]{1,30},)? "
    r"(?:at \w+ )?"
    r"(?:can|could|will|is able to|has access))\b"
)
NEGATION = re.compile(
    r"\b(?:not|n't|no|none|neither|nor|zero|without|nothing|free of|refrain from|no-logs?|"
    r"(?:prevent|keep|stop)(?:s|ed|ing)? [^.;]{1,60}? from (?:being |\w+ing\b)|"
    r"non-logging)\b|n't\b"
)
EXCEPTION = re.compile(
    r"\b(?:except|unless|other than|apart from|aside from|besides|with the exception of|"
    r"excluding|save for|save where|save when|save that|save as|save to the extent|but may|"
    r"except where|notwithstanding|except as otherwise|"
    r"without your (?:prior |express )?consent|"
    # "can't share anything without a parent saying yes" is "unless a parent says yes"
    r"without (?:\w+ ){0,3}?(?:consent|permission|approval|authori[sz]ation)|"
    r"without (?:a |the |their |your )?(?:parent|guardian)s?(?:'s?)? (?:saying yes|agreeing|"
    r"approving|consenting))\b"
)
HEDGE = re.compile(
    r"\b(?:currently|at (?:this|the present) time|at present|presently|for now|as of now|yet)\b"
)
MAY = re.compile(
    r"\b(?:may|might|can|could|reserve the right|from time to time|where (?:necessary|needed)|"
    r"in some cases|occasionally|if (?:required|requested|needed))\b"
)
