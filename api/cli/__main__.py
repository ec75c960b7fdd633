"""``python -m api.cli``: the same as the ``eakte`` console script."""

from api.cli.main import main

main()
