"""The emulator's control API under ``/__emulator__``: reset, state, keys, seed, fault injection."""
