"""The DSS version the emulator answers as (instance info, bundle manifests, the DSS-Version header)."""
DSS_VERSION = "14.2.0"
