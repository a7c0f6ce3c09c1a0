#!/usr/bin/env python3
"""Derives data/nlu/weak.jsonl, the weak-supervision corpus of aurora-nlu, from the real
service descriptions in the repository.

Sources (both already in the repository; both are published Finnish Service Catalogue (PTV)
open data, under the terms stated where the repository documents data/ptv):
  * data/ptv/services/*.json      PTV v11 services: names, summaries and ontology terms in
                                  fi/sv/en with service-class and life-event codes;
  * data/ptv-pilot/services.json  the AuroraAI pilot's services: Finnish texts with Finnish
                                  service-class and life-event labels, mapped to codes here.

Each output line is one (service, language) text with the codes it is labelled with:
  {"source": "ptv" | "pilot", "id": "...", "lang": "fi", "text": "...",
   "classes": ["P10.6"], "life_events": ["KE8"]}
Texts are the service name, alternate names, summary and ontology terms, plus the first
DESCRIPTION_CHARS characters of the description: enough vocabulary, without letting one long
service dominate its class.

Run from the repository root:  python3 data/nlu/generate_weak.py
The output is deterministic (sorted input, no randomness).
"""
import glob
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DESCRIPTION_CHARS = 400

# Old or differently spelled pilot labels -> current ptvserclass2 codes. Labels that name no
# current class (e.g. "Hallinto", "Päätöksenteko") are dropped.
PILOT_CLASS_ALIASES = {
    "Lasten päivähoito": "P3.4",
    "Kirjastot ja tietopalvelut": "P25.1",
    "Ajoneuvot ja rekisteröinti": "P16.1",
    "Ammattiliikenne": "P16.6",
    "Oppilas- ja opiskelijahuolto": "P4.9",
    "Peruopetus": "P6.2",
    "Toimialakohtaiset luvat ja ilmoitukset": "P11.2",
    "Oikeusturva ja lainmukaisuus": "P7.3",
    "Oikeudenkäynti ja rikosasiat": "P7.7",
    "Kotieläimet": "P24.3",
    "Luonnonvarat": "P24",
    "eläimet": "P24",
    "kasvit": "P24",
    "kuluttaja-asiat": "P21",
    "Suomen edustustot ulkomailla": "P22.8",
}


def load(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return json.load(f)


def clean(text):
    return " ".join((text or "").split())


def main():
    classes = load("data/codes/service_classes.json")
    events = load("data/codes/life_events.json")
    class_by_label = {}
    for c in classes:
        for label in c["label"].values():
            class_by_label.setdefault(label.lower(), c["code"])
    event_by_label = {}
    for e in events:
        for label in e["label"].values():
            event_by_label.setdefault(label.lower(), e["code"])
    for k, v in PILOT_CLASS_ALIASES.items():
        class_by_label.setdefault(k.lower(), v)

    out = []
    for path in sorted(glob.glob(os.path.join(ROOT, "data/ptv/services/*.json"))):
        with open(path, encoding="utf-8") as f:
            s = json.load(f)
        codes = sorted({c["code"] for c in s.get("serviceClasses") or [] if c.get("code")})
        les = sorted({e["code"] for e in s.get("lifeEvents") or [] if e.get("code")})
        if not codes and not les:
            continue
        for lang in ("fi", "sv", "en"):
            parts = [n["value"] for n in s.get("serviceNames") or [] if n.get("language") == lang]
            descs = {d["type"]: d["value"] for d in s.get("serviceDescriptions") or []
                     if d.get("language") == lang and d.get("value")}
            parts.append(descs.get("Summary", ""))
            parts.append((descs.get("Description") or "")[:DESCRIPTION_CHARS])
            for term in s.get("ontologyTerms") or []:
                parts += [n["value"] for n in term.get("name") or [] if n.get("language") == lang]
            text = clean(" ".join(p for p in parts if p))
            if len(text) >= 20:
                out.append({"source": "ptv", "id": s["id"], "lang": lang, "text": text,
                            "classes": codes, "life_events": les})

    for s in load("data/ptv-pilot/services.json"):
        codes = sorted({class_by_label[l.lower()] for l in s.get("serviceClass") or []
                        if l and l.lower() in class_by_label})
        les = sorted({event_by_label[l.lower()] for l in s.get("lifeEvent") or []
                      if l and l.lower() in event_by_label})
        if not codes and not les:
            continue
        parts = [s.get("name") or ""] + list(s.get("alternateName") or [])
        parts.append(s.get("shortDescription") or "")
        parts.append((s.get("description") or "")[:DESCRIPTION_CHARS])
        parts += list(s.get("ontologyTerm") or [])
        text = clean(" ".join(p for p in parts if p))
        if len(text) >= 20:
            out.append({"source": "pilot", "id": str(s["id"]), "lang": "fi", "text": text,
                        "classes": codes, "life_events": les})

    with open(os.path.join(ROOT, "data/nlu/weak.jsonl"), "w", encoding="utf-8") as f:
        for row in out:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(out)} texts to data/nlu/weak.jsonl")


if __name__ == "__main__":
    main()
