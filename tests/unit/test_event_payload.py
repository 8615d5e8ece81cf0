"""Only what the sales graph reads of a payload goes into its checkpoint."""

from __future__ import annotations

from domain.event_payload import payload_for_graph
from nodes.should_act import is_triggered


def test_nested_values_are_left_out_and_what_the_graph_reads_is_kept():
    payload = {
        "service_id": 103,
        "text": "Is there a seat left?",
        "channel": "whatsapp",
        "page": "creator_profile",
        "utm": {"source": "newsletter", "campaign": {"id": 7}},
        "items": [1, 2, 3],
        "returning": True,
        "score": 0.5,
        "note": None,
    }
    assert payload_for_graph(payload) == {
        "service_id": 103,
        "text": "Is there a seat left?",
        "channel": "whatsapp",
        "page": "creator_profile",
        "returning": True,
        "score": 0.5,
        "note": None,
    }


def test_a_trigger_filter_matches_the_trimmed_payload_as_it_matched_the_whole_one():
    payload = {"service_id": 103, "page": "checkout", "utm": {"source": "ad"}}
    event = {"type": "service_click", "payload": payload}
    trimmed = {**event, "payload": payload_for_graph(payload)}
    for filter_ in ({"service_id": 103}, {"page": "checkout"}, {"service_id": 104}):
        triggers = [{"event_type": "service_click", "filter": filter_}]
        assert is_triggered(trimmed, triggers) == is_triggered(event, triggers)
