#!/usr/bin/env python3
"""Merges the area fragments `parts/*.json` into `openapi.json` (idempotent).

Each fragment is `{"tags"?: [...], "paths": {...}, "components": {"schemas"?, "responses"?,
"securitySchemes"?}}`; entries replace those of the same name. Run after editing a fragment;
the server compiles `openapi.json` in, and `tests/http/openapi.rs` holds it against the router.
"""
import json
import pathlib

here = pathlib.Path(__file__).parent
doc_path = here / "openapi.json"
doc = json.loads(doc_path.read_text())
for part_path in sorted((here / "parts").glob("*.json")):
    part = json.loads(part_path.read_text())
    known = {t["name"] for t in doc.get("tags", [])}
    for tag in part.get("tags", []):
        if tag["name"] not in known:
            doc.setdefault("tags", []).append(tag)
    for path, item in part.get("paths", {}).items():
        doc["paths"][path] = item
    for kind, entries in part.get("components", {}).items():
        doc["components"].setdefault(kind, {}).update(entries)
doc_path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
