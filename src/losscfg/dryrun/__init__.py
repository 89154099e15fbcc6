"""The dry-run: the only part of losscfg that imports torch (SPEC §8).

`devices.require_torch()` is the gate: the other modules of this package import torch at
module level and are imported only after it.
"""
