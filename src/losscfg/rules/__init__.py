"""One module per family of rules. A module registers its rules on import (`losscfg.registry`);
adding a rule is one function with its docstring in the module of its family, plus its tests."""
