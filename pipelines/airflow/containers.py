"""The parts of Airflow's stack that exist only under --runtime docker.

* **PostgreSQL** in its own container (`--variant airflow=postgres`, and always under Celery):
  a fresh cluster on a volume of the stack, so killing and restarting the database
  container (a fault of the recovery scenario) finds its data again.
* **CeleryExecutor** for scale-out: a Redis broker container and K worker containers, each
  running one task at a time (`worker_concurrency = 1`), the way a worker fleet on K
  machines would. The result backend is the metadata database, as Airflow's docs advise.

Both ask for a password, generated for the stack (`runtime.secret`) and never stored: the
stack's network is private, but nothing on it should be an open superuser or broker.
"""

from __future__ import annotations

from pathlib import Path

from bench.kit import Services

PG_PORT, REDIS_PORT = 5432, 6379
PG_START = (  # a fresh cluster on first start: a password over TCP, trust on its own socket
    'test -s "$PGDATA/PG_VERSION" || { printf %s "$BENCH_PG_PASSWORD" >/tmp/pw && '
    "initdb -U postgres --pwfile=/tmp/pw --auth-host=scram-sha-256 --auth-local=trust "
    "-E UTF8 --locale=C.UTF-8 >/dev/null && rm /tmp/pw && "
    'echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"; }; '
    "exec postgres -h '*' -k /tmp"
)


def postgres_url(runtime, driver: str = "postgresql+psycopg2") -> str:
    password = runtime.secret("postgres")
    return f"{driver}://postgres:{password}@{runtime.peer('postgres')}:{PG_PORT}/airflow"


def start_postgres(runtime, services: Services) -> None:
    services.start(
        "postgres",
        ["sh", "-c", PG_START],
        {"BENCH_PG_PASSWORD": runtime.secret("postgres")},
        service="postgres",
        volumes={"pgdata": "/var/lib/bench-pg"},
    )
    wait_for_postgres(runtime, services)


def wait_for_postgres(runtime, services: Services) -> None:
    """Until the server answers and the `airflow` database exists."""

    def ready() -> bool:
        if runtime.exec("postgres", ["pg_isready", "-q", "-h", "/tmp"])[0] != 0:
            return False
        code, output = runtime.exec("postgres", ["createdb", "-h", "/tmp", "airflow"])
        return code == 0 or "already exists" in output

    services.wait_until("PostgreSQL", ready, 60, 0.3)


def celery_settings(runtime) -> dict[str, str]:
    return {
        "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
        "AIRFLOW__CELERY__BROKER_URL": (
            f"redis://:{runtime.secret('redis')}@{runtime.peer('redis')}:{REDIS_PORT}/0"
        ),
        "AIRFLOW__CELERY__RESULT_BACKEND": postgres_url(runtime, "db+postgresql"),
        "AIRFLOW__CELERY__WORKER_CONCURRENCY": "1",
    }


def start_redis(runtime, services: Services) -> None:
    argv = [
        "sh",
        "-c",
        'exec redis-server --bind 0.0.0.0 --requirepass "$BENCH_REDIS_PASSWORD" --save ""',
    ]
    services.start(
        "redis", argv, {"BENCH_REDIS_PASSWORD": runtime.secret("redis")}, service="redis"
    )


def start_celery_workers(
    services: Services, airflow: str, env: dict[str, str], count: int, cwd: Path
) -> None:
    """K `airflow celery worker` containers; returns once each says it is ready.

    A worker parses the DAG file of each task it runs from its own DAG bundle: here the
    `dags/` folder its image holds (bench.kit.code_image), not the run folder the
    dag-processor reads, so a worker that lacked the code would fail its tasks."""
    own_dags = {"AIRFLOW__CORE__DAGS_FOLDER": str(Path(__file__).parent / "dags")}
    for i in range(count):
        services.start(f"worker-{i}", [airflow, "celery", "worker"], env | own_dags, cwd=cwd)
    workers = [services.get(f"worker-{i}") for i in range(count)]

    def all_ready() -> bool:
        return all(" ready." in w.log.read_text(errors="replace") for w in workers)

    services.wait_until(f"{count} Celery worker(s)", all_ready, 120, 0.5)
