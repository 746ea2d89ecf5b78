"""The run's codebook in REFI-QDA terms: stage, channel, feeling, lens, theme and tag codes, and ``.qdc``.

QDA tools (QualCoder, ATLAS.ti, MAXQDA, NVivo) exchange codebooks as REFI-QDA XML. The kit's codes
are its own dimensions: each dimension is a parent code that cannot be applied itself
(``isCodable="false"``) holding one code per value. GUIDs are derived from the run and the code's
path (UUID 5), so exporting the same run twice gives the same file and a tool re-importing it
recognises its codes.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pandas as pd
import xmlschema

from kit.core import i18n
from kit.core.errors import KitError
from kit.core.feelings import FEELINGS, feeling_key
from kit.core.paths import ASSETS_DIR

SCHEMAS = ASSETS_DIR / "refi_qda"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "cxkit"
MAX_QDC = 10_000_000                       # bytes: a codebook of thousands of codes is well under 1 MB
COLOURS = {"stage": "#1F77B4", "channel": "#8C564B", "feeling": "#C0392B", "lens": "#7F8C8D", "theme": "#1E8449",
           "tag": "#9467BD"}


@dataclass
class Code:
    """One code; a dimension's parent code holds its values as children."""

    name: str
    guid: str
    codable: bool = True
    color: str | None = None
    description: str = ""
    children: list[Code] = field(default_factory=list)


@dataclass
class Codebook:
    """The codes of a run, and where each (dimension, value) pair lives."""

    codes: list[Code]
    index: dict[tuple[str, str], str]             # (dimension, value) -> guid

    def guid(self, dimension: str, value: object) -> str | None:
        return self.index.get((dimension, str(value))) if value not in (None, "") else None


def guid(*parts: object) -> str:
    """A stable GUID for a path of names (the same run and code give the same GUID)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "cxkit:" + "/".join(str(p) for p in parts))).upper()


def feeling_code(valence: float | None) -> str | None:
    """The feeling code's value (a label key such as ``feel_negative``) of a valence; None when unrated."""
    if valence is None or pd.isna(valence):
        return None
    return feeling_key(float(valence))[0]


def build(run_name: str, summary: dict[str, Any], records: list[dict[str, Any]], themes: Iterable[str] = (),
          lang: str = "en") -> Codebook:
    """Every dimension of the run with the values it uses, named in the run's language."""
    values = {
        "stage": list(summary.get("stages") or []) or _used(records, "stage"),
        "channel": list(summary.get("channels") or []) or _used(records, "channel"),
        "feeling": [key for _, key, _ in FEELINGS],
        "lens": sorted({lens for r in records for lens in r.get("lenses") or []}),
        "theme": sorted({t for t in themes if t}),
        "tag": sorted({t for r in records for t in r.get("tags") or []}),
    }
    codes, index = [], {}
    for dimension, names in values.items():
        if not names:
            continue
        parent = Code(_dimension_name(dimension, lang), guid(run_name, dimension), codable=False,
                      color=COLOURS[dimension], description=i18n.t(f"qda_{dimension}_about", lang))
        for value in names:
            shown = i18n.t(value, lang) if dimension == "feeling" else str(value)
            child = Code(shown, guid(run_name, dimension, value), color=COLOURS[dimension])
            parent.children.append(child)
            index[(dimension, str(value))] = child.guid
        codes.append(parent)
    return Codebook(codes, index)


def _used(records: list[dict[str, Any]], key: str) -> list[str]:
    return sorted({str(r[key]) for r in records if r.get(key)})


def _dimension_name(dimension: str, lang: str) -> str:
    return i18n.t(f"qda_{dimension}", lang)


def code_elements(parent: ET.Element, codes: list[Code], ns: str) -> None:
    """The codes as ``<Code>`` elements (nested) under ``parent``, in namespace ``ns``."""
    for code in codes:
        attrs = {"guid": code.guid, "name": code.name, "isCodable": "true" if code.codable else "false"}
        if code.color:
            attrs["color"] = code.color
        el = ET.SubElement(parent, f"{{{ns}}}Code", attrs)
        if code.description:
            ET.SubElement(el, f"{{{ns}}}Description").text = code.description
        code_elements(el, code.children, ns)


def qdc_bytes(book: Codebook) -> bytes:
    """The codebook as a standalone ``.qdc`` document, checked against the REFI-QDA schema."""
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": ORIGIN})
    code_elements(ET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes"), book.codes, CODEBOOK_NS)
    data = _serialise(root)
    check(data, "Codebook.xsd")
    return data


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@cache
def schema(name: str) -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / name))


def check(data: bytes, schema_name: str) -> None:
    """Refuse to write a file the REFI-QDA schema rejects: another tool would reject it too."""
    errors = list(schema(schema_name).iter_errors(data.decode("utf-8")))
    if errors:
        raise KitError(f"the {schema_name.removesuffix('.xsd').lower()} export does not match the REFI-QDA schema: "
                       f"{errors[0].reason} at {errors[0].path}; this is a fault in the kit, please report it")


def read_qdc(path: Path) -> list[str]:
    """The codable code names of a ``.qdc`` codebook (nested codes as ``parent/child``), for tags."""
    try:
        if path.stat().st_size > MAX_QDC:
            raise KitError(f"{path} is larger than {MAX_QDC // 1_000_000} MB; a codebook is far smaller: is it the right file?")
        data = path.read_bytes()
    except OSError as exc:
        raise KitError(f"cannot read {path}: {exc.strerror}") from None
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise KitError(f"{path} declares a DOCTYPE or entities, which a REFI-QDA codebook never needs; refused")
    errors = list(schema("Codebook.xsd").iter_errors(data.decode("utf-8", errors="replace")))
    if errors:
        raise KitError(f"{path} is not a REFI-QDA codebook: {errors[0].reason} at {errors[0].path}; "
                       "export the codebook from your QDA tool as .qdc (REFI-QDA) and try again")
    root = ET.fromstring(data)
    names: list[str] = []

    def walk(el: ET.Element, prefix: str) -> None:
        for code in el.findall(f"{{{CODEBOOK_NS}}}Code"):
            name = (prefix + "/" if prefix else "") + code.get("name", "").strip()
            if code.get("isCodable") in ("true", "1"):
                names.append(name)
            walk(code, name)

    walk(root.find(f"{{{CODEBOOK_NS}}}Codes"), "")
    return names
