"""One URL, two renderings: the full page, or the fragment htmx asked for."""
from flask import make_response, render_template, request
from markupsafe import Markup


def is_fragment_request() -> bool:
    """True for an htmx request that wants a piece of the page.

    Boosted navigation and history restores want the whole page.
    """
    headers = request.headers
    return (
        headers.get("HX-Request") == "true"
        and headers.get("HX-Boosted") != "true"
        and headers.get("HX-History-Restore-Request") != "true"
    )


def render(page_template: str, fragment_template: str | None = None, /, **context):
    """Render the page, or the fragment it includes when htmx asked for just that.

    Every keyword is template context (a list's ``status`` filter included); a view that
    needs another status code returns ``render(...), 422``."""
    template = fragment_template if fragment_template and is_fragment_request() else page_template
    response = make_response(render_template(template, **context))
    response.vary.add("HX-Request")
    return response


def render_results(page_template: str, results: Markup, /, **context):
    """The page around a list's ``results``, rendered already (app.kept_results), or the results
    alone when htmx asked for just them. The page template shows them as ``{{ results }}``."""
    body = results if is_fragment_request() else render_template(page_template, results=results, **context)
    response = make_response(body)
    response.vary.add("HX-Request")
    return response
