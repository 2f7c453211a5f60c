import dataiku

df = dataiku.Dataset("sales_by_region").get_dataframe()
assert sorted(df["region"]) == ["east", "north", "south", "west"], list(df["region"])
assert df["revenue"].sum() > 0
