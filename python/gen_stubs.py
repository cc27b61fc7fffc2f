#!/usr/bin/env python3
"""Writes dataprep_lineage/__init__.pyi: the package's API with a TypedDict
for every JSON document, generated from the published JSON Schemas
(../schema/*.json), so the types are the documents the CLI prints.

    python3 python/gen_stubs.py          # rewrite the stubs
    python3 python/gen_stubs.py --check  # exit 1 when they are not current (the tests run this)
"""

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCHEMAS = HERE.parent / "schema"
OUT = HERE / "dataprep_lineage" / "__init__.pyi"
DOCS = [
    ("why", "WhyDocument"),
    ("why-stage", "WhyStageDocument"),
    ("summary", "SummaryDocument"),
    ("order", "OrderDocument"),
    ("critical-path", "CriticalPathDocument"),
    ("diff", "DiffDocument"),
    ("history", "HistoryDocument"),
    ("history-facts", "HistoryFactsRow"),
]


def camel(name: str) -> str:
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[-_ ]", name) if p)


class Gen:
    def __init__(self) -> None:
        self.classes = {}  # name -> (schema json, source lines)
        self.order = []

    def ref_name(self, doc: str, ref: str, defs: dict) -> str:
        name = ref.rsplit("/", 1)[-1]
        schema = defs[name]
        key = json.dumps(schema, sort_keys=True)
        if name in self.classes and self.classes[name][0] != key:
            name = camel(doc) + name
        if name not in self.classes:
            self.classes[name] = (key, None)
            self.classes[name] = (key, self.define(doc, name, schema, defs))
            self.order.append(name)
        return name

    def type_of(self, doc: str, s: dict, defs: dict, hint: str) -> str:
        if "$ref" in s:
            return self.ref_name(doc, s["$ref"], defs)
        if "const" in s:
            return f"Literal[{json.dumps(s['const'])}]"
        if "enum" in s:
            return "Literal[" + ", ".join(json.dumps(v) for v in s["enum"]) + "]"
        for key in ("oneOf", "anyOf"):
            if key in s:
                parts = []
                for i, sub in enumerate(s[key]):
                    t = self.type_of(doc, sub, defs, f"{hint}{i}")
                    if t not in parts:
                        parts.append(t)
                return parts[0] if len(parts) == 1 else "Union[" + ", ".join(parts) + "]"
        t = s.get("type")
        if isinstance(t, list):
            parts = [self.type_of(doc, {**s, "type": x}, defs, hint) for x in t]
            return "Union[" + ", ".join(dict.fromkeys(parts)) + "]" if len(set(parts)) > 1 else parts[0]
        if t == "string":
            return "str"
        if t == "integer":
            return "int"
        if t == "number":
            return "float"
        if t == "boolean":
            return "bool"
        if t == "null":
            return "None"
        if t == "array":
            items = s.get("items")
            if isinstance(items, dict):
                return f"List[{self.type_of(doc, items, defs, hint + 'Item')}]"
            if "prefixItems" in s:
                return "List[" + self.type_of(doc, s["prefixItems"][0], defs, hint) + "]"
            return "List[Any]"
        if t == "object":
            if "properties" in s:
                name = hint
                key = json.dumps(s, sort_keys=True)
                if name not in self.classes:
                    self.classes[name] = (key, None)
                    self.classes[name] = (key, self.define(doc, name, s, defs))
                    self.order.append(name)
                return name
            extra = s.get("additionalProperties")
            if isinstance(extra, dict):
                return f"Dict[str, {self.type_of(doc, extra, defs, hint + 'Value')}]"
            return "Dict[str, Any]"
        return "Any"

    def define(self, doc: str, name: str, s: dict, defs: dict) -> list:
        props = s.get("properties")
        if props is None:
            return [f"{name} = {self.type_of(doc, {k: v for k, v in s.items() if k != 'description'}, defs, name + 'Value')}"]
        required = set(s.get("required", []))
        lines = [f"class {name}(TypedDict):"]
        doc_text = (s.get("description") or "").strip().splitlines()
        if doc_text:
            lines.append(f'    """{doc_text[0].replace(chr(34) * 3, "")}"""')
        for key, sub in props.items():
            t = self.type_of(doc, sub, defs, name + camel(key))
            if key not in required:
                t = f"NotRequired[{t}]"
            if key.isidentifier():
                lines.append(f"    {key}: {t}")
            else:
                raise SystemExit(f"{name}.{key} is not an identifier: use the functional TypedDict form")
        return lines


def render() -> str:
    g = Gen()
    roots = {}
    for doc, cls in DOCS:
        schema = json.loads((SCHEMAS / f"{doc}.json").read_text())
        defs = schema.get("$defs", {})
        top = {k: v for k, v in schema.items() if k not in ("$defs", "$schema", "title")}
        g.classes[cls] = ("", None)
        g.classes[cls] = ("", g.define(doc, cls, top, defs))
        g.order.append(cls)
        roots[doc] = cls
    out = [
        "# Generated by python/gen_stubs.py from schema/*.json: do not edit by hand.",
        "import os",
        "from typing import IO, Any, Dict, Iterable, List, Literal, Optional, Union",
        "",
        "from typing_extensions import NotRequired, TypedDict",
        "",
        "SCHEMA_VERSION: int",
        "",
        "class InputError(Exception):",
        '    """The input cannot be analysed."""',
        "    path: Optional[str]",
        "    line: Optional[int]",
        "    column: Optional[int]",
        "",
    ]
    for name in g.order:
        out.extend(g.classes[name][1])
        out.append("")
    out += [
        "class Run:",
        "    @property",
        "    def path(self) -> Optional[str]: ...",
        f"    def why(self, *, all: bool = ...) -> {roots['why']}: ...",
        f"    def why_stage(self, stage: str, *, all: bool = ...) -> {roots['why-stage']}: ...",
        f"    def summary(self, *, all: bool = ...) -> {roots['summary']}: ...",
        f"    def order(self) -> {roots['order']}: ...",
        f"    def critical_path(self) -> {roots['critical-path']}: ...",
        "    def dot(self, view: Literal['stages', 'lineage'] = ..., focus: Optional[str] = ..., *, all: bool = ...) -> str: ...",
        "    def mermaid(self, view: Literal['stages', 'lineage'] = ..., focus: Optional[str] = ..., *, all: bool = ...) -> str: ...",
        "    def markdown(self, report: Literal['why', 'summary', 'critical-path'] = ..., *, all: bool = ...) -> str: ...",
        "    def html(self, view: Literal['stages', 'lineage'] = ..., focus: Optional[str] = ..., *, all: bool = ...) -> str: ...",
        "    def openlineage(self, namespace: Optional[str] = ..., producer: Optional[str] = ...) -> List[Dict[str, Any]]: ...",
        "    def trace(self) -> Dict[str, Any]: ...",
        "",
        "def load(src: Union[str, os.PathLike[str], bytes, bytearray, IO[bytes]]) -> Run: ...",
        f"def diff(baseline: Run, current: Run, *, slower_ratio: float = ..., slower_min_ms: int = ...) -> {roots['diff']}: ...",
        f"def history(paths: Union[str, os.PathLike[str], Iterable[Union[str, os.PathLike[str]]]], *, pipeline: Optional[str] = ...) -> {roots['history']}: ...",
        "def schema(name: Literal['why', 'why-stage', 'summary', 'order', 'critical-path', 'diff', 'history', 'history-facts']) -> Dict[str, Any]: ...",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            print(f"{OUT} is not current: run python3 python/gen_stubs.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
