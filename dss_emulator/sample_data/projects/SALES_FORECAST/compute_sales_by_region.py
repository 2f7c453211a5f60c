# -*- coding: utf-8 -*-
import dataiku
import pandas as pd

sales = dataiku.Dataset("sales_raw").get_dataframe()
sales["revenue"] = sales["units"] * sales["unit_price"]

by_region = (sales.groupby("region", as_index=False)
             .agg(orders=("product", "count"), units=("units", "sum"), revenue=("revenue", "sum"))
             .sort_values("region"))

dataiku.Dataset("sales_by_region").write_with_schema(by_region)
