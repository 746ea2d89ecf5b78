"""``python -m kit.cli``: the same as the ``cxkit`` command."""

from kit.cli import main

main()
