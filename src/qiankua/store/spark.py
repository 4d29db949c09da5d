"""The Spark session the opportunity indicators run on with ``--engine spark`` (optional ``spark`` extra),
and a throw-away Spark standalone cluster on loopback (a master and N workers, each its own JVM) for the
benchmark and the test that check the same Ibis expressions give DuckDB's numbers on a real cluster."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
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


def java_available() -> bool:
    """Whether a Java runtime is on the PATH: Spark needs one."""
    return shutil.which("java") is not None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(kw_only=True)
class StandaloneCluster:
    """A running standalone cluster: ``url`` (``spark://127.0.0.1:port``), the master's web UI and the
    processes this module started (only those are ever stopped)."""

    url: str
    ui: str
    workers: int
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def alive_workers(self) -> int:
        with urllib.request.urlopen(f"{self.ui}/json/", timeout=5) as resp:
            state = json.load(resp)
        return int(state.get("aliveworkers", len([w for w in state.get("workers", []) if w.get("state") == "ALIVE"])))

    def session(self, *, app: str = "qiankua-cluster", executor_memory: str = "512m", partitions: int = 4) -> Any:
        """A SparkSession on this cluster (one executor per worker, one core each), driver on loopback."""
        from pyspark.sql import SparkSession

        return (
            SparkSession.builder.master(self.url)
            .appName(app)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.executor.memory", executor_memory)
            .config("spark.executor.cores", "1")
            .config("spark.cores.max", str(self.workers))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", str(partitions))
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            .config("spark.pyspark.python", sys.executable)
            .getOrCreate()
        )


@contextlib.contextmanager
def standalone_cluster(
    work_dir: Path, *, workers: int = 2, cores: int = 1, memory: str = "1g", timeout_s: float = 120.0
) -> Iterator[StandaloneCluster]:
    """Start a Spark standalone master and ``workers`` workers on 127.0.0.1 with the ``spark-class``
    script bundled in the pyspark wheel (not local mode: each is a separate JVM, executors are launched
    by the workers), wait until every worker has registered, yield the cluster, and stop exactly the
    processes started here (SIGTERM, then SIGKILL after 10 s). Logs go to ``work_dir``."""
    if not java_available():
        raise InvalidInputError("A Spark standalone cluster needs Java (java on the PATH or JAVA_HOME).")
    import pyspark

    home = Path(pyspark.__file__).parent
    spark_class = home / "bin" / "spark-class"
    work_dir.mkdir(parents=True, exist_ok=True)
    port, ui_port = _free_port(), _free_port()
    url, ui = f"spark://127.0.0.1:{port}", f"http://127.0.0.1:{ui_port}"
    cluster = StandaloneCluster(url=url, ui=ui, workers=workers)

    def start(name: str, args: list[str]) -> None:
        with (work_dir / f"{name}.log").open("wb") as log:  # the child keeps its own descriptor
            cluster.processes.append(
                subprocess.Popen(
                    ["bash", str(spark_class), *args],  # finds SPARK_HOME from its own place in the wheel
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )

    try:
        start(
            "master",
            [
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--webui-port",
                str(ui_port),
            ],
        )
        # the workers start at once and retry until the master listens: their JVM start-ups overlap
        for i in range(workers):
            wdir = work_dir / f"worker{i}"
            wdir.mkdir(exist_ok=True)
            start(
                f"worker{i}",
                [
                    "org.apache.spark.deploy.worker.Worker",
                    "--host",
                    "127.0.0.1",
                    "--cores",
                    str(cores),
                    "--memory",
                    memory,
                    "--webui-port",
                    str(_free_port()),
                    "--work-dir",
                    str(wdir),
                    url,
                ],
            )
        deadline = time.monotonic() + timeout_s
        while True:  # the master's UI answers once it is up
            try:
                cluster.alive_workers()
                break
            except OSError:
                if time.monotonic() > deadline or cluster.processes[0].poll() is not None:
                    raise InvalidInputError(f"Spark master did not start; see {work_dir / 'master.log'}.") from None
                time.sleep(0.5)
        while cluster.alive_workers() < workers:
            if time.monotonic() > deadline or any(p.poll() is not None for p in cluster.processes):
                raise InvalidInputError(f"Spark workers did not register; see the logs in {work_dir}.")
            time.sleep(0.5)
        yield cluster
    finally:
        for proc in reversed(cluster.processes):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)  # its own session: the JVM and its bash parent only
        for proc in cluster.processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


__all__ = ["StandaloneCluster", "java_available", "spark_session", "standalone_cluster"]
