"""Okabe-Ito colours, once: told apart with every common kind of colour blindness, and each series
also differs in shape, so no chart relies on colour alone.
"""

from __future__ import annotations

BLUE, ORANGE, VERMILLION, GREEN = "#0072B2", "#E69F00", "#D55E00", "#009E73"
SKY, YELLOW, PURPLE, BLACK = "#56B4E9", "#F0E442", "#CC79A7", "#000000"
# The order series take their colours in (the first series is blue, the second orange, ...).
OKABE_ITO = [BLUE, ORANGE, GREEN, PURPLE, SKY, VERMILLION, YELLOW, BLACK]
NEGATIVE, POSITIVE = VERMILLION, GREEN        # bad and good, in every chart
