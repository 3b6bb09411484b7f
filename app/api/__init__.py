"""The JSON API (``/api/v1/``) the 12345 platform and the city's integration office call, each
caller with a token scoped to a region subtree."""
