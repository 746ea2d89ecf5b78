"""Redaction after the fact: a word, a pattern, a speaker or an exhibit removed from a finished run."""
