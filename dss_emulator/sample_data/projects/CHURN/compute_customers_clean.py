# -*- coding: utf-8 -*-
import dataiku
import pandas as pd

# Read the raw customers uploaded to DSS
customers = dataiku.Dataset("customers_raw").get_dataframe()

# Paying customers only, with a lifetime value and a tenure band
clean = customers[customers["monthly_spend"] > 0].copy()
clean["lifetime_value"] = (clean["monthly_spend"] * clean["tenure_months"]).round(2)
clean["long_term"] = clean["tenure_months"] >= 12

dataiku.Dataset("customers_clean").write_with_schema(clean)
