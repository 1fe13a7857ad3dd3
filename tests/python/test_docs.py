"""The docs stay true: the API reference (docs/api/*.md) mentions every public name, and the
Python quick start runs and prints what it shows.

For the reference, two sides are checked against the page of their layer:
  - Python: every name in ``oneid.__all__``, and every public attribute of each class in it;
  - C++: every class, struct, enum, enumerator, alias, constant, free function, public member
    function and public data member declared in ``include/oneid/<layer>/*.h`` (``detail/`` and
    ``-inl.h`` excluded), found by a small line-based reader that relies on the Google layout
    the headers follow (members indented two spaces inside their class, declarations at column 0).

A name counts as mentioned when it appears on the page as a whole word. That is a floor, not a
proof of good documentation; it catches the common failure: a new function nobody wrote up.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys

import pytest

import oneid

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
API_DOCS = os.path.join(ROOT, "docs", "api")
HEADERS = os.path.join(ROOT, "include", "oneid")
LAYERS = ("identity", "profile", "score", "segment")
# The Python module of each layer's names, and the page that documents them.
PYTHON_PAGES = {
    "identity": "identity",
    "profile": "profile",
    "rfm": "score",
    "clv": "score",
    "churn": "score",
    "segment": "segment",
}

pytestmark = pytest.mark.skipif(
    not (os.path.isdir(API_DOCS) and os.path.isdir(HEADERS)), reason="needs a source checkout"
)


def _page(layer: str) -> str:
    with open(os.path.join(API_DOCS, f"{layer}.md"), encoding="utf-8") as f:
        return f.read()


def _mentioned(name: str, text: str) -> bool:
    return re.search(r"(?<![\w])" + re.escape(name) + r"(?![\w])", text) is not None


# ---------------------------------------------------------------------------------------------
# C++: a line reader for the public headers.

_KEYWORDS = {
    "if", "for", "while", "switch", "return", "sizeof", "decltype", "static_cast", "const_cast",
    "reinterpret_cast", "static_assert", "operator", "template", "noexcept", "alignas",
}
_DECL_START = re.compile(r"^(?:\[\[nodiscard\]\]\s*)?(?:inline\s+|constexpr\s+|static\s+|explicit\s+|virtual\s+|friend\s+)*")


def _strip_comment(line: str) -> str:
    return line.split("//", 1)[0].rstrip()


def _function_name(code: str) -> str | None:
    for match in re.finditer(r"(~?)(\w+)\s*\(", code):
        if match.group(2) not in _KEYWORDS:
            return None if match.group(1) else match.group(2)
    return None


def _field_names(code: str) -> list[str]:
    code = re.sub(r"\s*=.*$", "", code.rstrip(";"))  # drop initialisers
    code = re.sub(r"\{[^{}]*\}$", "", code)  # and brace initialisers
    match = re.search(r"((?:\w+\s*,\s*)*\w+)\s*$", code)
    if not match or not re.search(r"[\w>&*]\s+" + re.escape(match.group(1)) + r"\s*$", code):
        return []
    return [n.strip() for n in match.group(1).split(",")]


def _declarations(code: str, class_name: str | None) -> list[str]:
    """Names a single declaration line introduces (a function, data members, a constant)."""
    body = _DECL_START.sub("", code.strip())
    if not body or body.startswith(("#", "namespace", "}", "public:", "private:", "protected:", "template")):
        return []
    if body.startswith("using "):
        alias = re.match(r"using\s+(\w+)\s*=", body)
        return [alias.group(1)] if alias else []
    if "operator" in body:
        return []  # operators are documented with their class, not by name
    eq, paren = body.find("="), body.find("(")
    if paren != -1 and (eq == -1 or paren < eq):
        name = _function_name(body)
        return [] if name is None or name == class_name else [name]
    if body.endswith(";") and not body.startswith(("class ", "struct ", "enum ")):
        return _field_names(body)
    return []


def _cpp_names(path: str) -> list[str]:
    """Every public name the header declares, in order of appearance."""
    names: list[str] = []
    depth = 0  # brace depth at the start of the current line
    # Open scopes, innermost last: [kind, name, depth of the body, member indentation, access].
    scopes: list[list] = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for raw in lines:
        code = _strip_comment(raw)
        stripped = code.strip()
        indent = len(code) - len(code.lstrip(" "))
        top = scopes[-1] if scopes else None
        hidden = any(s[0] == "namespace" and s[1] in ("detail", "internal") for s in scopes) or any(
            s[0] in ("class", "struct") and s[4] != "public" for s in scopes
        )
        header = re.match(r"^(class|struct|enum class|enum|namespace)\s+(?:inline\s+)?(\w+)?", stripped)
        if stripped in ("public:", "private:", "protected:"):
            if top and top[0] in ("class", "struct") and depth == top[2]:
                top[4] = stripped[:-1]
        elif header and "{" not in stripped:
            pass  # a forward declaration
        elif header:
            kind = "namespace" if header.group(1) == "namespace" else header.group(1).split()[0]
            if kind != "namespace" and not hidden and header.group(2):
                names.append(header.group(2))
            if kind == "enum" and not hidden:
                names += re.findall(r"\b(k\w+)", stripped.split("{", 1)[1])
            scopes.append([kind, header.group(2) or "", depth + 1, indent + 2,
                           "private" if kind == "class" else "public"])
        elif top and top[0] == "enum" and depth == top[2] and not hidden:
            names += re.findall(r"\b(k\w+)", stripped.split("=")[0])
        elif top and top[0] in ("class", "struct") and depth == top[2] and indent == top[3] and not hidden:
            names += _declarations(stripped, top[1])
        elif (top is None or top[0] == "namespace") and indent == 0 and not hidden:
            names += _declarations(stripped, None)
        depth += code.count("{") - code.count("}")
        while scopes and depth < scopes[-1][2]:
            scopes.pop()
    return list(dict.fromkeys(names))


def _headers(layer: str) -> list[str]:
    folder = os.path.join(HEADERS, layer)
    return sorted(
        os.path.join(folder, name)
        for name in os.listdir(folder)
        if name.endswith(".h") and not name.endswith("-inl.h")
    )


def test_the_header_reader_finds_what_it_should():
    # A guard on the reader itself: known names of different kinds must come out, and private or
    # detail names must not, so that a reader bug cannot make the coverage check vacuous.
    resolver = _cpp_names(os.path.join(HEADERS, "identity", "resolver.h"))
    for name in ("Resolver", "Create", "AddBatch", "OneIdOf", "LoadSnapshotBytes", "LinkStep",
                 "from_account", "EraseReport", "oneids_after", "ResolverStats", "memory_bytes"):
        assert name in resolver, name
    for name in ("ResolverState", "state_"):
        assert name not in resolver, name
    events = _cpp_names(os.path.join(HEADERS, "profile", "events.h"))
    for name in ("Timestamp", "DayOf", "Channel", "kMiniprogram", "kPointsSpent", "OrderLine", "coupon_used",
                 "OrderTable", "kNoOrder", "Append", "ReadBehaviorCsvFile", "kMissingTime", "AdoptIfEmpty"):
        assert name in events, name
    for name in ("accounts_", "BuildIndex", "indexed_"):
        assert name not in events, name
    clv = _cpp_names(os.path.join(HEADERS, "score", "customer_lifetime_value.h"))
    assert {"ClvOptions", "periods_per_month", "ValidateClvOptions", "CustomerLifetimeValue"} <= set(clv)
    assert len(_cpp_names(os.path.join(HEADERS, "segment", "kmeans.h"))) > 40


@pytest.mark.parametrize("layer", LAYERS)
def test_every_public_cpp_name_is_in_the_api_reference(layer):
    page = _page(layer)
    missing = {}
    for header in _headers(layer):
        absent = [n for n in _cpp_names(header) if not _mentioned(n, page)]
        if absent:
            missing[os.path.relpath(header, ROOT)] = absent
    assert not missing, f"docs/api/{layer}.md does not mention: {missing}"


def _python_names() -> dict[str, list[str]]:
    """The names each layer page must cover. Modules are imported by name because the functions
    oneid.rfm and oneid.segment shadow their modules as attributes of the package."""
    by_page: dict[str, list[str]] = {}
    for module, page in PYTHON_PAGES.items():
        by_page.setdefault(page, []).extend(importlib.import_module(f"oneid.{module}").__all__)
    return by_page


def test_every_exported_python_name_belongs_to_a_layer_page():
    listed = {n for names in _python_names().values() for n in names}
    assert set(oneid.__all__) - {"__version__"} == listed


@pytest.mark.parametrize("layer", LAYERS)
def test_every_public_python_name_is_in_the_api_reference(layer):
    page = _page(layer)
    missing = []
    for name in _python_names().get(layer, []):
        if not _mentioned(name, page):
            missing.append(name)
        obj = getattr(oneid, name)
        if inspect.isclass(obj):
            for attr in dir(obj):
                if not attr.startswith("_") and not _mentioned(attr, page):
                    missing.append(f"{name}.{attr}")
    assert not missing, f"docs/api/{layer}.md does not mention: {missing}"


def test_the_index_links_every_layer_page():
    with open(os.path.join(API_DOCS, "README.md"), encoding="utf-8") as f:
        index = f.read()
    for layer in LAYERS:
        assert f"({layer}.md)" in index, layer
    assert "__version__" in index


# ---------------------------------------------------------------------------------------------
# The Python quick start: every snippet runs and prints what the page says it prints.

QUICKSTART = os.path.join(ROOT, "docs", "quickstart-python.md")


def _snippets_with_output(path: str) -> list[tuple[str, str]]:
    """(code, documented output) for each ```python block followed directly by a ```text block."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return re.findall(r"```python\n(.*?)```\s*```text\n(.*?)```", text, re.S)


def _same_output(expected: str, actual: str) -> bool:
    """Line by line, token by token; numbers agree to 1e-4 relative (model fits may differ in the
    last digits across BLAS builds), everything else exactly; column padding is ignored."""
    want, got = expected.strip().splitlines(), actual.strip().splitlines()
    if len(want) != len(got):
        return False
    for a, b in zip(want, got):
        ta, tb = a.split(), b.split()
        if len(ta) != len(tb):
            return False
        for x, y in zip(ta, tb):
            if x == y:
                continue
            try:
                fx, fy = float(x.strip(",")), float(y.strip(","))
            except ValueError:
                return False
            if abs(fx - fy) > 1e-4 * max(1.0, abs(fx)):
                return False
    return True


@pytest.mark.skipif(not os.path.exists(QUICKSTART), reason="needs a source checkout")
def test_the_python_quickstart_runs_and_prints_what_it_shows(tmp_path):
    snippets = _snippets_with_output(QUICKSTART)
    assert len(snippets) == 2, "the quick start's snippet/output pairs changed; update this test"
    for code, expected in snippets:
        run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr
        assert _same_output(expected, run.stdout), f"documented:\n{expected}\nprinted:\n{run.stdout}"
