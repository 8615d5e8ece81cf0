"""Facts a model writes in words to slip past the no-digit rule: "five seats left",
"fünf von fünf Sternen", "残り三席", a phone number spelled out, "my new Figma-Kurs".

Used on a drafter's own words (placeholders removed), where no count and no service name
may appear at all. One compiled pattern each, bounded repetition: linear in the text.
"""

from __future__ import annotations

import re

from domain import findings as rules
from domain.findings import Finding, finding
from domain.normalize import SLOT_MARK

_NUMBER_WORDS = (
    # English
    "zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    "thirty|forty|fifty|hundred|thousand|dozen|lakh|crore|"
    # Hindi in Latin script
    "ek|do|teen|char|chaar|paanch|panch|chhe|saat|aath|nau|das|bees|sau|hazaar|hazar|"
    # Hindi in Devanagari
    "शून्य|एक|दो|तीन|चार|पाँच|पांच|छह|छः|सात|आठ|नौ|दस|बीस|सौ|हज़ार|हजार|लाख|"
    # Spanish
    "cero|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|veinte|cien|mil|"
    # German
    "null|eins|ein|eine|zwei|drei|vier|fünf|funf|sechs|sieben|acht|neun|zehn|zwanzig|hundert|"
    "tausend"
)
_COUNT_NOUNS = (
    "seats?|spots?|places?|slots?|spaces?|stars?|reviews?|ratings?|students?|clients?|"
    "customers?|members?|learners?|sitare|sitara|"
    "सीट|सीटें|स्थान|सितारा|सितारे|छात्र|ग्राहक|"
    "plazas?|lugares|cupos?|estrellas?|reseñas?|estudiantes|alumnos|clientes|"
    "plätze|platze|platz|sitze|sterne[n]?|bewertungen|schüler|schuler|kunden|teilnehmer"
)
# A number word right before a count noun (at most one word between: "five more seats").
_SPELLED_COUNT = re.compile(
    rf"(?<![\w])(?:{_NUMBER_WORDS})(?:\s{{1,3}}\w{{1,20}})?\s{{1,3}}(?:{_COUNT_NOUNS})(?![\w])"
    # "fünf von fünf", "five out of five"
    rf"|(?<![\w])(?:{_NUMBER_WORDS})\s{{1,3}}(?:von|out of|de|में से)\s{{1,3}}"
    rf"(?:{_NUMBER_WORDS})(?![\w])"
    # Japanese: a kanji numeral before a counter, or a perfect score.
    r"|[一二三四五六七八九十百千万]{1,6}(?:席|名|人|枠|つ星|星)|満点|星[一二三四五]つ"
)
# Three or more number words in a row: a phone or account number spelled out.
_SPELLED_NUMBER = re.compile(
    rf"(?<![\w])(?:(?:{_NUMBER_WORDS})[\s,-]{{1,3}}){{2,30}}(?:{_NUMBER_WORDS})(?![\w])"
)
_OFFERING = (
    "course|bootcamp|boot camp|workshop|masterclass|master class|cohort|program|programme|"
    "webinar|challenge|mastermind|academy|membership|retreat|"
    "kurs|workshops|programm|seminar|akademie|"
    "curso|taller|reto|programa|seminario|academia|"
    "कोर्स|वर्कशॉप|कार्यशाला|प्रोग्राम|"
    "ブートキャンプ|コース|講座|ワークショップ|セミナー|プログラム"
)
# A word of any script (Devanagari vowel signs are not \w), never a placeholder's mark.
_WORD = rf"[^\s{SLOT_MARK}.,;:!?。、]"
_NEW_OR_MINE = (
    "my|our|new|mein|meine|meinen|neuer|neue|neues|unser|mi|nuevo|nueva|nuestro|mera|meri|"
    "naya|nayi|hamara|मेरा|मेरी|नया|नई|हमारा|新しい|新"
)
# An offering named in the model's own words: real services come as {{title:ID}}.
_NAMED_OFFERING = re.compile(
    rf"(?<![\w])(?:{_NEW_OR_MINE})(?:\s{{0,3}}{_WORD}{{1,30}}){{0,3}}?\s{{0,3}}{_WORD}{{0,30}}?"
    rf"(?:{_OFFERING})(?![a-z])(?!\s{{0,3}}{SLOT_MARK})"
    # English: a capitalised name ending in an offering ("Mock Interview Bootcamp").
    rf"|(?<![\w])(?:[A-Z][\w'-]{{1,30}}\s{{1,3}}){{1,4}}(?:Course|Bootcamp|Workshop|"
    rf"Masterclass|Cohort|Program|Programme|Webinar|Challenge|Mastermind|Academy)(?![\w])"
    rf"(?!\s{{0,3}}{SLOT_MARK})"
)


def spelled_fact_findings(words: str, folded: str) -> list[Finding]:
    """`words`: the normalised own words (case kept); `folded`: the same, folded."""
    found: list[Finding] = []
    if match := _SPELLED_COUNT.search(folded):
        found.append(finding(rules.DIGITS, match.group(0), "a count written in words"))
    if match := _SPELLED_NUMBER.search(folded):
        found.append(finding(rules.CONTACT, match.group(0), "a number spelled out digit by digit"))
    if match := _NAMED_OFFERING.search(words) or _NAMED_OFFERING.search(folded):
        found.append(
            finding(rules.INVENTED_SERVICE, match.group(0), "a service named without a placeholder")
        )
    return found
