"""Reading a file and loading its YAML: bytes to text, text to data with every position kept,
and the problems found on the way. Knows no loss and no rule."""
