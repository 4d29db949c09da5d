"""Trade data downloads: written whole or not at all, and not fetched again when already there."""

import pytest

from qiankua.settings import from_environ
from qiankua.store import downloads


def test_download_writes_through_a_part_file(tmp_path):
    src = tmp_path / "src.zip"
    src.write_bytes(b"PK" + bytes(range(256)) * 10)
    target = downloads.download(src.as_uri(), tmp_path / "out" / "BACI.zip")
    assert target.read_bytes() == src.read_bytes()
    assert not (tmp_path / "out" / "BACI.zip.part").exists()


def test_a_failed_download_leaves_no_target(tmp_path):
    with pytest.raises(OSError):
        downloads.download((tmp_path / "missing.zip").as_uri(), tmp_path / "out" / "BACI.zip")
    assert not (tmp_path / "out" / "BACI.zip").exists()


def test_baci_release_already_on_disk_is_not_downloaded(tmp_path, monkeypatch):
    conf = from_environ({"QIANKUA_HOME": str(tmp_path)})
    there = conf.trade_data_dir / "BACI_HS22_V202501.zip"
    there.parent.mkdir()
    there.write_bytes(b"PK")
    monkeypatch.setattr(downloads, "download", lambda *_: pytest.fail("downloaded again"))
    assert downloads.baci_release(revision="HS22", release="V202501", settings=conf) == there
