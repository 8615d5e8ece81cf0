from datetime import UTC, datetime

from domain.digest_text import LINK_PLACEHOLDER, Waiting, digest_body, digest_subject

AT = datetime(2026, 11, 8, 6, 0, tzinfo=UTC)


def test_the_subject_counts_what_waits_in_words():
    assert digest_subject(Waiting("Ajay", 1, 0, AT)) == "1 draft waits for your approval"
    assert (
        digest_subject(Waiting("Ajay", 3, 1, AT))
        == "3 drafts wait and 1 sales profile waits for your approval"
    )
    assert digest_subject(Waiting("Ajay", 0, 2, AT)) == "2 sales profiles wait for your approval"


def test_the_body_has_one_place_for_the_link_and_says_how_often():
    body = digest_body(Waiting("Ajay Shenoy", 2, 0, AT), every_min=60, link_hours=24)
    assert body.startswith("Hi Ajay Shenoy,")
    assert body.count(LINK_PLACEHOLDER) == 1
    assert "08 Nov 06:00 UTC" in body and "every 60 minutes" in body and "24 hours" in body
