"""iCalendar text (RFC 5545) of all-day events: a person's deadlines, for their calendar feed.

Pure module: standard library only. Written by hand rather than with a library: the feed needs
one kind of component, and the rules it must follow are few:
- lines end with CRLF (3.1);
- a content line longer than 75 octets is folded: CRLF and one space, never inside a UTF-8
  character (3.1);
- in TEXT values, backslash, semicolon and comma are escaped with a backslash and a line
  break is written `\\n` (3.3.11);
- every VEVENT has a UID and a DTSTAMP (3.6.1); an all-day event is a DTSTART of VALUE=DATE and
  a DTEND the day after (3.6.1, 3.8.2.2).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

LIMIT = 75  # octets per line, CRLF excluded


@dataclass(frozen=True)
class Event:
    """One all-day event: `uid` stable for what it is about (the same deadline keeps it when
    its date moves, so a calendar updates the event rather than adding one)."""

    uid: str
    day: dt.date
    summary: str
    description: str = ""
    url: str = ""


def escape(text: str) -> str:
    """A TEXT value: backslash, semicolon, comma escaped; line breaks as \\n."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """`line` folded into lines of at most 75 octets (CRLF excluded), each continuation
    starting with one space; a UTF-8 character is never split."""
    parts: list[str] = []
    current, size = "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > LIMIT:
            parts.append(current)
            current, size = " ", 1  # the continuation's leading space counts
        current += char
        size += octets
    parts.append(current)
    return "\r\n".join(parts)


def _utc(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(events: Iterable[Event], *, name: str, stamp: dt.datetime, domain: str) -> str:
    """A VCALENDAR of `events`, named `name`, generated at `stamp` (an aware datetime, the
    DTSTAMP of every event); UIDs are `<uid>@<domain>`."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//revmod//deadlines//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape(event.uid)}@{domain}",
            f"DTSTAMP:{_utc(stamp)}",
            f"DTSTART;VALUE=DATE:{event.day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{escape(event.summary)}",
            "TRANSP:TRANSPARENT",
        ]
        if event.description:
            lines.append(f"DESCRIPTION:{escape(event.description)}")
        if event.url:
            lines.append(f"URL:{event.url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
