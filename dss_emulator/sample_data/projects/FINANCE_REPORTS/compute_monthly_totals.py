# -*- coding: utf-8 -*-
import dataiku
import pandas as pd

ledger = dataiku.Dataset("ledger").get_dataframe()
totals = ledger.groupby("month", as_index=False).agg(net=("amount", "sum"), entries=("entry_id", "count"))

dataiku.Dataset("monthly_totals").write_with_schema(totals)
