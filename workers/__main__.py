"""``python -m workers``: run the configured number of worker processes."""

from __future__ import annotations

from services.bootstrap import build_container, ensure_schema
from services.observability.logs import configure_process_logging
from services.settings import load_settings
from services.startup_sweep import sweep_at_startup
from workers.pool import supervise


def main() -> None:
    settings = load_settings()
    configure_process_logging(settings.log)
    container = build_container(settings)
    try:
        ensure_schema(container)
        sweep_at_startup(container)  # a crash's OCR leftovers and orphaned blobs
    finally:
        container.close()
    supervise(settings, max(settings.workers, 1))


if __name__ == "__main__":
    main()
