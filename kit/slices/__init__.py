"""Runs per slice: ``cxkit run PROJECT --each segment|channel|market|month|quarter``.

``plan`` finds the project's slices and which are too small to run, ``batch`` makes one complete
run per slice (one after another, or side by side on one Dask cluster), and ``index`` writes the
comparison of the slices (``<run-id>-slices/``: ``slices.json``, ``index.html``, ``report.html``).
"""
