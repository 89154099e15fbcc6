"""The JSON Schema shipped with losscfg and the loss catalogue read from it: every loss, its
parameters, their types, ranges and choices. Knowledge about losses lives here, once."""
