"""Settings: read from the environment once, re-read on request, defaults when variables are unset."""

from pathlib import Path

import pytest

from qiankua.exceptions import InvalidInputError
from qiankua.settings import from_environ, get_settings, reload_settings
from qiankua.store import default_db_path


def test_defaults_resolve_against_the_working_directory(tmp_path, monkeypatch):
    """Without QIANKUA_HOME the home is the working directory at the time of use, not at start-up."""
    conf = from_environ({})
    monkeypatch.chdir(tmp_path)
    assert conf.default_db_path == tmp_path / "qiankua.duckdb"
    assert conf.trade_data_dir == tmp_path / "trade_data"
    assert conf.spark_warehouse_dir == tmp_path / "trade_data" / "spark-warehouse"
    assert conf.nicegui_storage_dir == tmp_path / ".nicegui"
    assert (conf.spark_master, conf.host, conf.port, conf.ecb_url) == ("local[1]", "127.0.0.1", 8080, None)


def test_variables_are_read():
    conf = from_environ(
        {
            "QIANKUA_HOME": "/srv/q",
            "QIANKUA_SPARK_MASTER": "spark://h:7077",
            "QIANKUA_PORT": "9000",
            "QIANKUA_ECB_URL": "http://127.0.0.1/ecb.zip",
            "COMTRADE_API_KEY": "",
            "QIANKUA_LANG": "en",
        }
    )
    assert conf.default_db_path == Path("/srv/q/qiankua.duckdb")
    assert conf.spark_master == "spark://h:7077" and conf.port == 9000 and conf.lang == "en"
    assert conf.ecb_url == "http://127.0.0.1/ecb.zip" and conf.comtrade_api_key is None  # empty = unset


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_a_bad_port_is_refused(port):
    with pytest.raises(InvalidInputError, match="QIANKUA_PORT"):
        from_environ({"QIANKUA_PORT": port})


def test_read_once_and_reloaded_on_request(tmp_path, monkeypatch):
    """A changed variable is seen only after reload_settings (and the store's default path follows it)."""
    before = get_settings()
    monkeypatch.setenv("QIANKUA_HOME", str(tmp_path))
    try:
        assert get_settings() is before
        assert reload_settings().home == tmp_path
        assert default_db_path() == tmp_path / "qiankua.duckdb"
    finally:
        monkeypatch.undo()
        reload_settings()
