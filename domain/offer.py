"""Lookups on a profile's services: what is open for booking, and which links are ours."""

from __future__ import annotations

from typing import Any


def active_services(profile: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in profile.get("services", []) if s.get("active")]


def offerable_to_lead(profile: dict[str, Any], bought: list[int]) -> dict[str, Any]:
    """The profile as drafting and checks see it for one lead: services they already booked
    are not open to them, so no draft offers them (and the check flags their price or link)."""
    if not bought:
        return profile
    bought_ids = {str(service_id) for service_id in bought}
    services = [
        {**s, "active": False, "status": "booked_by_lead"} if str(s["id"]) in bought_ids else s
        for s in profile.get("services", [])
    ]
    return {**profile, "services": services}


def find_service(profile: dict[str, Any], service_id: Any) -> dict[str, Any] | None:
    for service in profile.get("services", []):
        if str(service["id"]) == str(service_id):
            return service
    return None


def allowed_links(profile: dict[str, Any]) -> set[str]:
    """Links a draft may contain: the profile page and the booking pages of open services."""
    links = {s["booking_url"] for s in active_services(profile)}
    if profile.get("profile_url"):
        links.add(profile["profile_url"])
    return {link.rstrip("/") for link in links}


def enrolled_services(context: dict[str, Any], outreach: dict[str, Any]) -> list[int]:
    """What the lead has: the services their thread's events enrolled them in and those
    booked now (the bookings table, a cancelled booking left out), each once."""
    enrolled = list(context.get("enrolled_service_ids") or [])
    return enrolled + [s for s in outreach.get("booked_service_ids") or [] if s not in enrolled]
