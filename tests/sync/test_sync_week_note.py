"""The retro's week note travels as any field of a day's document: no code of its own."""

from __future__ import annotations

from pathlib import Path

from synchelp import START, Device, assert_converged, sync_until_quiet


def test_a_week_note_and_a_day_note_on_two_devices_are_both_kept(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    a = Device.make("a", tmp_path, 0)
    b = Device.make("b", tmp_path, -40)
    a.init(shared)
    b.init(shared)
    day = START.date()
    a.store.set_day_note("Monday", day)  # the day's document, on both devices
    sync_until_quiet([a, b])
    a.store.set_week_note("Less [b]Slack[/b], more outlines", day)
    b.store.set_day_note("Good Monday", day)
    sync_until_quiet([a, b])
    for device in (a, b):
        assert device.store.retro(day).note == "Less [b]Slack[/b], more outlines"
        assert device.store.day(day).note == "Good Monday"
    assert_converged([a, b])
    b.store.set_week_note("", day)  # cleared on one device: cleared on both
    sync_until_quiet([a, b])
    assert a.reopen().retro(day).note == ""
