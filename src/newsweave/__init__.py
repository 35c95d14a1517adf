"""newsweave: news articles from many outlets in, one source-attributed record of what happened out."""

__version__ = "0.1.0"
