"""Okabe-Ito colours, once: told apart with every common kind of colour blindness, and each series
also differs in shape, so no chart relies on colour alone.
"""

from __future__ import annotations


OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
