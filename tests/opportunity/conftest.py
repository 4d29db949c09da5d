import gc

import pyarrow as pa
import pytest

# 2023 and 2022 flows, worked by hand in test_indicators.py
FLOWS = pa.table(
    {
        "source": ["t"] * 8,
        "year": pa.array([2023, 2023, 2023, 2023, 2023, 2023, 2022, 2022], pa.int32()),
        "exporter": ["CHN", "CHN", "CHN", "DEU", "DEU", "DEU", "CHN", "DEU"],
        "importer": ["USA", "GBR", "USA", "USA", "GBR", "CHN", "USA", "USA"],
        "hs6": ["090210", "090210", "220890", "090210", "220890", "090210", "090210", "090210"],
        "value_usd": [30.0, 10.0, 10.0, 20.0, 30.0, 5.0, 20.0, 20.0],
        "quantity_t": pa.array([None] * 8, pa.float64()),
    }
)


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    # PySpark is the optional extra `spark`; `make test` installs it. Not skipped: a missing
    # pyspark must fail loudly so the Spark path is never silently untested.
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[1]")
        .appName("qiankua-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    gc.collect()  # py4j sockets are closed here, inside the module that ignores their ResourceWarning
