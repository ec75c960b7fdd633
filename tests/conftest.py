from __future__ import annotations

pytest_plugins = [
    "tests.fixtures.postgres",
    "tests.fixtures.s3",
    "tests.fixtures.app",
    "tests.fixtures.oidc_provider",
    "tests.fixtures.browser",
    "tests.fixtures.cmis",
]
