"""cxkit: turn survey exports, session recordings and photos into an experience gallery.

The package holds every piece of logic; the notebooks in ``notebooks/`` call into it and the
Voilà pages in ``gallery/`` only read a run folder. See docs/design.md for the contracts.
"""

__version__ = "0.1.0"
