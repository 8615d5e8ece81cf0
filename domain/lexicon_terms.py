"""The words of the wording lexicon (domain.lexicon), by rule class and language.

Literal phrases, matched on `fold_for_matching` text (so lower case, look-alikes folded).
In a phrase, a space matches one to three spaces or dashes, a `-` matches a dash, a space
or nothing, and `'` is optional (straight or curly). A trailing `*` takes the rest of the
word ("discount*" also matches "discounted"). Latin-script phrases match whole words; a
Devanagari phrase must not start inside a word; Japanese phrases match anywhere.

HONEST phrases win where they start at or before a claim: "feel free to ask" is no free
offer, "I can't guarantee" no guarantee. Keep each list in step with the tests
(tests/unit/test_lexicon.py), which check every honest phrase passes.

PATTERNS are the few claims that need a number ("50% off", "only 3 seats left",
"500+ students"): bounded quantifiers only, so a scan stays linear.
"""

from __future__ import annotations

from domain.findings import GUARANTEE, OFF_PLATFORM, OFFER, SOCIAL_PROOF, URGENCY

HONEST: dict[str, tuple[str, ...]] = {
    "en": (
        # "free" meaning available or allowed, and compounds meaning "without".
        "feel free", "free to ask", "free to reply", "free to reach out", "free to message",
        "free to write", "free to get in touch", "free to contact", "free to share",
        "free to ignore", "free to skip", "free to say", "you're free to", "you are free to",
        "are you free", "if you're free", "if you are free", "when you're free",
        "when you are free", "whenever you're free", "you're free", "free time", "free up",
        "frees up", "set you free", "break free", "free yourself", "stress-free",
        "hassle-free", "jargon-free", "fluff-free", "judgment-free", "judgement-free",
        "pressure-free", "hands-free", "gluten-free", "sugar-free", "distraction-free",
        # No pressure.
        "take your time", "no rush", "there is no rush", "there's no rush", "no hurry",
        "no pressure", "no need to hurry", "no need to rush", "whenever you're ready",
        "at your own pace", "in your own time", "if it's urgent", "if anything is urgent",
        "if urgent", "not urgent",
        # Saying there is no offer or guarantee.
        "no discounts", "no discount", "not discounted", "can't guarantee",
        "cannot guarantee", "can not guarantee", "don't guarantee", "do not guarantee",
        "won't guarantee", "no guarantee", "no guarantees", "not guaranteed",
        "isn't guaranteed", "aren't guaranteed", "can't promise", "cannot promise",
        "no refunds", "refund policy", "rest assured", "nothing is guaranteed",
        # Idioms with "deal" and "bonus".
        "learn a great deal", "learned a great deal", "a great deal from", "deal with",
        "deals with", "dealing with", "dealt with", "a great deal of",
        "a good deal of", "no big deal", "big deal", "close the deal", "closing deals",
        "close deals", "deal-breaker", "dealbreaker", "signing bonus", "joining bonus",
        "performance bonus", "annual bonus", "bonus structure", "salary and bonus",
    ),
    "hi": (
        "गारंटी नहीं", "कोई गारंटी नहीं", "मुफ्त नहीं", "मुफ़्त नहीं", "छूट नहीं",
        "कोई छूट नहीं", "कोई जल्दी नहीं", "जल्दी नहीं", "आराम से", "अपने समय पर",
        "अपना समय लें", "कोई दबाव नहीं",
    ),
    "hi-latn": (
        "guarantee nahi", "guarantee nahin", "koi guarantee nahi", "free nahi", "muft nahi",
        "koi discount nahi", "discount nahi", "koi jaldi nahi", "jaldi nahi", "aaram se",
        "apna time lo", "apna time lijiye", "free ho", "free hon", "aap free ho",
        "jab free", "agar free", "koi pressure nahi",
    ),
    "es": (
        "no hay prisa", "sin prisa", "sin prisas", "con calma", "tómate tu tiempo",
        "tomate tu tiempo", "cuando quieras", "a tu ritmo", "sin presión", "sin presion",
        "sin compromiso", "no es urgente", "no hay descuentos", "sin descuentos",
        "no puedo garantizar", "no garantizo", "no se garantiza", "sin garantía",
        "sin garantia", "no es gratis", "libre de estrés",
    ),
    "de": (
        "keine eile", "ohne eile", "lass dir zeit", "lassen sie sich zeit", "in ruhe",
        "kein druck", "ohne druck", "kein rabatt", "keine rabatte", "keine garantie",
        "nicht garantiert", "nicht kostenlos", "ohne garantie", "kann nichts garantieren",
        "kann keine ergebnisse garantieren",
    ),
    "ja": (
        "無料ではありません", "無料ではない", "割引はありません", "割引はございません",
        "割引はできません", "割引なし", "保証はできません", "保証できません",
        "保証はいたしかねます", "保証するものではありません", "お急ぎでなければ",
        "急ぐ必要はありません", "ご自分のペースで",
    ),
}  # fmt: skip

TERMS: dict[tuple[str, ...], dict[str, tuple[str, ...]]] = {
    # Money back is both an offer and a guarantee.
    (OFFER, GUARANTEE): {
        "en": ("money back", "money-back", "your money back", "full refund", "refund*",
               "refundable"),
        "hi": ("पैसे वापस", "पैसा वापस", "रिफंड"),
        "hi-latn": ("paise wapas", "paisa wapas", "paise vapas", "paisa vapas"),
        "es": ("te devolvemos", "devolución del dinero", "devolucion del dinero",
               "devolvemos tu dinero", "reembolso*"),
        "de": ("geld zurück", "geld-zurück-garantie", "rückerstattung"),
        "ja": ("返金", "全額返金"),
    },
    (OFFER,): {
        "en": (
            "free", "for free", "freebie*", "free of charge", "complimentary",
            "on the house", "it's on us", "is on us", "are on us", "no charge", "no cost",
            "at no cost", "at no extra cost", "no extra cost", "no extra charge",
            "at no charge", "without charge", "costs nothing", "cost nothing",
            "won't cost", "zero cost", "half price", "half-price", "half off",
            "half the price", "discount*", "coupon*", "promo", "promo code*", "promotional",
            "voucher*", "deal", "deals", "special offer", "special price", "special rate",
            "special pricing", "exclusive offer", "exclusive deal", "introductory offer",
            "introductory price", "intro offer", "launch offer", "launch price",
            "early bird", "earlybird", "sale", "on sale", "clearance", "cashback",
            "cash back", "bonus", "as a gift", "a gift for you", "my gift to you",
            "extra session", "extra call", "throw in", "thrown in", "waive*",
            "price cut", "price drop", "reduced price", "lower price", "save up to",
            "savings", "buy one get one", "bogo", "two for one", "2 for 1", "2-for-1",
            "bundle deal", "bundle price", "percent off", "per cent off",
        ),
        "hi": (
            "मुफ्त", "मुफ़्त", "फ्री", "फ़्री", "निःशुल्क", "नि:शुल्क", "निशुल्क", "छूट",
            "डिस्काउंट", "ऑफर", "ऑफ़र", "कूपन", "आधी कीमत", "आधे दाम", "आधे दामों",
            "कैशबैक", "बोनस",
        ),
        "hi-latn": (
            "muft", "muft mein", "muft me", "free mein", "free me", "chhoot", "chhut",
            "chut milegi", "discount milega", "aadhi keemat", "aadhi kimat", "aadhe daam",
            "aadhe dam", "offer hai", "offer chal raha", "coupon code", "cashback milega",
        ),
        "es": (
            "gratis", "gratuit*", "sin costo", "sin coste", "sin cargo", "de regalo",
            "te regalo", "regalamos", "de cortesía", "de cortesia", "descuento*", "rebaja*",
            "oferta especial", "en oferta", "ofertas", "oferta exclusiva",
            "oferta de lanzamiento", "precio especial", "precio de lanzamiento",
            "promoción", "promocion", "cupón", "cupon", "código promocional",
            "codigo promocional", "2x1", "dos por uno", "mitad de precio", "medio precio",
            "la mitad del precio", "bonificación", "bonificacion",
        ),
        "de": (
            "kostenlos*", "gratis", "umsonst", "gebührenfrei", "rabatt*", "gutschein*",
            "sonderangebot*", "sonderpreis", "aktionspreis", "sonderaktion", "rabattaktion",
            "halber preis", "halben preis", "preisnachlass", "ermäßigt*", "ermäßigung",
            "reduzierter preis", "geschenkt", "gratis dazu", "einführungspreis",
            "frühbucher*",
        ),
        "ja": (
            "無料", "タダ", "割引", "半額", "値引き", "クーポン", "特典", "お得", "セール",
            "キャンペーン", "プレゼント", "キャッシュバック", "%オフ", "% off",
        ),
    },
    (GUARANTEE,): {
        "en": (
            "guarantee*", "guaranty", "risk-free", "zero risk", "no risk", "without risk",
            "assured", "sure-shot", "surefire", "sure-fire", "foolproof", "fool-proof",
            "100% success", "proven results", "proven to work", "promise results",
            "promise you results", "i promise you will", "i promise you'll", "we promise",
            "will definitely get", "you will definitely", "you'll definitely",
            "definitely land", "certain to get", "you will get hired", "you'll get hired",
            "land your dream job", "double your", "triple your",
        ),
        "hi": (
            "गारंटी", "गारंटीड", "पक्का परिणाम", "पक्के नतीजे", "पक्का रिजल्ट", "पक्का रिज़ल्ट",
            "निश्चित सफलता", "सफलता की गारंटी", "प्रमोशन पक्का", "नौकरी पक्की", "पक्की नौकरी",
        ),
        "hi-latn": (
            "guarantee ke saath", "guarantee ke sath", "pakka result*", "pakka naukri",
            "pakki naukri", "100% pakka", "sure shot", "guaranteed",
        ),
        "es": (
            "garantiz*", "garantía", "garantia", "resultados asegurados", "éxito asegurado",
            "exito asegurado", "asegurado", "sin riesgo", "cero riesgo", "100% seguro",
        ),
        "de": (
            "garantie*", "garantier*", "erfolgsgarantie", "risikofrei", "ohne risiko",
            "sicherer erfolg", "erfolg sicher",
        ),
        "ja": (
            "保証", "必ず結果", "必ず成果", "必ず合格", "確実に", "絶対に成功", "成功確実",
            "必ず内定", "内定確実", "必ず採用",
        ),
    },
    (URGENCY,): {
        "en": (
            "today only", "only today", "tonight only", "this week only",
            "this weekend only", "only this week", "ends tonight", "ends today",
            "ends tomorrow", "ends this week", "ends soon", "ending soon", "closing soon",
            "closes soon", "registration closes", "doors close", "last day", "final day",
            "last call", "final call", "last few", "final few", "last chance",
            "final chance", "selling fast", "going fast", "filling fast", "filling up fast",
            "filling up quickly", "almost full", "nearly full", "almost gone",
            "almost sold out", "nearly sold out", "selling out", "before it's gone",
            "before they're gone", "before it is gone", "won't last", "while supplies last",
            "while stocks last", "while it lasts", "now or never", "act now", "act fast",
            "act quickly", "hurry", "hurry up", "don't miss",
            "do not miss", "don't wait", "don't delay",
            "once-in-a-lifetime", "once in a lifetime", "fomo", "urgent", "urgently",
            "price goes up", "price will go up", "prices go up", "price increase*",
            "before the price", "countdown", "clock is ticking", "time is running out",
            "running out", "time-sensitive", "expires", "expiring", "expire soon",
            "limited time", "limited-time", "limited offer", "limited seats",
            "limited spots", "limited places", "limited availability", "limited period",
            "seats are limited", "spots are limited", "few spots left", "few seats left",
        ),
        "hi": (
            "आज ही", "सिर्फ आज", "सिर्फ़ आज", "केवल आज", "जल्दी करें", "जल्दी कीजिए",
            "जल्दी करो", "आखिरी मौका", "आख़िरी मौका", "अंतिम मौका", "सीमित सीटें",
            "सीमित सीट", "सीमित समय", "कुछ ही सीटें", "सीटें बची", "खत्म होने वाला",
            "ख़त्म होने वाला", "देर न करें", "मौका न चूकें", "मौका ना चूकें",
        ),
        "hi-latn": (
            "aaj hi", "aj hi", "sirf aaj", "sirf aj", "keval aaj", "jaldi karo",
            "jaldi karein", "jaldi karen", "jaldi kijiye", "jaldi kijie", "aakhri mauka",
            "akhri mauka", "aakhri moka", "last mauka", "kuch hi seats", "seats khatam",
            "khatam hone wala", "khatam hone wali", "der mat karo", "der na karein",
            "mauka mat chhodo", "limited seats hai",
        ),
        "es": (
            "solo hoy", "sólo hoy", "solo por hoy", "sólo por hoy", "hoy solamente",
            "únicamente hoy", "unicamente hoy",
            "última oportunidad", "ultima oportunidad", "últimas plazas", "ultimas plazas",
            "últimos lugares", "ultimos lugares", "últimos cupos", "ultimos cupos",
            "quedan pocas", "quedan pocos", "pocas plazas", "plazas limitadas",
            "cupos limitados", "cupo limitado", "lugares limitados", "tiempo limitado",
            "date prisa", "daos prisa", "apúrate", "apurate", "apresúrate", "apresurate",
            "termina pronto", "acaba pronto", "termina hoy", "termina esta noche",
            "no te lo pierdas", "no lo dejes pasar", "se agota*", "casi agotado",
            "ahora o nunca", "urgente",
        ),
        "de": (
            "nur heute", "heute nur", "nur noch heute", "letzte chance", "beeil dich",
            "beeilen sie sich", "beeilt euch", "schnell sein", "schnell zugreifen",
            "nicht verpassen", "verpasse nicht", "verpassen sie nicht", "endet bald",
            "endet heute", "läuft bald ab", "nur noch wenige", "wenige plätze",
            "letzte plätze", "restplätze", "begrenzte plätze", "begrenzte anzahl",
            "zeitlich begrenzt", "limitiert*", "solange der vorrat reicht", "jetzt oder nie",
            "dringend",
        ),
        "ja": (
            "今だけ", "今なら", "今日だけ", "本日限り", "本日のみ", "今日まで", "本日まで",
            "期間限定", "数量限定", "人数限定", "残りわずか", "残り僅か", "締切間近",
            "締め切り間近", "まもなく終了", "もうすぐ終了", "お急ぎ", "急いで",
            "最後のチャンス", "ラストチャンス", "見逃さないで", "お見逃しなく", "先着順",
            "早い者勝ち", "売り切れ間近", "満席間近", "残席わずか",
        ),
    },
    (SOCIAL_PROOF,): {
        "en": (
            "thousands of", "hundreds of", "tens of thousands", "millions of",
            "happy clients", "happy customers", "happy students", "satisfied clients",
            "satisfied customers", "satisfied students", "helped thousands",
            "helped hundreds", "famous", "world-famous", "renowned", "celebrity",
            "bestselling", "best-selling", "best seller", "bestseller", "as seen on",
            "as seen in", "as featured in", "featured in", "featured on", "trusted by",
            "top-rated", "highest-rated", "ranked #1", "the #1", "#1 rated",
            "ranked number one", "number one coach", "award-winning", "most popular",
            "everyone loves", "rave reviews", "5-star", "five-star", "everyone is booking",
        ),
        "hi": (
            "हज़ारों", "हजारों", "लाखों", "सैकड़ों", "प्रसिद्ध", "मशहूर", "बेस्टसेलर",
            "सबसे लोकप्रिय", "सबसे ज्यादा बिकने", "सबसे ज़्यादा बिकने",
        ),
        "hi-latn": (
            "hazaron", "hazaaron", "hajaron", "lakhon", "sainkdon", "sainkadon", "saikdon",
            "mashhoor", "mashoor",
            "sabse popular", "sabse zyada bikne", "sabse jyada bikne",
        ),
        "es": (
            "miles de", "cientos de", "millones de", "famoso", "famosa", "el más vendido",
            "la más vendida", "el mas vendido", "más vendido", "mas vendido", "superventas",
            "best seller", "bestseller", "como se vio en", "como se vio en", "visto en",
            "clientes satisfechos", "clientes felices", "alumnos satisfechos",
            "el número uno", "número uno", "el más popular", "la más popular",
            "cinco estrellas",
        ),
        "de": (
            "tausende", "hunderte", "zufriedene kunden", "zufriedene teilnehmer",
            "berühmt*", "bestseller*", "bekannt aus", "bekannt durch", "meistverkauft*",
            "meistgebucht*", "beliebteste*", "preisgekrönt*", "fünf sterne",
            "arbeiten jetzt bei", "arbeiten heute bei",
        ),
        "ja": (
            "大人気", "人気no.1", "人気ナンバーワン", "有名", "ベストセラー", "メディア掲載",
            "テレビで紹介", "満足度", "受講生多数", "実績多数",
        ),
    },
    (OFF_PLATFORM,): {
        "en": (
            "bank transfer", "wire transfer", "wire me", "upi", "upi id", "gpay",
            "google pay", "phonepe", "paytm", "paypal", "venmo", "zelle", "cash app",
            "cashapp", "crypto", "bitcoin", "btc", "usdt", "ethereum", "western union",
            "pay me directly", "pay directly to me", "pay directly to my", "pay in cash",
            "pay cash", "cash payment", "send payment to", "send the money", "send money",
            "transfer the amount", "transfer the money", "account number", "ifsc", "iban",
            "outside the link", "outside the booking", "outside the platform",
            "outside the marketplace", "off the platform", "off-platform", "bypass the",
            "skip the booking", "skip the platform", "avoid the fee", "avoid the platform",
            "platform fee", "without the platform", "whatsapp me",
            "message me on whatsapp", "text me on", "text me at", "dm me", "direct message me",
            "telegram", "signal me", "on signal", "my personal number", "my other number",
            "another number", "my number", "my private number", "call me on", "call me at",
            "reach me at", "reach me on", "contact me directly", "email me directly",
            "email me at", "my instagram", "insta dm", "on instagram", "via instagram",
            "on linkedin", "on facebook", "on twitter",
        ),
        "hi": (
            "यूपीआई", "बैंक ट्रांसफर", "पेटीएम", "फोनपे", "फ़ोनपे", "गूगल पे", "सीधे भुगतान",
            "सीधे पेमेंट", "व्हाट्सएप करें", "व्हाट्सऐप करें", "व्हाट्सएप पर", "व्हाट्सऐप पर",
            "मेरे नंबर पर", "डीएम करें",
        ),
        "hi-latn": (
            "upi se", "whatsapp karo", "whatsapp kijiye", "whatsapp karein", "whatsapp pe",
            "whatsapp par", "mere number pe", "mere number par", "seedha payment",
            "sidha payment", "direct payment", "account mein", "account me daal",
            "dm karo", "dm kijiye", "insta pe", "paise bhejo", "paise bhej",
        ),
        "es": (
            "transferencia*", "bizum", "pago directo", "págame directamente",
            "pagame directamente", "pago por fuera", "fuera de la plataforma",
            "escríbeme por whatsapp", "escribeme por whatsapp", "escríbeme al",
            "escribeme al", "mi número personal", "mi numero personal", "otro número",
            "otro numero", "llámame al", "llamame al", "en efectivo", "mándame un dm",
            "mandame un dm", "por dm", "mercado pago", "mercadopago", "cripto*", "nequi",
            "yape",
        ),
        "de": (
            "überweisung", "per überweisung", "bar bezahlen", "barzahlung", "in bar",
            "direkt an mich", "außerhalb der plattform", "ohne die plattform",
            "schreib mir auf whatsapp", "schreiben sie mir auf whatsapp", "per whatsapp",
            "auf whatsapp", "meine handynummer", "meine nummer", "ruf mich an",
            "rufen sie mich an", "kryptowährung",
        ),
        "ja": (
            "銀行振込", "振込", "振り込み", "paypay", "lineで", "line id", "lineid", "ラインで",
            "直接支払", "直接お支払い", "直接連絡", "直接ご連絡", "dmで", "dmください",
            "個人の番号", "別の番号", "現金で",
        ),
    },
}  # fmt: skip

# Claims that need a number. Bounded quantifiers only (tests/unit/test_lexicon.py checks).
_N = r"\d{1,6}"
PATTERNS: dict[tuple[str, ...], tuple[str, ...]] = {
    (OFFER,): (
        # 50% off, 50 % Rabatt, 50% de descuento, 50% छूट, 50% ki chhoot, 50%オフ
        r"\d{1,3}(?:[.,]\d{1,2})?\s{0,2}(?:%|percent|per cent|prozent|por ciento|pratishat"
        r"|प्रतिशत)\s{0,2}(?:off|discount|de descuento|descuento|rabatt|nachlass|ermäßigung"
        r"|オフ|引き|割引|छूट|की छूट|ki chhoot|ki chhut|chhoot|chhut)",
        r"\d{1,2}\s{0,1}割(?:引|オフ|off)",
        r"save\s{1,3}(?:[$€£₹¥]|\d)",
        r"buy\s{1,3}(?:one|1)\s{1,3}get\s{1,3}(?:one|1)",
    ),
    (URGENCY,): (
        # only 3 seats left, just a few spots, last 2 places, sirf 3 seats, nur noch 3 Plätze
        r"(?<![a-z])(?:only|just|last|sirf|bas|nur noch|quedan|solo quedan|sólo quedan"
        r"|केवल|सिर्फ|सिर्फ़)\s{1,3}(?:" + _N + r"|a few|few|a handful of|one|two|three|four"
        r"|five|\{\{seats_left:[^}]{0,20}\}\})\s{1,3}(?:seats?|spots?|places?|slots?|left"
        r"|remaining|plätze|plazas|cupos|lugares|सीटें|सीट)",
        r"\d{1,3}\s{0,2}(?:hours?|hrs?|days?|minutes?|stunden|tage|horas|días|dias|घंटे"
        r"|ghante|din)\s{1,3}(?:left|only|remaining|to go|übrig|restantes|bache|बचे)",
        r"(?<![a-z])ends?\s{1,3}in\s{1,3}\d",
        r"残り\s{0,2}\d{1,4}",
        r"あと\s{0,2}\d{1,4}\s{0,2}(?:席|名|日|時間)",
        r"先着\s{0,2}\d{1,4}",
        r"\d{1,4}\s{0,2}名様?限定",
    ),
    (SOCIAL_PROOF,): (
        # 500 students, 50+ clients, 10k learners, 1,000 happy customers, 2 lakh+ log
        r"(?<![\w.,])\d(?:[\d,.]{2,15}\s{0,2}(?:\+|k\+?|plus|lakh\+?|mil|tausend)?"
        r"|[\d,.]{0,15}\s{0,2}(?:\+|k\+?|plus|lakh\+?|hazaar\+?|हज़ार|हजार|mil|tausend))"
        r"\s{0,2}(?:happy |satisfied |successful |zufriedene |felices |satisfechos )?"
        r"(?:students|clients|customers|learners|members|people|engineers|professionals"
        r"|followers|subscribers|mentees|alumni|bookings|graduates|alumnos|estudiantes"
        r"|clientes|personas|seguidores|kunden|schüler|studenten|teilnehmer|menschen"
        r"|छात्र|स्टूडेंट्स|लोग|ग्राहक|log|chhatra)",
        r"\d[\d,.]{0,15}\s{0,2}万?\s{0,2}(?:人|名)(?:以上|超|突破|の受講生|の生徒|が受講|が参加)",
        r"(?<![a-z])over\s{1,3}\d[\d,.]{0,15}\s{0,2}(?:\+\s{0,2})?(?:students|clients"
        r"|customers|learners|people)",
    ),
}

# Negation: a claim is withdrawn when a negator comes just before it ("no discounts",
# "I can't honestly guarantee") or, in Hindi and German, just after it ("गारंटी नहीं",
# "garantiere nicht"), with only filler words between.
NEGATORS_BEFORE = frozenset(
    "no not never without cannot can't cant don't dont doesn't doesnt won't wont isn't isnt "
    "aren't arent wasn't nor neither none nothing "
    "sin nunca ni ningún ningun ninguna ninguno tampoco "
    "kein keine keinen keiner keinem nicht nie niemals ohne bina बिना".split()
)
NEGATORS_AFTER = frozenset("nahi nahin nai नहीं नही न nicht kein keine keinen".split())
FILLERS = frozenset(
    # English
    "a an any the such real really honestly personally truly actually currently usually "
    "ever i we it is are be there that this offer offering give giving provide do run make "
    "anything something "
    "have has sell promise guarantee results result outcome outcomes need to pay by via "
    "through use accept take specific special extra hidden "
    # Spanish
    "hay es son puedo podemos garantizar prometer ofrezco ofrecemos tengo tenemos doy damos "
    "un una el la los las se te le les pagar por con acepto aceptamos resultados "
    # German
    "ist sind gibt es ich wir kann können biete bieten gebe geben ein eine einen den die "
    "das der ergebnisse erfolg zahlen per über mit akzeptiere akzeptieren versprechen "
    "garantieren "
    # Hindi
    "koi कोई hai है de दे to तो bhi भी milega मिलेगा milegi मिलेगी sakta सकता sakte सकते".split()
)
