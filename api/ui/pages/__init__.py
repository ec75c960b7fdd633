"""The pages of the web interface, one module per use case (see :mod:`api.ui`)."""
