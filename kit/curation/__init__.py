"""Curation: what analysts change in the gallery by hand, kept in a journal and replayed by every run."""
