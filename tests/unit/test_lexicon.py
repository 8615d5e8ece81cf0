"""The wording lexicon: every class in every language, disguised spellings, honest phrasings
that must pass, and a scan that stays linear in the text."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from domain.findings import GUARANTEE, OFF_PLATFORM, OFFER, SOCIAL_PROOF, URGENCY
from domain.lexicon import MAX_FINDINGS, _scanner, lexicon_findings
from domain.lexicon_terms import HONEST, TERMS

ROOT = Path(__file__).parents[2]


def rules(text: str) -> set[str]:
    return {f["rule"] for f in lexicon_findings(text)}


# (class, language, text): each must be caught with that class.
CLAIMS = [
    # Offers
    (OFFER, "en", "The first call is free."),
    (OFFER, "en", "FREE session for you!!"),
    (OFFER, "en", "The review is complimentary this month."),
    (OFFER, "en", "Your first session is on the house."),
    (OFFER, "en", "Half price for early movers."),
    (OFFER, "en", "Money back if you are not happy."),
    (OFFER, "en", "Book now, 20% off."),
    (OFFER, "en", "Get the review at a discounted rate."),
    (OFFER, "en", "Use coupon NEHA at checkout."),
    (OFFER, "en", "I'll throw in a bonus session."),
    (OFFER, "en", "It won't cost you a thing."),
    (OFFER, "en", "Special price just for you."),
    (OFFER, "hi", "मुफ़्त कॉल बुक करें।"),
    (OFFER, "hi", "इस हफ्ते 50% छूट पाएं।"),
    (OFFER, "hi", "यह सत्र निःशुल्क है।"),
    (OFFER, "hi-latn", "Free mein call milega."),
    (OFFER, "hi-latn", "Ye session bilkul muft hai."),
    (OFFER, "hi-latn", "50% ki chhoot mil rahi hai."),
    (OFFER, "es", "La primera llamada es gratis."),
    (OFFER, "es", "Llamada gratuita con 50% de descuento."),
    (OFFER, "es", "Precio especial a mitad de precio."),
    (OFFER, "de", "Kostenloses Erstgespräch für dich."),
    (OFFER, "de", "50 % Rabatt auf alle Pakete."),
    (OFFER, "de", "Jetzt mit Gutschein buchen."),
    (OFFER, "ja", "初回無料です。"),
    (OFFER, "ja", "今なら50%オフ。"),
    (OFFER, "ja", "半額でご案内します。"),
    # Guarantees
    (GUARANTEE, "en", "You are guaranteed to get promoted."),
    (GUARANTEE, "en", "Money-back guarantee on every call."),
    (GUARANTEE, "en", "It's completely risk-free."),
    (GUARANTEE, "en", "Results guaranteed, or a full refund."),
    (GUARANTEE, "hi", "सफलता की गारंटी है।"),
    (GUARANTEE, "hi", "पैसे वापस मिलेंगे अगर पसंद न आए।"),
    (GUARANTEE, "hi-latn", "Guarantee ke saath result milega."),
    (GUARANTEE, "hi-latn", "Pakka result milega."),
    (GUARANTEE, "es", "Resultados garantizados."),
    (GUARANTEE, "es", "Con garantía de devolución."),
    (GUARANTEE, "de", "Mit Geld-zurück-Garantie."),
    (GUARANTEE, "de", "Erfolg garantiert."),
    (GUARANTEE, "ja", "返金保証付きです。"),
    (GUARANTEE, "ja", "必ず結果が出ます。"),
    # Urgency and scarcity
    (URGENCY, "en", "Today only: book the call."),
    (URGENCY, "en", "Last chance to join the cohort."),
    (URGENCY, "en", "Hurry, it closes soon!"),
    (URGENCY, "en", "Only 3 seats left!"),
    (URGENCY, "en", "Only a few spots remain."),
    (URGENCY, "en", "The offer ends soon."),
    (URGENCY, "en", "Spots are filling up fast."),
    (URGENCY, "en", "Don't miss out on this."),
    (URGENCY, "en", "Only {{seats_left:103}} seats left, book now."),
    (URGENCY, "hi", "सिर्फ आज बुक करें।"),
    (URGENCY, "hi", "जल्दी करें, सीमित सीटें हैं।"),
    (URGENCY, "hi", "यह आखिरी मौका है।"),
    (URGENCY, "hi-latn", "Aaj hi book karo."),
    (URGENCY, "hi-latn", "Jaldi karo, kuch hi seats bachi hain."),
    (URGENCY, "hi-latn", "Ye aakhri mauka hai."),
    (URGENCY, "es", "Solo hoy, reserva ya."),
    (URGENCY, "es", "Quedan pocas plazas, date prisa."),
    (URGENCY, "es", "Última oportunidad para unirte."),
    (URGENCY, "de", "Nur heute buchbar."),
    (URGENCY, "de", "Nur noch 3 Plätze frei, beeil dich!"),
    (URGENCY, "de", "Letzte Chance für den Kurs."),
    (URGENCY, "ja", "本日限りのご案内です。"),
    (URGENCY, "ja", "残り3席です。お急ぎください。"),
    (URGENCY, "ja", "期間限定の講座です。"),
    # Social proof
    (SOCIAL_PROOF, "en", "Join 5,000+ engineers who booked."),
    (SOCIAL_PROOF, "en", "Over 10,000 students have taken it."),
    (SOCIAL_PROOF, "en", "Thousands of happy clients."),
    (SOCIAL_PROOF, "en", "Ajay is a famous, bestselling author."),
    (SOCIAL_PROOF, "en", "As seen on national TV."),
    (SOCIAL_PROOF, "hi", "हज़ारों छात्रों ने बुक किया।"),
    (SOCIAL_PROOF, "hi", "वे एक मशहूर कोच हैं।"),
    (SOCIAL_PROOF, "hi-latn", "Hazaron students ne join kiya."),
    (SOCIAL_PROOF, "hi-latn", "Ajay bahut mashhoor coach hain."),
    (SOCIAL_PROOF, "es", "Más de 500 alumnos satisfechos."),
    (SOCIAL_PROOF, "es", "Miles de clientes felices."),
    (SOCIAL_PROOF, "de", "Tausende zufriedene Kunden."),
    (SOCIAL_PROOF, "de", "Bekannt aus Funk und Fernsehen."),
    (SOCIAL_PROOF, "ja", "1000人以上が受講しました。"),
    (SOCIAL_PROOF, "ja", "大人気の講座です。"),
    # Off the platform
    (OFF_PLATFORM, "en", "Pay by bank transfer to avoid the platform fee."),
    (OFF_PLATFORM, "en", "Send it to my UPI ID."),
    (OFF_PLATFORM, "en", "You can pay with PayPal or crypto."),
    (OFF_PLATFORM, "en", "WhatsApp me on my other number."),
    (OFF_PLATFORM, "en", "DM me on Instagram."),
    (OFF_PLATFORM, "en", "Pay outside the booking link and save."),
    (OFF_PLATFORM, "hi", "यूपीआई से सीधे भुगतान करें।"),
    (OFF_PLATFORM, "hi", "मेरे नंबर पर व्हाट्सएप करें।"),
    (OFF_PLATFORM, "hi-latn", "UPI se payment karo."),
    (OFF_PLATFORM, "hi-latn", "Mere number pe WhatsApp karo."),
    (OFF_PLATFORM, "es", "Págame por Bizum o transferencia."),
    (OFF_PLATFORM, "es", "Escríbeme por WhatsApp a mi número personal."),
    (OFF_PLATFORM, "de", "Bezahl per Überweisung direkt an mich."),
    (OFF_PLATFORM, "de", "Schreib mir auf WhatsApp."),
    (OFF_PLATFORM, "ja", "銀行振込でお支払いください。"),
    (OFF_PLATFORM, "ja", "LINEで直接連絡してください。"),
]


@pytest.mark.parametrize(("rule", "language", "text"), CLAIMS, ids=lambda v: str(v)[:40])
def test_every_class_is_caught_in_every_language(rule, language, text):
    assert rule in rules(text), lexicon_findings(text)


def test_the_claims_cover_every_class_in_every_language():
    covered = {(rule, language) for rule, language, _ in CLAIMS}
    classes = (OFFER, GUARANTEE, URGENCY, SOCIAL_PROOF, OFF_PLATFORM)
    languages = ("en", "hi", "hi-latn", "es", "de", "ja")
    assert covered == {(r, lang) for r in classes for lang in languages}


@pytest.mark.parametrize(
    ("classes", "phrase"),
    [
        (classes, phrase.rstrip("*"))
        for classes, by_language in TERMS.items()
        for phrases in by_language.values()
        for phrase in phrases
    ],
    ids=str,
)
def test_every_listed_phrase_is_caught_on_its_own(classes, phrase):
    assert set(classes) <= rules(phrase)


# Honest phrasings a good draft uses: none may be flagged.
HONEST_SENTENCES = [
    "Feel free to ask me anything about the call.",
    "I can't guarantee results, but the call gives you a concrete plan.",
    "I can’t guarantee results.",  # curly apostrophe
    "I cannot honestly guarantee an outcome.",
    "There are no discounts right now.",
    "There is no rush: take your time.",
    "You're free to reply whenever it suits you.",
    "Take your time and reply when you're ready.",
    "Are you free for a quick chat this week?",
    "Free to reply here whenever you like.",
    "The Leadership Accelerator is sold out right now, but the strategy call is open.",
    "The 1:1 Career Strategy Call is ₹1,999 per session: https://marketplace.example/a/101",
    "Ajay is rated 4.9 out of 5 from 187 reviews.",
    "13 seats are left in the cohort starting on 9 January.",
    "I don't offer discounts, and results depend on your effort.",
    "Nothing is guaranteed, but the plan is concrete.",
    "I'll deal with your questions on the call.",
    "You will learn a great deal from it.",
    "It's not urgent, reply whenever you like.",
    "No pressure at all.",
    "The review helps you negotiate salary and bonus.",
    "Rest assured, your answers stay private.",
    "Book through the link above; payment is handled by the marketplace.",
    "Please don't pay by bank transfer; the booking link is the only way.",
    "If it's urgent, just reply here.",
    "Go at your own pace.",
    "Jargon-free feedback and stress-free prep.",
    "Your next promotion is closer than you think.",
    "Priority DM: ask one career question.",
    "Dime si tienes preguntas, no hay prisa.",
    "Sin compromiso: cuando quieras, hablamos.",
    "No puedo garantizar resultados, pero la llamada te da un plan.",
    "No es gratis, pero vale la pena.",
    "Melde dich gerne, keine Eile.",
    "Ich kann keine Ergebnisse garantieren, aber der Plan hilft.",
    "Lass dir Zeit mit der Antwort.",
    "Es gibt keinen Rabatt.",
    "Ich garantiere nicht, dass es klappt.",
    "आराम से जवाब दें, कोई जल्दी नहीं है।",
    "मैं परिणाम की गारंटी नहीं दे सकता।",
    "कोई छूट नहीं है, लेकिन कॉल उपयोगी है।",
    "Aaram se reply karna, koi jaldi nahi.",
    "Main results ki guarantee nahi de sakta.",
    "Jab free ho tab reply karna.",
    "ご自分のペースでどうぞ。",
    "結果は保証できません。",
    "割引はありません。",
    "急ぐ必要はありません。お気軽にご質問ください。",
]


@pytest.mark.parametrize("text", HONEST_SENTENCES)
def test_honest_phrasings_pass(text):
    assert lexicon_findings(text) == []


@pytest.mark.parametrize(
    "phrase", [p for phrases in HONEST.values() for p in phrases], ids=lambda p: p[:30]
)
def test_every_listed_honest_phrase_passes(phrase):
    assert lexicon_findings(phrase) == []


@pytest.mark.parametrize(
    "text",
    [
        "Don't miss our free session.",  # "don't" negates "miss", not "free"
        "No waiting list, and the call is free.",
        "Not only is it free, it's also quick.",
        "Feel free to grab 50% off today.",
        "No hurry, but 50% off ends tonight.",
    ],
)
def test_a_negation_or_idiom_elsewhere_does_not_hide_a_claim(text):
    assert rules(text) & {OFFER, URGENCY}


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Fr\u0435\u0435 session", "Fr\u0435\u0435"),  # Cyrillic е
        ("fr\u200bee session", "free"),  # zero-width space
        ("gu\u200dar\u00adantee", "guarantee"),  # zero-width joiner, soft hyphen
        ("\uff26\uff32\uff25\uff25 call", "FREE"),  # full-width letters
        ("B\u043enus call for you", "B\u043enus"),  # Cyrillic о
        ("\u03bfn the h\u03bfuse", "\u03bfn the h\u03bfuse"),  # Greek ο
        ("मुफ़\u200d्त कॉल", "मुफ़्त"),  # zero-width joiner inside Devanagari
        ("дисконт? no: d\u0456scount", "d\u0456scount"),  # Cyrillic і
    ],
)
def test_look_alikes_and_invisible_characters_do_not_hide_a_word(text, shown):
    found = lexicon_findings(text)
    assert found, text
    assert found[0]["text"] == shown


def test_a_finding_names_its_class_and_says_why():
    [found] = lexicon_findings("Last chance!")
    assert found == {
        "rule": URGENCY,
        "text": "Last chance",
        "detail": "urgency or scarcity wording",
    }


def test_findings_are_capped():
    assert len(lexicon_findings("free! " * 10_000)) == MAX_FINDINGS


def test_the_pattern_has_no_unbounded_repetition():
    """Every quantifier is bounded, so each start position costs a bounded amount of work
    and one scan is linear in the text: no backtracking trap can exist."""
    from re import _parser as parser  # the stdlib's own parse of the pattern

    pattern, _ = _scanner()
    repeats = []

    def walk(items):
        for op, arg in items:
            if op in (parser.MAX_REPEAT, parser.MIN_REPEAT, parser.POSSESSIVE_REPEAT):
                low, high, body = arg
                repeats.append(high)
                walk(body)
            elif op is parser.SUBPATTERN:
                walk(arg[-1])
            elif op is parser.BRANCH:
                for branch in arg[1]:
                    walk(branch)
            elif op in (parser.ASSERT, parser.ASSERT_NOT):
                walk(arg[1])

    walk(parser.parse(pattern.pattern))
    assert repeats and max(repeats) <= 20


@pytest.mark.parametrize(
    "unit",
    [
        "a",  # nothing to match
        "no free ",  # a match and a negation window at every other word
        "fre",  # a phrase that starts everywhere and never ends
        "1,0",  # numbers that never reach a noun
        "{{seats_left:",  # an unterminated slot after every word
        "only only ",
        "मुफ़",
        "無料で",
    ],
)
def test_scan_time_is_linear_in_the_text(unit):
    """200 KB costs about what a hundred 2 KB texts cost (a quadratic scan would cost a
    hundred times more). The bound is a generous factor, not a wall-clock threshold."""
    small = (unit * (2_000 // len(unit) + 1))[:2_000]
    large = (unit * (200_000 // len(unit) + 1))[:200_000]

    def cost(run) -> float:
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - started)
        return best

    small_cost = cost(lambda: [lexicon_findings(small) for _ in range(100)])
    large_cost = cost(lambda: lexicon_findings(large))
    assert large_cost < 10 * small_cost + 0.05


def test_the_pattern_is_built_once_and_not_at_import():
    check = (
        "import domain.lexicon as lexicon\n"
        "assert lexicon._scanner.cache_info().currsize == 0\n"
        "lexicon.lexicon_findings('free'); lexicon.lexicon_findings('free')\n"
        "assert lexicon._scanner.cache_info().misses == 1\n"
    )
    subprocess.run([sys.executable, "-c", check], check=True, cwd=ROOT)


def test_empty_text_has_no_findings():
    assert lexicon_findings("") == []
    assert re.compile(_scanner()[0].pattern)  # compiles as written
