"""Redaction after the fact: a word, a pattern, a speaker or an exhibit removed from a finished run.

``redact_run(run_dir, Spec(...))`` rewrites every file of the run that carries the terms (tables,
JSON, charts, executed notebooks, workshop notes), bleeps the clips where they are spoken, makes the
exports again and records the redaction, its terms hashed, in the manifest. ``project_list`` applies
project.yaml's ``privacy.redact`` to a run the pipeline is building.
"""

from kit.redaction.run import MANIFEST_KEY, Plan, Result, plan, project_list, redact_run
from kit.redaction.terms import Matcher, RedactionError, Spec

__all__ = ["MANIFEST_KEY", "Matcher", "Plan", "RedactionError", "Result", "Spec", "plan", "project_list", "redact_run"]
