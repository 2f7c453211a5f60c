"""Shared machinery of the emulator: routing, errors, auth, storage and the instance object."""
