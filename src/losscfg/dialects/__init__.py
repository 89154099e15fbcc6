"""How a file configures a loss: which files are training configs, and the builder's semantics
of the framework's dialect (its factory's conversions)."""
