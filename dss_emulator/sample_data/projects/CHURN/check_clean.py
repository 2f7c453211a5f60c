import dataiku

df = dataiku.Dataset("customers_clean").get_dataframe()
assert len(df) > 0, "customers_clean is empty"
assert (df["monthly_spend"] > 0).all(), "customers_clean holds non-paying customers"
