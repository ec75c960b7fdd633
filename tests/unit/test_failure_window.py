from __future__ import annotations

from api.middleware.client_address import client_address
from api.middleware.failure_window import FailureWindow


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_an_address_is_blocked_after_the_limit_until_the_window_slides_past() -> None:
    clock = Clock()
    window = FailureWindow(3, clock=clock)
    for _ in range(2):
        window.record_failure("10.0.0.1")
        clock.now += 10
    assert window.retry_after("10.0.0.1") is None
    window.record_failure("10.0.0.1")
    assert window.retry_after("10.0.0.1") == 40  # the first failure leaves the minute in 40 s
    assert window.retry_after("10.0.0.2") is None
    clock.now += 40
    assert window.retry_after("10.0.0.1") is None


def test_forwarded_for_counts_only_when_trusted_and_then_the_proxys_entry() -> None:
    scope = {
        "type": "http",
        "client": ("192.0.2.10", 4711),
        "headers": [(b"x-forwarded-for", b"6.6.6.6, 198.51.100.7")],
    }
    assert client_address(scope, trust_forwarded_for=False) == "192.0.2.10"
    assert client_address(scope, trust_forwarded_for=True) == "198.51.100.7"
