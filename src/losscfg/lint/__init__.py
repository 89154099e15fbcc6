"""Checking one document: the context rules read, the rules, the schema's validation, rule
selection and suppression comments, and `check`, which runs them all."""
