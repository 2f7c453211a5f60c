"""Datasets, recipes, scenarios and project folders of a design node, as files of the project's git tree."""
