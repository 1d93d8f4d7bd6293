"""Flask application factory. Each module in ``BLUEPRINTS`` contributes one blueprint named ``bp``."""

from __future__ import annotations

import importlib

from flask import Flask, jsonify

BLUEPRINTS: list[str] = []


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(JSON_AS_ASCII=False, MAX_CONTENT_LENGTH=64 * 1024)
    app.config.update(config or {})
    app.json.ensure_ascii = False
    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(name).bp)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app
