"""The PDF fetcher moved to config.pdf_fetcher (the signed intake, upstream of review, prints
too); review.pdf still looks it up here, so tests can swap it for a spy."""

from config.pdf_fetcher import RefusedResource, StaticOnlyFetcher

__all__ = ["RefusedResource", "StaticOnlyFetcher"]
