"""One module per pipeline notebook: `run(step)` reads the run folder, writes tables and exhibits. No
step imports another; a step's helpers (``markers``, read for the recordings step) sit beside it.
"""
