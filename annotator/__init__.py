"""annotator: a desktop workbench for labelling news articles with entities and events."""

__version__ = "0.1.0"
