"""spaCy pre-annotation: pipeline loading, entity, trigger and argument suggestions.

The only core package that imports spaCy (besides the spaCy export format). Entry points:
`resolve_pipeline` (which model), `preannotate` / `iter_preannotate` (run it over a project).
"""
