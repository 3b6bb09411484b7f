"""Static files under content-hashed names, cached for a year and served gzipped.

``asset_url("css/app.css")`` gives ``/static/css/app.3f9a1c2b.css``; a new release
changes the name, so a township PC on a slow link downloads each file once and
never has to revalidate it.
"""
import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, abort, request, url_for

ONE_YEAR = 365 * 24 * 3600


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    mimetype: str


class AssetStore:
    def __init__(self, folder: Path):
        self.folder = folder
        self.hashed_names: dict[str, str] = {}  # "css/app.css" -> "css/app.3f9a1c2b.css"
        self.assets: dict[str, Asset] = {}  # hashed name -> contents
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            name = path.relative_to(folder).as_posix()
            body = path.read_bytes()
            digest = hashlib.sha256(body).hexdigest()[:10]
            stem, dot, suffix = name.rpartition(".")
            hashed = f"{stem}.{digest}.{suffix}" if dot else f"{name}.{digest}"
            self.hashed_names[name] = hashed
            mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            if mimetype.startswith("text/") or mimetype == "application/javascript":
                mimetype += "; charset=utf-8"
            self.assets[hashed] = Asset(body, gzip.compress(body, 9, mtime=0), mimetype)

    def url(self, name: str) -> str:
        return url_for("static", filename=self.hashed_names[name])

    def serve(self, filename: str):
        asset = self.assets.get(filename)
        if asset is None:
            abort(404)
        app_response = Flask.response_class
        if "gzip" in request.accept_encodings:
            response = app_response(asset.gzipped, mimetype=asset.mimetype)
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = app_response(asset.body, mimetype=asset.mimetype)
        response.vary.add("Accept-Encoding")
        response.headers["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
        return response


def init_assets(app: Flask, folder: Path) -> None:
    store = AssetStore(folder)
    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=store.serve)
    app.jinja_env.globals["asset_url"] = store.url
    app.extensions["assets"] = store
