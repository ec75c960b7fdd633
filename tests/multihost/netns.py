"""A private network of "hosts" on this machine: one network namespace per host.

Each host namespace has a veth link to a switch namespace that holds a bridge; the test
process itself joins the network over one more veth from the root namespace.  The
addresses are in 10.231.N.0/24 with N chosen free for this run, and every name carries
a random run id, so parallel runs do not meet.  :meth:`PrivateNetwork.close` kills every
process left in the namespaces and removes the namespaces and the root-side link, also
after a failure.  Needs root (``ip netns``); CI runs as root.
"""

from __future__ import annotations

import contextlib
import os
import random
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass, field

SUBNET_PREFIX = "10.231"
TEST_HOST_NUMBER = 254
"""The test process's own address on the private network (in the root namespace)."""


class NetworkUnavailable(RuntimeError):
    """Namespaces cannot be created here (not root, no ``ip`` or no veth support)."""


def ip(*args: str) -> str:
    try:
        result = subprocess.run(
            ["ip", *args], capture_output=True, text=True, check=False, timeout=30
        )
    except OSError as exc:  # no iproute2
        raise NetworkUnavailable(f"cannot run ip: {exc}") from exc
    if result.returncode != 0:
        raise NetworkUnavailable(f"ip {' '.join(args)}: {result.stderr.strip()}")
    return result.stdout


@dataclass(frozen=True)
class Host:
    role: str
    netns: str
    address: str

    def command(self, args: list[str]) -> list[str]:
        """``args`` run inside this host: its network namespace and its own host name."""
        return [
            "ip", "netns", "exec", self.netns,
            "unshare", "--uts",
            "sh", "-c", 'hostname "$0" && exec "$@"', f"eakte-{self.role}",
            *args,
        ]  # fmt: skip


@dataclass
class PrivateNetwork:
    roles: list[str]
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    hosts: dict[str, Host] = field(default_factory=dict)
    test_address: str = ""
    _subnet: str = ""
    _namespaces: list[str] = field(default_factory=list)
    _root_link: str | None = None

    @property
    def switch(self) -> str:
        return f"eakte-{self.run_id}-sw"

    def open(self) -> PrivateNetwork:
        if os.geteuid() != 0:
            raise NetworkUnavailable("network namespaces need root")
        self._subnet = _free_subnet()
        try:
            self._add_namespace(self.switch)
            ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
            ip("-n", self.switch, "link", "set", "br0", "up")
            for number, role in enumerate(self.roles, start=1):
                self._add_host(role, number)
            self._add_test_link()
        except BaseException:
            self.close()
            raise
        return self

    def _add_namespace(self, name: str) -> None:
        ip("netns", "add", name)
        self._namespaces.append(name)
        ip("-n", name, "link", "set", "lo", "up")

    def _add_host(self, role: str, number: int) -> None:
        netns = f"eakte-{self.run_id}-{role}"
        self._add_namespace(netns)
        inside, outside = f"v{self.run_id}{role}", f"s{self.run_id}{role}"
        ip(
            "link",
            "add",
            inside,
            "netns",
            netns,
            "type",
            "veth",
            "peer",
            outside,
            "netns",
            self.switch,
        )
        ip("-n", netns, "link", "set", inside, "name", "eth0")
        address = f"{self._subnet}.{number}"
        ip("-n", netns, "addr", "add", f"{address}/24", "dev", "eth0")
        ip("-n", netns, "link", "set", "eth0", "up")
        self._attach(outside)
        self.hosts[role] = Host(role=role, netns=netns, address=address)

    def _add_test_link(self) -> None:
        inside, outside = f"e{self.run_id}t", f"s{self.run_id}t"
        ip("link", "add", inside, "type", "veth", "peer", outside, "netns", self.switch)
        self._root_link = inside
        self.test_address = f"{self._subnet}.{TEST_HOST_NUMBER}"
        ip("addr", "add", f"{self.test_address}/24", "dev", inside)
        ip("link", "set", inside, "up")
        self._attach(outside)

    def _attach(self, switch_side: str) -> None:
        ip("-n", self.switch, "link", "set", switch_side, "master", "br0")
        ip("-n", self.switch, "link", "set", switch_side, "up")

    def cut_off(self, role: str) -> list[int]:
        """Take the host's link down and SIGKILL every process in it; return their pids."""
        host = self.hosts[role]
        ip("-n", host.netns, "link", "set", "eth0", "down")
        return kill_all(host.netns)

    def close(self) -> None:
        for netns in reversed(self._namespaces):
            with contextlib.suppress(NetworkUnavailable):
                kill_all(netns)
                ip("netns", "del", netns)
        self._namespaces.clear()
        if self._root_link is not None:
            with contextlib.suppress(NetworkUnavailable):  # gone with its peer's namespace
                ip("link", "del", self._root_link)
            self._root_link = None

    def __enter__(self) -> PrivateNetwork:
        return self.open()

    def __exit__(self, *_exc: object) -> None:
        self.close()


def pids_in(netns: str) -> list[int]:
    return [int(pid) for pid in ip("netns", "pids", netns).split()]


def kill_all(netns: str, *, timeout: float = 10.0) -> list[int]:
    """SIGKILL every process in ``netns`` (children started meanwhile too) until none is left."""
    killed: set[int] = set()
    deadline = time.monotonic() + timeout
    while pids := pids_in(netns):
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        if time.monotonic() > deadline:
            raise NetworkUnavailable(f"processes {pids} in {netns} survive SIGKILL")
        time.sleep(0.05)
    return sorted(killed)


def _free_subnet() -> str:
    """A 10.231.N prefix that no interface of this machine uses yet."""
    in_use = ip("-4", "-o", "addr", "show")
    candidates = list(range(1, 255))
    random.shuffle(candidates)
    for number in candidates:
        prefix = f"{SUBNET_PREFIX}.{number}"
        if f" {prefix}." not in in_use:
            return prefix
    raise NetworkUnavailable(f"no free {SUBNET_PREFIX}.N.0/24 subnet")
