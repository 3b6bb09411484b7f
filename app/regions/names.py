"""A region's full name as paper and spreadsheets print it, read once per region per request or job."""
from flask import g


def full_region_name(region) -> str:
    """晋城市阳城县凤城镇: the full name below the province. Each name walks the region's
    ancestors; a sheet or an export of thousands of rows names the same few regions again."""
    cache = g.setdefault("_full_region_names", {})
    if region.id not in cache:
        cache[region.id] = region.full_name
    return cache[region.id]
