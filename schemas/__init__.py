"""The JSON Schema of losscfg, shipped inside the package as `losscfg.schemas`.

This folder is the one copy: pyproject.toml maps it as a package (setuptools package-dir), so
the wheel and an editable install both read it with importlib.resources.
"""
