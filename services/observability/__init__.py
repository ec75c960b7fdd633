"""What operators watch: metrics, structured logs with request ids, health checks.

Nothing here decides anything for the domain; it only reads (the database figures for
``/metrics``, the dependency checks for ``/health/ready``) and describes.
"""
