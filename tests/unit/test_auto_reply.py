"""Autoresponders are recognised; a person's own words that look like one are not."""

from __future__ import annotations

import pytest

from domain.auto_reply import is_auto_reply

AUTO_REPLIES = [
    "Automatic reply: Re: your strategy call",
    "Out of Office: I am away until 3 January.",
    "Auto-Reply: Thanks for your message",
    "OOO: back next week",
    "Abwesenheitsnotiz: Ich bin bis Montag nicht im Büro.",
    "This is an automated message. Please do not reply.",
    "Hello, this is an automatic reply. I will read your message soon.",
    "Thank you for your email. This is an auto-reply: I read messages once a day.",
    "Thank you for contacting us.\nThis message was sent automatically.",
    "Please do not reply to this automated email.",
    "This mailbox is not monitored.",
    "Thank you for your email. I am currently out of the office until 3 January with limited "
    "access to email. I will respond to your message when I return.",
    "I am currently away and will get back to you as soon as possible.",
    "Hi, thanks for reaching out! I’m on annual leave. For urgent matters please contact "
    "my colleague.",
    "We're currently unavailable. We'll reply as soon as we can.",
    "I'm out of the office. In my absence, please write to the team.",
    # Invisible characters do not hide it.
    "I am currently o\u200but of the office and will respond on my return.",
    "THIS IS AN AUTOMATED RESPONSE",
]

PEOPLE = [
    "I'll be out of office next week, can we talk after?",
    "Is this an automated message?",
    "This is an automated message? Really?",
    "I know this is an automated message, but I am interested in the call.",
    "I'm away until Monday but I'd like to book the strategy call.",
    "I am currently away, can you send me the link?",
    "I'm on vacation, will you have seats in the next cohort?",
    "Thanks, I will get back to you after I talk to my manager.",
    "Out of office hours, do you also take calls?",
    "What does the automatic reply setting do in your course?",
    "Is the office hours call automated or live",
    "Yes please, how much is it?",
    "",
    None,
]


@pytest.mark.parametrize("text", AUTO_REPLIES)
def test_an_autoresponder_is_recognised(text):
    assert is_auto_reply(text)


@pytest.mark.parametrize("text", PEOPLE)
def test_a_person_who_sounds_like_one_is_not(text):
    assert not is_auto_reply(text)


def test_only_the_start_of_a_very_long_message_is_read():
    assert not is_auto_reply("Hi. " * 600 + "This is an automated message.")
    assert is_auto_reply("This is an automated message. " + "x" * 10_000)
