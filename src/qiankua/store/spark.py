"""The Spark session the opportunity indicators run on with ``--engine spark`` (optional ``spark`` extra)."""

from __future__ import annotations

from typing import Any

from qiankua.exceptions import InvalidInputError
from qiankua.settings import Settings, get_settings


def spark_session(settings: Settings | None = None) -> Any:
    """A local (or ``QIANKUA_SPARK_MASTER``) Spark session without UI, warehouse under ``trade_data/``.

    Starting Spark takes about 17 s; ``getOrCreate`` reuses a running session.
    """
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise InvalidInputError(
            "--engine spark needs PySpark: install the optional extra (uv sync --extra spark, or "
            "pip install 'qiankua[spark]')."
        ) from None
    conf = settings or get_settings()
    return (
        SparkSession.builder.master(conf.spark_master)
        .appName("qiankua-opportunity")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", str(conf.spark_warehouse_dir))
        .getOrCreate()
    )


__all__ = ["spark_session"]
