"""Inputs: scenario files and sweep files, read, validated and frozen before anything runs.

``scenario`` (the parameters, their units, ranges and sources), ``frozen`` (the base of every input model: frozen,
no unknown keys, no true/false where a number belongs), ``loader`` (YAML to a scenario: ``extends``, ``--set``
overrides, errors with file, line and field), ``yamlsource`` and ``yamlbudget`` (safe YAML with line numbers, and
its size budget counted at the line responsible), ``errors`` and ``diagnostics`` (the problems and their wording),
``units`` (warnings for values far outside their evidence range), ``diff`` (what differs between two scenarios),
``schema`` (the JSON Schema editors use), ``limits`` (caps for shared machines), ``levers`` (the policy levers and
their evidence ranges) and ``sweepfile`` (sweep files).
"""
