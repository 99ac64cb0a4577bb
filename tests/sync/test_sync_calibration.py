"""Issue 17: the calibration setting travels like every setting (its own field of the
settings map), so turning it off on one device turns it off on the others."""

from __future__ import annotations

from pathlib import Path

from synchelp import Device, assert_converged, sync_until_quiet


def test_calibration_off_on_one_device_reaches_the_other(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    a, b = Device.make("a", tmp_path, 0), Device.make("b", tmp_path, 30)
    for device in (a, b):
        device.init(shared)
    a.store.set_setting("calibration", "off")
    b.store.set_setting("capacity", 95)  # another setting, written offline meanwhile
    sync_until_quiet([a, b])
    assert_converged([a, b])
    for device in (a, b):
        settings = device.reopen().settings()
        assert (settings["calibration"], settings["capacity"]) == ("off", 95)
        assert device.reopen().calibration() is None
