"""Numbers and findings computed from the canonical tables: scores, sentiment, themes and drivers,
moments, the journey, pain, overload, the scorecard, the wall, lenses.
"""
