"""What the wording says about a claim: negated, enacted, announced, planned, rumoured or opinion,
and the probability alusim proposes for each.

The statuses follow the modality classes of event annotation in commodity news (the Commodity News
Corpus, arXiv 2105.08214: asserted/other modality and negative polarity; the idea, not its data).
The probabilities are this project's defaults for the analyst to change: an enacted measure happens
(1.0); an announced decision nearly always does (0.9); a plan usually does (0.7) and a hedged plan
("may", "is expected to") as often as not (0.5); a rumour seldom (0.3); an opinion ("should",
"must") rarely (0.2).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROBABILITY = {"enacted": 1.0, "announced": 0.9, "planned": 0.7, "hedged": 0.5, "rumoured": 0.3, "opinion": 0.2}

_NEGATION = re.compile(
    r"\b(?:den(?:y|ied|ies|ying)|dismiss(?:ed|es)?|refut(?:ed|es)|ruled out|rejected (?:reports|rumou?rs|claims)|"
    r"no plans? to|not plan(?:ning)? to|(?:has|have|had|did|does|do|will|would|is|are|was|were)(?: not|n't)|"
    r"won't|never|neither|nor|without)\b", re.I)
_RUMOUR = re.compile(r"\b(?:reportedly|rumou?r(?:s|ed)?|sources? (?:said|say|says|familiar|close)|people familiar|"
                     r"according to (?:people|sources|traders|market (?:talk|sources)|industry sources)|"
                     r"unconfirmed|speculat(?:ion|ed|es)|is said to|are said to|market talk|allegedly|"
                     r"it is understood|it was learned)\b", re.I)
_OPINION = re.compile(r"\b(?:should|must|ought to|needs? to|need to|calls? (?:for|on)|called (?:for|on)|urg(?:e|es|ed)|"
                      r"suggest(?:s|ed)?|recommend(?:s|ed)?|(?:i|we|the author) (?:believe|think)|believes?|argue[sd]?|"
                      r"it is necessary|in my view|in our view)\b", re.I)
_HEDGE = re.compile(r"\b(?:may|might|could|is expected to|are expected to|expected to|expects? to|is likely to|are likely to|"
                    r"likely|possibl[ey]|consider(?:s|ing)?|mull(?:s|ing)?|weigh(?:s|ing)?|propos(?:ed|al|es)|draft|"
                    r"potential(?:ly)?|forecast|estimated to|would|in talks|talks to|negotiat\w*|explor\w*)\b", re.I)
_PLAN = re.compile(r"\b(?:will|shall|plans? to|planned|planning|intends? to|aims? to|is to|are to|set to|"
                   r"scheduled|targets? to|going to|to be (?:added|built|commissioned|restarted|closed|cut))\b", re.I)
_ANNOUNCE = re.compile(r"\b(?:announc(?:ed|es|ement)|decided|decision|approved|unveiled|declared|issued|published|"
                       r"notice|released a|said (?:on \w+ )?(?:it|they) (?:would|will)|confirmed|agreed|pledged|vowed|committed)\b", re.I)


@dataclass(frozen=True)
class Modality:
    """Status of a claim (one of ``enacted, announced, planned, rumoured, opinion``), whether it is
    hedged and negated, and the proposed probability."""

    status: str
    hedged: bool
    negated: bool

    @property
    def probability(self) -> float:
        return PROBABILITY["hedged" if self.status == "planned" and self.hedged else self.status]


def negated(clause: str, trigger_text: str) -> bool:
    """True when the words just before the trigger (same clause) deny it: "denied plans to cut",
    "will not restart", "has no plans to close". A trigger that carries its own "no" ("no new capacity")
    is not negated by it."""
    if re.match(r"\s*no\b", trigger_text, re.I):
        return False
    return bool(_NEGATION.search(clause))


def modality(context: str, clause: str, trigger_text: str) -> Modality:
    """Status from the sentence ``context`` and the clause before the trigger; the nearest marker wins
    between a decision ("decided that … should") and an opinion."""
    neg = negated(clause, trigger_text)
    hedged = bool(_HEDGE.search(context))
    if _RUMOUR.search(context):
        return Modality("rumoured", hedged, neg)
    if _ANNOUNCE.search(context) and not _RUMOUR.search(context):
        if _PLAN.search(context) or _HEDGE.search(clause):
            return Modality("announced", False, neg)
        return Modality("announced" if not _past_done(context) else "enacted", False, neg)
    if _OPINION.search(context):
        return Modality("opinion", hedged, neg)
    if _PLAN.search(context) or hedged:
        return Modality("planned", hedged, neg)
    return Modality("enacted", False, neg)


def _past_done(text: str) -> bool:
    """A decision reported as carried out ("were ordered to stop", "took effect", "began")."""
    return bool(re.search(r"\b(?:took effect|came into (?:force|effect)|began|started|has been|have been|were|was)\b",
                          text, re.I))
