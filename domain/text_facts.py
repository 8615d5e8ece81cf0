"""What facts a text states, read the way a person reads them: prices in every common form
(`₹ 2,999`, `2,999₹`, `Rs. 2999`, `60 USD`, `2.5k`, `99 bucks`, "two thousand rupees"),
links (with or without a scheme, `javascript:`), e-mail addresses, phone numbers, ratings,
review counts, seat counts and service-like names, each with its position and sentence.

Comparing them with a creator's data is domain.human_check's job; this module only finds
them. One pass over the text: every pattern is anchored so that no position is scanned
twice (no nested quantifiers; repeated classes start only where a run starts), and the
token walk looks at most a fixed number of tokens around each one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from domain.normalize import fold_for_matching, normalize

# Letters of every script, with the Devanagari vowel signs and nukta (marks, not letters,
# to `\w`) so "रुपये" is one word.
_LETTERS = r"(?:[^\W\d_]|[\u0900-\u0963\u0971-\u097f])++"
_TOKEN = re.compile(
    rf"(?P<num>\d+(?:[.,]\d+)*+)"
    rf"|(?P<word>{_LETTERS}(?:['’-]{_LETTERS})*+)"
    r"|(?P<sym>[₹$€£¥])"
    r"|(?P<star>[★⭐☆✩✭✮✯])"
    r"|(?P<slash>/-?)"
    r"|(?P<plus>\+)"
    r"|(?P<brk>\n|[.!?।]++(?=\s|$))"
)

# Links. A chunk is a run of characters a link can hold; links never span chunks.
_CHUNK = re.compile(r"[^\s<>\"'`|]++")
_SCHEME = re.compile(
    r"(?i)(?:https?|ftp|javascript|vbscript|data|file|mailto|tel|sms|whatsapp|intent):|(?<![:\w])//(?=\w)|www\."
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
_DOMAIN = re.compile(
    r"(?i)(?<![\w.@/-])(?:[a-z0-9][a-z0-9-]*+\.)++(?P<tld>[a-z]{2,24}+)(?![\w-])(?:[/?#:][^\s]*+)?"
)
# Top-level domains a bare "name.tld" is read as a link with (a period without a space after
# it, "soon.Thanks", is not a domain unless the last word is one of these).
_TLDS = frozenset(
    "com org net io co ai app dev me ly gg xyz info biz link site online store shop club live "
    "page tech pro to tv cc ws sh so gl in us uk de es fr it jp ca au nz br mx ru cn nl se no "
    "ch at be pl pt ie sg ae id my ph pk lk bd np za ng ke eu edu gov mobi email academy "
    "courses coach school life world today click top vip bio art design studio one fm am "
    "gd is la li ms mu sx tk ml ga cf gq buzz fun space website digital media news blog".split()
)
_TRAILING = ".,;:!?)]}*_~'\""
# Phone and account numbers: 8 or more digits in a run of digits and separators.
_DIGIT_RUN = re.compile(r"(?<![\w+.,])\+?\(?\d(?:[\d \t().-]*+)")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MARKUP = re.compile(
    r"<(?:[/?]?[A-Za-z]|!)|&(?:[A-Za-z]{2,10}|#\d{1,7}|#[xX][0-9a-fA-F]{1,6});|\]\(", re.I
)
# Format characters a person cannot see; the zero-width joiner is part of emoji sequences.
_VISIBLE_FORMAT = {"\u200d"}


def _fold(word: str) -> str:
    # ASCII needs no normalising or look-alike folding: lower-casing is the whole fold.
    return word.lower() if word.isascii() else fold_for_matching(word)


def _table(words: str) -> frozenset[str]:
    return frozenset(_fold(w) for w in words.split())


CURRENCY_WORDS: dict[str, str | None] = {
    **dict.fromkeys(
        _table("rs inr rupee rupees rupaye rupaiye rupiya rupiye rupay रुपये रुपए रुपया रुपयों रु"),
        "INR",
    ),
    **dict.fromkeys(_table("usd dollar dollars dólares dolares dolar ドル"), "USD"),
    **dict.fromkeys(_table("eur euro euros ユーロ"), "EUR"),
    **dict.fromkeys(_table("gbp pound pounds quid libra libras pfund ポンド"), "GBP"),
    **dict.fromkeys(_table("jpy yen 円"), "JPY"),
    **dict.fromkeys(_table("bucks buck"), None),  # a price, currency unsaid
}
CURRENCY_SYMBOLS = {"₹": "INR", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}
MULTIPLIERS = {
    **dict.fromkeys(_table("k thousand grand hazaar hazar hajar हज़ार हजार mil tausend"), 1_000),
    **dict.fromkeys(_table("hundred sau सौ hundert"), 100),
    **dict.fromkeys(_table("lakh lakhs lac lacs लाख"), 100_000),
    **dict.fromkeys(_table("crore crores cr करोड़"), 10_000_000),
    **dict.fromkeys(_table("million millions mn"), 1_000_000),
}
_NUMBER_WORDS = {
    **{
        _fold(w): i
        for i, w in enumerate(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen".split()
        )
    },
    **{
        _fold(w): 10 * (i + 2)
        for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())
    },
    # Hindi (Latin), Spanish and German units: enough for "do hazaar rupaye", "dos mil euros".
    **{_fold(w): v for w, v in (("ek", 1), ("teen", 3), ("char", 4), ("chaar", 4))},
    **{_fold(w): v for w, v in (("paanch", 5), ("panch", 5), ("chhe", 6), ("saat", 7))},
    **{_fold(w): v for w, v in (("aath", 8), ("nau", 9), ("das", 10), ("bees", 20))},
    **{_fold(w): v for w, v in (("pachas", 50), ("pachaas", 50), ("dos", 2), ("tres", 3))},
    **{_fold(w): v for w, v in (("cuatro", 4), ("cinco", 5), ("diez", 10), ("zwei", 2))},
    **{_fold(w): v for w, v in (("drei", 3), ("vier", 4), ("fünf", 5), ("zehn", 10))},
    **{_fold(w): v for w, v in (("zwölf", 12), ("zwanzig", 20), ("doce", 12), ("veinte", 20))},
    **{_fold(w): v for w, v in (("ciento", 100), ("cien", 100))},
}
# Words that are numbers only next to a multiplier or a currency ("do" is also English).
_WEAK_NUMBER_WORDS = {_fold("a"): 1, _fold("an"): 1, _fold("do"): 2, _fold("un"): 1}
_NUMBER_JOINERS = _table("and")
SEAT_WORDS = _table("seat seats spot spots place places slot slots plätze plazas lugares सीट सीटें")
_RATING_AFTER = _table(
    "star stars sterne sternen estrella estrellas sitare सितारे सितारा रेटिंग rating"
)
_RATING_BEFORE = _table("rated rating ratings rate bewertung calificación valoración रेटिंग")
_REVIEW_WORDS = _table(
    "review reviews ratings testimonials रिव्यू समीक्षा समीक्षाएं reseñas bewertungen レビュー"
)
# "2.5k students" is a count (social proof, another check's business), not a price.
_COUNT_NOUNS = _table(
    "students learners members followers subscribers people users views customers clients "
    "reviews ratings downloads readers participants alumni mentees sessions hours minutes "
    "weeks days months years"
)
_PRICE_CUES = _table("price priced pricing cost costs fee fees pay pays paying charge charges")
_ABBREVIATIONS = _table("rs no mr mrs ms dr st vs etc approx")
_INTERVALS = {
    **dict.fromkeys(_table("month months monthly mo mth"), "month"),
    **dict.fromkeys(_table("week weeks weekly wk"), "week"),
    **dict.fromkeys(_table("year years yearly annually annual yr"), "year"),
    **dict.fromkeys(_table("day days daily"), "day"),
    **dict.fromkeys(_table("once one-time onetime"), "once"),
    **dict.fromkeys(_table("session sessions call calls"), "session"),
}
_INTERVAL_LEADS = _table("per a an each every")


def interval_kind(interval: str | None) -> str | None:
    """A service's price interval as one of month, week, year, day, or None (one-off)."""
    if not interval:
        return None
    kind = _INTERVALS.get(_fold(interval).strip())
    return kind if kind in ("month", "week", "year", "day") else None


@dataclass
class Token:
    kind: str  # num, word, sym, star, slash, plus, brk
    text: str
    folded: str
    start: int
    end: int
    segment: int  # sentence or line number


@dataclass
class Price:
    text: str
    amount: float
    currency: str | None  # None: a price whose currency the text does not say
    interval: str | None  # month, week, year, day, once, session, or None
    start: int
    segment: int


@dataclass
class Count:
    """A number a text states: a rating, a number of reviews or of seats."""

    text: str
    value: float
    at_least: bool  # "100+ reviews"
    start: int
    segment: int


@dataclass
class Link:
    text: str
    start: int
    segment: int
    has_scheme: bool


@dataclass
class TextFacts:
    text: str  # the normalised text the positions refer to
    tokens: list[Token] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    prices: list[Price] = field(default_factory=list)
    ratings: list[Count] = field(default_factory=list)
    review_counts: list[Count] = field(default_factory=list)
    seat_counts: list[Count] = field(default_factory=list)
    markup: list[str] = field(default_factory=list)
    invisible: int = 0  # format characters in the text as written


def _strip_link(text: str) -> str:
    return text.rstrip(_TRAILING)


def _find_links(text: str) -> tuple[list[tuple[int, int, bool]], list[tuple[int, int]]]:
    """Spans of links (with whether they have a scheme) and of e-mail addresses."""
    links: list[tuple[int, int, bool]] = []
    emails: list[tuple[int, int]] = []
    for chunk in _CHUNK.finditer(text):
        start, value = chunk.start(), chunk.group()
        if scheme := _SCHEME.search(value):
            link = _strip_link(value[scheme.start() :])
            begin = start + scheme.start()
            links.append((begin, begin + len(link), not link.lower().startswith("www.")))
            continue
        if "@" in value:
            for email in _EMAIL.finditer(value):
                emails.append((start + email.start(), start + email.end()))
            continue
        for domain in _DOMAIN.finditer(value):
            # "name.tld" with a known top-level domain, or any "name.word/path".
            if domain.group("tld").lower() in _TLDS or domain.group().startswith(
                "/", domain.end("tld") - domain.start()
            ):
                link = _strip_link(domain.group())
                links.append((start + domain.start(), start + domain.start() + len(link), False))
    return links, emails


def _find_phones(text: str) -> list[tuple[int, int]]:
    spans = []
    for run in _DIGIT_RUN.finditer(text):
        value = run.group().rstrip(" \t().-")
        digits = sum(ch.isdigit() for ch in value)
        groups = len(re.findall(r"\d+", value))
        if digits >= 8 and groups <= 5 and not _ISO_DATE.fullmatch(value.strip()):
            spans.append((run.start(), run.start() + len(value)))
    return spans


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    """The text with the given spans blanked out (same length, so positions hold)."""
    pieces, at = [], 0
    for start, end in sorted(spans):
        if start < at:
            continue
        pieces.extend((text[at:start], " " * (end - start)))
        at = end
    pieces.append(text[at:])
    return "".join(pieces)


def _tokens(text: str) -> tuple[list[Token], list[int]]:
    """The tokens, and where each sentence or line break is."""
    tokens: list[Token] = []
    breaks: list[int] = []
    segment = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or ""
        value = match.group()
        if kind == "brk":
            previous = tokens[-1] if tokens else None
            abbreviation = (
                value == "."
                and previous is not None
                and previous.kind == "word"
                and previous.end == match.start()
                and previous.folded in _ABBREVIATIONS
            )
            if not abbreviation:
                segment += 1
                breaks.append(match.start())
                continue
        tokens.append(Token(kind, value, _fold(value), match.start(), match.end(), segment))
    return tokens, breaks


# Japanese writes the currency against the next word ("2,000円です"): a prefix, not a word.
_CJK_CURRENCIES = (
    ("円", "JPY"),
    ("ドル", "USD"),
    ("ユーロ", "EUR"),
    ("ポンド", "GBP"),
    ("ルピー", "INR"),
)


def _cjk_currency(word: str) -> str | None:
    return next((code for prefix, code in _CJK_CURRENCIES if word.startswith(prefix)), None)


def parse_number(text: str) -> float | None:
    """'2,999' 2999, '1,00,000' 100000, '2.5' 2.5, '24.999' 24999, '2,50' 2.5."""
    digits = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)
    parts = re.split(r"[.,]", digits)
    seps = [ch for ch in digits if ch in ".,"]
    try:
        if not seps:
            return float(digits)
        if len(set(seps)) == 2:  # 1,234.50 or 1.234,50: the last separator is the decimal one
            decimal = seps[-1]
            whole, _, fraction = digits.rpartition(decimal)
            return float(re.sub(r"[.,]", "", whole) + "." + fraction)
        if len(seps) == 1 and len(parts[-1]) != 3:  # 2.5, 2,50
            return float(parts[0] + "." + parts[1])
        if seps[0] == "." and len(seps) == 1 and len(parts[0]) > 3:
            return float(digits)  # 1234.567
        return float("".join(parts))  # 2,999 / 1,00,000 / 24.999 / 1.234.567
    except ValueError:
        return None


def _number_words(tokens: list[Token], i: int) -> tuple[float, int] | None:
    """A number written in words starting at token i ("two thousand four hundred"), and the
    index after it; None if token i starts none."""
    total, current, j, seen = 0.0, 0.0, i, False
    while j < len(tokens) and tokens[j].kind == "word" and tokens[j].segment == tokens[i].segment:
        word = tokens[j].folded
        parts = word.split("-") if "-" in word else [word]
        if all(p in _NUMBER_WORDS for p in parts):
            current += sum(_NUMBER_WORDS[p] for p in parts)
        elif (
            word in _WEAK_NUMBER_WORDS
            and j + 1 < len(tokens)
            and (tokens[j + 1].folded in MULTIPLIERS or tokens[j + 1].folded in CURRENCY_WORDS)
        ):
            current += _WEAK_NUMBER_WORDS[word]
        elif word in MULTIPLIERS and word != _fold("k") and (seen or current):
            multiplier = MULTIPLIERS[word]
            if multiplier == 100:
                current = (current or 1) * 100
            else:
                total += (current or 1) * multiplier
                current = 0
        elif word in _NUMBER_JOINERS and seen and j + 1 < len(tokens):
            pass
        else:
            break
        seen = True
        j += 1
    while j > i and tokens[j - 1].folded in _NUMBER_JOINERS:
        j -= 1
    if j == i:
        return None
    return total + current, j


def _at(tokens: list[Token], j: int, segment: int) -> Token | None:
    return tokens[j] if 0 <= j < len(tokens) and tokens[j].segment == segment else None


def _interval_after(tokens: list[Token], j: int, segment: int) -> tuple[str | None, int]:
    """'/month', 'per month', 'a month', 'monthly', 'one-time' right after a price."""
    first = _at(tokens, j, segment)
    if first is None:
        return None, j
    second = _at(tokens, j + 1, segment)
    if (first.kind == "slash" or first.folded in _INTERVAL_LEADS) and second is not None:
        if second.kind == "word" and second.folded in _INTERVALS:
            return _INTERVALS[second.folded], j + 2
    if (
        first.kind == "word"
        and first.folded in _INTERVALS
        and first.folded
        not in _table("session sessions call calls month months week weeks year years day days")
    ):
        return _INTERVALS[first.folded], j + 1
    return None, j


def _read_counts_and_prices(facts: TextFacts) -> None:
    tokens, text = facts.tokens, facts.text
    used: set[int] = set()
    i = 0
    while i < len(tokens):
        token = tokens[i]
        seg = token.segment
        if token.kind == "num":
            value, j = parse_number(token.text), i + 1
        elif token.kind == "word" and (words := _number_words(tokens, i)):
            value, j = words
        else:
            i += 1
            continue
        if value is None:
            i += 1
            continue
        multiplied = False
        if (nxt := _at(tokens, j, seg)) and nxt.kind == "word" and nxt.folded in MULTIPLIERS:
            value *= MULTIPLIERS[nxt.folded]
            multiplied, j = True, j + 1
        currency: str | None = None
        marked = False
        before = _at(tokens, i - 1, seg)
        if before is not None and before.kind == "brk":  # "Rs. 2999"
            before = _at(tokens, i - 2, seg)
        if before is not None and text[before.end : token.start].strip(" ."):
            before = None  # "dollars, 2.5k": not the 2.5k's currency
        if before is not None and before.kind == "sym":
            currency, marked = CURRENCY_SYMBOLS[before.text], True
        elif before is not None and before.kind == "word" and before.folded in CURRENCY_WORDS:
            currency, marked = CURRENCY_WORDS[before.folded], True
        after = _at(tokens, j, seg)
        if after is not None and text[tokens[j - 1].end : after.start].strip():
            after = None
        if not marked and after is not None:
            if after.kind == "sym":
                currency, marked, j = CURRENCY_SYMBOLS[after.text], True, j + 1
            elif after.kind == "word" and after.folded in CURRENCY_WORDS:
                currency, marked, j = CURRENCY_WORDS[after.folded], True, j + 1
            elif after.kind == "word" and (cjk := _cjk_currency(after.folded)):
                currency, marked, j = cjk, True, j + 1
            elif after.kind == "slash" and after.text == "/-":  # "2999/-": rupees
                currency, marked, j = "INR", True, j + 1
        if not marked:
            noun = _at(tokens, j, seg)
            cue = any(
                (t := _at(tokens, k, seg)) is not None and t.folded in _PRICE_CUES
                for k in (i - 1, i - 2)
            )
            counted = noun is not None and noun.folded in _COUNT_NOUNS
            marked = (multiplied and not counted) or (cue and token.kind == "num" and value >= 10)
        currency_before = before is not None and (
            before.kind == "sym" or before.folded in CURRENCY_WORDS
        )
        start = before.start if currency_before and before is not None else token.start
        if marked:
            interval, j = _interval_after(tokens, j, seg)
            end = tokens[j - 1].end
            facts.prices.append(Price(text[start:end], value, currency, interval, start, seg))
            used.update(range(i, j))
            i = j
            continue
        i = max(_read_count(facts, tokens, i, j, value), i + 1)


def _read_count(facts: TextFacts, tokens: list[Token], i: int, j: int, value: float) -> int:
    """A rating ("4.9 stars", "4.8/5", "rated 4.7"), a review count ("187 reviews") or a
    seat count ("only 3 seats left", "12 spots") for the number in tokens i..j; returns
    the index of the first token after what it read."""
    seg = tokens[i].segment
    text = facts.text
    at_least = False
    if (plus := _at(tokens, j, seg)) and plus.kind == "plus":
        at_least, j = True, j + 1
    nxt = _at(tokens, j, seg)
    nxt2 = _at(tokens, j + 1, seg)
    nxt3 = _at(tokens, j + 2, seg)
    prev = _at(tokens, i - 1, seg)
    prev2 = _at(tokens, i - 2, seg)
    start = tokens[i].start
    if (
        value <= 10
        and nxt is not None
        and (
            nxt.kind == "star"
            or nxt.folded in _RATING_AFTER
            or (nxt.kind == "slash" and nxt2 is not None and nxt2.text in ("5", "10"))
            or (nxt.folded == "out" and nxt2 is not None and nxt2.folded == "of")
        )
    ):
        width = 3 if nxt.folded == "out" and nxt3 else 2 if nxt.kind == "slash" else 1
        last = tokens[j + width - 1]
        facts.ratings.append(Count(text[start : last.end], value, False, start, seg))
        return j + width
    if (
        value <= 10
        and any(
            t is not None and (t.folded in _RATING_BEFORE or t.folded.startswith("評価"))
            for t in (prev, prev2)
        )
        and tokens[i].kind == "num"
    ):
        facts.ratings.append(Count(text[start : tokens[j - 1].end], value, False, start, seg))
        return j
    # "187 reviews", "1000 से ज़्यादा रिव्यू" (a word or two between).
    for offset, noun in enumerate((nxt, nxt2, nxt3)):
        if noun is not None and noun.folded in _REVIEW_WORDS:
            counted = Count(text[start : noun.end], value, at_least or offset > 0, start, seg)
            facts.review_counts.append(counted)
            return j + offset + 1
        if noun is None or noun.kind != "word" or offset == 0 and noun.folded in SEAT_WORDS:
            break
    for offset, noun in enumerate((nxt, nxt2, nxt3)):
        if noun is not None and noun.folded in SEAT_WORDS:
            facts.seat_counts.append(Count(text[start : noun.end], value, at_least, start, seg))
            return j + offset + 1
        if noun is None or noun.kind != "word":
            break
    return j


def scan(text: str) -> TextFacts:
    """Every fact `text` states, found on its normalised form (see domain.normalize)."""
    facts = TextFacts(normalize(text))
    if not text.isascii():
        facts.invisible = sum(
            1 for ch in text if ch not in _VISIBLE_FORMAT and unicodedata.category(ch) == "Cf"
        )
    normal = facts.text
    facts.markup = [m.group() for m in _MARKUP.finditer(normal)]
    links, emails = _find_links(normal)
    masked = _mask(normal, [(s, e) for s, e, _ in links] + emails)
    phones = _find_phones(masked)
    masked = _mask(masked, phones)
    facts.tokens, breaks = _tokens(masked)
    facts.emails = [normal[s:e] for s, e in emails]
    facts.phones = [normal[s:e] for s, e in phones]
    facts.links = _with_segments(normal, breaks, links)
    _read_counts_and_prices(facts)
    return facts


def _with_segments(
    normal: str, breaks: list[int], links: list[tuple[int, int, bool]]
) -> list[Link]:
    """Links with the sentence each is in: the number of breaks before it (one pass)."""
    result, b = [], 0
    for start, end, has_scheme in sorted(links):
        while b < len(breaks) and breaks[b] < start:
            b += 1
        result.append(Link(normal[start:end], start, b, has_scheme))
    return result
