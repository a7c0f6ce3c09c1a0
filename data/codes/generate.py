#!/usr/bin/env python3
"""Generate Aurora's built-in code lists (data/codes/*.json) from the upstream exports.

Usage (from the repository root):

    python3 data/codes/generate.py [UPSTREAM_DIR]

UPSTREAM_DIR defaults to ../shared/data/codes relative to the repository root. The outputs are
written next to this script. Python 3 standard library only.

The upstream files come in three shapes: koodistot.suomi.fi JSON exports (codes either under
`results` or under `codes`), Finto concept exports (`Notation`, `Label` {Fi, Sv, En}) and
Statistics Finland correspondence CSVs (cp1252, `;`, preamble lines, values quoted as "'020'").
Everything is normalised to one small shape and checked before anything is written, so a failed
assertion leaves the previous outputs untouched.
"""

import csv
import json
import re
import shutil
import sys
from pathlib import Path

SCRIPT_DIR = Path(__file__).resolve().parent
REPO_ROOT = SCRIPT_DIR.parent.parent
DEFAULT_UPSTREAM = REPO_ROOT.parent / "shared" / "data" / "codes"

LANGS = ("fi", "sv", "en")
SERVICE_CLASS_URI = "http://uri.suomi.fi/codelist/ptv/ptvserclass2/code/"
CODE_RE = re.compile(r"^([A-Z]+)(\d+)(?:\.(\d+))?$")

EXPECTED = {
    "municipalities": 309,
    "regions": 19,
    "hospital_districts": 21,
    "wellbeing_counties": 23,
    "service_classes": 228,
    "target_groups": 17,
    "life_events": 19,
}

# Old-scheme (ptvserclass v1) codes whose meaning moved in ptvserclass2. Mirrored by
# OLD_SCHEME_RENUMBERED in crates/aurora-model/src/codes.rs; verified below against
# finto_ServiceClasses.json so the two cannot silently drift from the data.
OLD_SCHEME_RENUMBERED = {"P7.12": "P15.5", "P7.13": "P7.12"}


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def code_entries(doc):
    """The list of code objects of a koodistot export, wherever the export put it."""
    if isinstance(doc, list):
        return doc
    for key in ("results", "codes"):
        if isinstance(doc.get(key), list):
            return doc[key]
    raise ValueError(f"no code list found among keys {sorted(doc)}")


def localized(labels, collapse=True):
    """{fi, sv, en} with trimmed text; missing or blank languages are left out.

    Accepts both koodistot (`fi`) and Finto (`Fi`) key spellings. Labels also get inner
    whitespace runs collapsed (upstream has stray double spaces); descriptions keep their line
    breaks (collapse=False).
    """
    labels = labels or {}
    out = {}
    for lang in LANGS:
        value = labels.get(lang, labels.get(lang.capitalize()))
        if isinstance(value, str):
            value = re.sub(r"\s+", " ", value).strip() if collapse else value.strip()
            if value:
                out[lang] = value
    return out


def natural_key(code):
    m = CODE_RE.match(code)
    assert m, f"unexpected hierarchical code {code!r}"
    return (m.group(1), int(m.group(2)), -1 if m.group(3) is None else int(m.group(3)))


def parent_code(code):
    return code.rsplit(".", 1)[0] if "." in code else None


def strip_quotes(value):
    return value.strip().strip("\"'").strip()


def read_statfin_csv(path):
    """Rows of a Statistics Finland correspondence CSV as (source, target) code pairs.

    Returns (scheme line, {source code: target code}, {source code: source name}).
    """
    with open(path, encoding="cp1252", newline="") as f:
        lines = f.read().splitlines()
    header_at = next(i for i, line in enumerate(lines) if line.startswith("sourcecode;"))
    assert lines[header_at].split(";")[:4] == ["sourcecode", "sourcename", "targetcode", "targetname"]
    scheme = next((line for line in lines[:header_at] if "#" in line), "").strip(";")
    mapping, names = {}, {}
    for row in csv.reader(lines[header_at + 1:], delimiter=";"):
        if not any(cell.strip() for cell in row):
            continue
        source, source_name, target = strip_quotes(row[0]), row[1].strip(), strip_quotes(row[2])
        assert re.fullmatch(r"\d{3}", source), f"{path.name}: bad municipality code {row[0]!r}"
        assert re.fullmatch(r"\d{2}", target), f"{path.name}: bad area code {row[2]!r}"
        assert source not in mapping, f"{path.name}: duplicate municipality {source}"
        mapping[source] = target
        names[source] = source_name
    return scheme, mapping, names


def area_list(path):
    items = []
    for e in code_entries(load_json(path)):
        code = strip_quotes(e["codeValue"])
        assert re.fullmatch(r"\d{2}", code), f"{path.name}: bad code {code!r}"
        items.append({"code": code, "name": localized(e.get("prefLabel"))})
    items.sort(key=lambda x: x["code"])
    assert len({x["code"] for x in items}) == len(items), f"{path.name}: duplicate codes"
    return items


def concept_list(path):
    """Finto concepts (target groups, life events) in natural code order."""
    items = []
    for e in load_json(path):
        code = e["Notation"].strip()
        uri = e["Id"].strip()
        assert uri.endswith("/code/" + code), f"{path.name}: {code} has URI {uri}"
        broader = [u.rsplit("/code/", 1)[1] for u in (e.get("BroaderUris") or [])]
        assert len(broader) <= 1, f"{path.name}: {code} has several parents {broader}"
        parent = broader[0] if broader else None
        assert parent == parent_code(code), f"{path.name}: {code} parent {parent}"
        item = {"code": code}
        if parent:
            item["parent"] = parent
        item["uri"] = uri
        item["label"] = localized(e.get("Label"))
        items.append(item)
    items.sort(key=lambda x: natural_key(x["code"]))
    return items


def service_class_list(path):
    items = []
    for e in code_entries(load_json(path)):
        code = e["codeValue"].strip()
        uri = e["uri"].strip()
        assert uri == SERVICE_CLASS_URI + code, f"{code}: unexpected URI {uri}"
        broader = (e.get("broaderCode") or {}).get("codeValue")
        assert broader == parent_code(code), f"{code}: broaderCode {broader}"
        item = {"code": code}
        if broader:
            item["parent"] = broader
        item["uri"] = uri
        item["label"] = localized(e.get("prefLabel"))
        item["description"] = localized(e.get("description"), collapse=False)
        items.append(item)
    items.sort(key=lambda x: natural_key(x["code"]))
    return items


def check_old_scheme(path, classes):
    """Confirm OLD_SCHEME_RENUMBERED against the mixed v1/v2 Finto export, and that every other
    old code still means the same thing (same Finnish label) in ptvserclass2."""
    by_code = {c["code"]: c["label"].get("fi") for c in classes}
    old = load_json(path)
    same, renumbered = 0, {}
    for e in old:
        code, fi = e["Notation"], localized(e.get("Label")).get("fi")
        uri = e.get("Id") or ""
        if code in OLD_SCHEME_RENUMBERED and (not uri or "/ptvserclass/" in uri):
            renumbered[code] = fi
            continue
        assert by_code.get(code) == fi, f"old class {code} {fi!r} != {by_code.get(code)!r}"
        same += 1
    for old_code, new_code in OLD_SCHEME_RENUMBERED.items():
        assert renumbered.get(old_code) == by_code[new_code], (old_code, new_code, renumbered)
    return same, renumbered


def missing_langs(items, field):
    return {lang: [x["code"] for x in items if lang not in x[field]] for lang in LANGS}


def write_json(out_dir, name, data):
    text = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    (out_dir / name).write_text(text, encoding="utf-8")


def main(argv):
    upstream = Path(argv[1]) if len(argv) > 1 else DEFAULT_UPSTREAM
    out_dir = SCRIPT_DIR
    notes = []

    # Areas.
    regions = area_list(upstream / "region_codes.json")
    hospital_districts = area_list(upstream / "codelist_hospital_districts.json")
    wellbeing_counties = area_list(upstream / "codelist_wellbeing_counties.json")

    # Municipalities: 2023 names, areas from the (2022-classification) correspondence tables.
    municipalities = []
    for e in code_entries(load_json(upstream / "municipality_codes_2023.json")):
        code = strip_quotes(e["codeValue"])
        assert re.fullmatch(r"\d{3}", code), f"bad municipality code {code!r}"
        municipalities.append({"code": code, "name": localized(e.get("prefLabel"))})
    municipalities.sort(key=lambda x: x["code"])
    assert len({m["code"] for m in municipalities}) == len(municipalities), "duplicate municipality"
    muni_codes = {m["code"] for m in municipalities}

    area_sources = [
        ("region", "municipality_to_region.csv", regions),
        ("hospital_district", "municipality_to_hospital_district.csv", hospital_districts),
        ("wellbeing_county", "municipality_to_wellbeing_service_county_codes.csv", wellbeing_counties),
    ]
    for field, filename, areas in area_sources:
        scheme, mapping, names = read_statfin_csv(upstream / filename)
        notes.append(f"{filename}: classification {scheme}, {len(mapping)} rows")
        only_csv, only_list = sorted(set(mapping) - muni_codes), sorted(muni_codes - set(mapping))
        assert not only_csv and not only_list, f"{filename}: code sets differ {only_csv} {only_list}"
        renamed = [(c, names[c]) for c in sorted(mapping)
                   if names[c] not in {m["name"].get("fi") for m in municipalities if m["code"] == c}]
        if renamed:
            notes.append(f"{filename}: names differ from the 2023 list (2023 names kept): {renamed}")
        area_codes = {a["code"] for a in areas}
        for m in municipalities:
            target = mapping[m["code"]]
            assert target in area_codes, f"{m['code']}: {field} {target} not in its list"
            m[field] = target
        unused = sorted(area_codes - set(mapping.values()))
        if unused:
            notes.append(f"{filename}: areas without municipalities: {unused}")

    # The separate wellbeing-county CSV must agree with the JSON list.
    wsc = upstream / "wellbeing_service_county_codes.csv"
    if wsc.exists():
        with open(wsc, encoding="cp1252", newline="") as f:
            rows = [r for r in csv.reader(f, delimiter=";") if r and r[0].strip()][1:]
        csv_names = {strip_quotes(r[0]): r[2].strip() for r in rows}
        json_names = {a["code"]: a["name"].get("fi") for a in wellbeing_counties}
        assert csv_names == json_names, "wellbeing_service_county_codes.csv disagrees with the JSON list"

    # PTV classifications.
    service_classes = service_class_list(upstream / "ptv_classes_2023.json")
    class_codes = {c["code"] for c in service_classes}
    for c in service_classes:
        assert c.get("parent") is None or c["parent"] in class_codes, f"{c['code']}: orphan"
    old_list = upstream / "finto_ServiceClasses.json"
    if old_list.exists():
        same, renumbered = check_old_scheme(old_list, service_classes)
        notes.append(f"finto_ServiceClasses.json: {same} entries unchanged in ptvserclass2; "
                     f"old-scheme renumbering {OLD_SCHEME_RENUMBERED} confirmed ({renumbered})")

    target_groups = concept_list(upstream / "finto_TargetGroups.json")
    life_events = concept_list(upstream / "finto_LifeEvents.json")
    # Upstream errata, corrected here so that the three languages say the same thing:
    # KE4.3 "Suomesta muuttaminen" / "Moving abroad" is labelled "Flyttning till Finland"
    # (moving TO Finland, the opposite) in Swedish; KE12's English label is misspelt.
    ERRATA = {("KE4.3", "sv"): "Flyttning från Finland", ("KE12", "en"): "Rehabilitation"}
    for x in life_events:
        for (code, lang), text in ERRATA.items():
            if x["code"] == code:
                x["label"][lang] = text
    for name, items in (("target_groups", target_groups), ("life_events", life_events)):
        codes = {x["code"] for x in items}
        assert len(codes) == len(items), f"{name}: duplicate codes"
        for x in items:
            assert x.get("parent") is None or x["parent"] in codes, f"{name}: {x['code']} orphan"

    # Cross-check target groups against the koodistot export of the same list.
    tg_codelist = upstream / "codelist_target_groups.json"
    if tg_codelist.exists():
        other = {e["codeValue"]: localized(e.get("prefLabel")) for e in code_entries(load_json(tg_codelist))}
        diff = [x["code"] for x in target_groups if other.get(x["code"]) != x["label"]]
        assert set(other) == {x["code"] for x in target_groups}, "target group lists disagree"
        if diff:
            notes.append(f"codelist_target_groups.json: labels differ for {diff}")

    outputs = {
        "municipalities": municipalities,
        "regions": regions,
        "hospital_districts": hospital_districts,
        "wellbeing_counties": wellbeing_counties,
        "service_classes": service_classes,
        "target_groups": target_groups,
        "life_events": life_events,
    }
    for name, items in outputs.items():
        assert len(items) == EXPECTED[name], f"{name}: {len(items)} entries, expected {EXPECTED[name]}"
        field = "label" if name in ("service_classes", "target_groups", "life_events") else "name"
        missing = missing_langs(items, field)
        assert not missing["fi"], f"{name}: no Finnish {field} for {missing['fi']}"
        gaps = {lang: codes for lang, codes in missing.items() if codes}
        if gaps:
            notes.append(f"{name}: missing {field} translations {gaps}")
        if name == "service_classes":
            gaps = {lang: codes for lang, codes in missing_langs(items, "description").items() if codes}
            if gaps:
                notes.append(f"service_classes: missing description translations {gaps}")

    # Everything checked: write.
    for name, items in outputs.items():
        write_json(out_dir, f"{name}.json", items)
    shutil.copyfile(upstream / "attributes.schema.json", out_dir / "attributes.schema.json")

    for name, items in outputs.items():
        print(f"{name}.json: {len(items)}")
    print("attributes.schema.json: copied")
    for note in notes:
        print("note:", note)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
