"""Reports: views over the same `FileReport`s (`losscfg.diagnostics`), one module a format.

Reporters take data and nothing else: they import no checker, no rule and no schema; what a
format needs besides the reports (SARIF's rule pages, the tool's version) is passed in.
"""
