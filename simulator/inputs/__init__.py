"""Inputs: scenario files and sweep files, read, validated and frozen before anything runs.

``scenario`` (the parameters, their units, ranges and sources), ``loader`` (YAML to a scenario: ``extends``,
``--set`` overrides, errors with file, line and field), ``yamlsource`` (safe YAML with line numbers), ``errors`` and
``diagnostics`` (the problems and their wording), ``limits`` (caps for shared machines), ``levers`` (the policy
levers and their evidence ranges) and ``sweepfile`` (sweep files).
"""
