"""What a fix means (changes to the loaded data) and the text edits by span that make it."""
