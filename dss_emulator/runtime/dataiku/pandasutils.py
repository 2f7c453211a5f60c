"""``dataiku.pandasutils``: the helpers recipes import as ``pdu``."""
from __future__ import annotations


def audit(df):
    """One row per column: name, data type, number of distinct values, missing values, sample values."""
    import pandas as pd

    rows = []
    for name in df.columns:
        series = df[name]
        rows.append({"_a_variable": name, "_b_data_type": str(series.dtype), "_c_cardinality": series.nunique(),
                     "_d_missings": int(series.isna().sum()), "_e_sample_values": list(series.dropna().unique()[:5])})
    return pd.DataFrame(rows, columns=["_a_variable", "_b_data_type", "_c_cardinality", "_d_missings",
                                       "_e_sample_values"])
