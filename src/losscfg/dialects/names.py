"""The dialects' names (SPEC §15), in a module that imports nothing: settings and the command
line name them without loading a front-end."""

AUTO, FAT, HYDRA, LIGHTNING = "auto", "fat", "hydra", "lightning"
DIALECTS = (AUTO, FAT, HYDRA, LIGHTNING)
