"""Make a compiled Schematron (XSLT from the ISO skeleton) walk the invoice fewer times.

The ISO skeleton turns each Schematron ``<pattern>`` into an XSLT mode ``M<n>``: the
root template applies the mode to ``/``, a built-in rule of the mode recurses into every
attribute and element, and each rule template recurses on after its assertions.  So the
whole document is walked once per pattern: CEN's UBL file has 3 patterns, the Factur-X
EN 16931 file that judges CII has 66, which made CII about four times slower than UBL.

Two rewrites, both keeping the report the caller reads exactly as it was:

* **Direct selection.**  When every rule context of a pattern is a path of name tests
  from the root (``/a//b[...]/c``; predicates allowed, no union), the walk over ``/``
  becomes one ``apply-templates`` over the union of those paths with their predicates
  left out, and neither the rule templates nor the mode's built-in rule recurse any
  more.  Every node a rule context matches is in that union (a predicate only narrows
  a step), a union comes in document order without duplicates, and template matching
  with the full patterns and priorities still decides which rule, if any, fires for
  each of those nodes -- with the walk's behaviour on a pattern that raises an error
  (no match).  So each node a rule can fire on is offered to the pattern once, in the
  order of the walk: same assertions, same order.  A pattern with any other rule
  context keeps its walk.
* **Dropping patterns** whose every assertion and report the caller discards anyway
  (``keep(rule_id)`` false for all of them, "" for one without an id).
* **Dropping the empty walks** the skeleton puts into each ``svrl:active-pattern``: an
  argumentless ``apply-templates`` in the default mode, where the only rules are the
  root template and an empty ``text()`` one, so it outputs nothing after walking the
  whole document (another walk per pattern).  Left alone if the default mode has any
  other template.

Output only changes in what the caller discards: the dropped patterns' findings and
their ``svrl:fired-rule`` entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

XSL = "http://www.w3.org/1999/XSL/Transform"
SVRL = "http://purl.oclc.org/dsdl/svrl"
_X = f"{{{XSL}}}"
_PATTERN_MODE = re.compile(r"M\d+")
#: A path of name tests from the root: /a:b//c/@d (what the rewrite can select directly).
_NAME_PATH = re.compile(r"(//?@?([\w.-]+:)?[\w.-]+)+")
_RESULTS = (f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def streamlined_stylesheet(path: Path, keep: Callable[[str], bool]) -> str:
    """The stylesheet at ``path`` rewritten as described above, as XSLT text."""
    tree = etree.parse(str(path), _PARSER)
    root = tree.getroot()
    rules, walks = _templates(root)
    if _default_mode_is_silent(root):
        for pattern in root.iter(f"{{{SVRL}}}active-pattern"):
            for apply in list(pattern.iterchildren(f"{_X}apply-templates")):
                if not apply.attrib and not len(apply):
                    pattern.remove(apply)
    for apply in _pattern_calls(root, rules):
        mode = apply.get("mode", "")
        templates = rules[mode]
        if not any(keep(rule_id) for template in templates for rule_id in _rule_ids(template)):
            parent = apply.getparent()
            assert parent is not None
            parent.remove(apply)
            continue
        paths = [_without_predicates(template.get("match", "")) for template in templates]
        if all(_NAME_PATH.fullmatch(path) for path in paths):
            apply.set("select", " | ".join(dict.fromkeys(paths)))
            for template in [*templates, *walks.get(mode, [])]:
                for recursion in list(template.iterchildren(f"{_X}apply-templates")):
                    if recursion.get("mode") == mode and recursion.get("select") == "@*|*":
                        template.remove(recursion)
    return str(etree.tostring(tree, encoding="unicode"))


def _default_mode_is_silent(root: etree._Element) -> bool:
    """Whether the default mode has only the root template and templates without content."""
    return all(
        template.get("match") == "/" or (not len(template) and not (template.text or "").strip())
        for template in root.iterchildren(f"{_X}template")
        if template.get("match") is not None and _in_default_mode(template.get("mode"))
    )


def _in_default_mode(mode: str | None) -> bool:
    return mode is None or bool({"#default", "#all"} & set(mode.split()))


def _without_predicates(pattern: str) -> str:
    """``pattern`` without its ``[...]`` predicates (nested, with quoted strings)."""
    out: list[str] = []
    depth = 0
    quote = ""
    for char in pattern:
        if quote:
            quote = "" if char == quote else quote
        elif depth and char in "'\"":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif not depth:
            out.append(char)
    return "".join(out)


_Templates = dict[str, list[etree._Element]]


def _templates(root: etree._Element) -> tuple[_Templates, _Templates]:
    """Each pattern mode's rule templates, and its built-in walk templates."""
    rules: _Templates = {}
    walks: _Templates = {}
    for template in root.iterchildren(f"{_X}template"):
        mode = template.get("mode", "")
        if _PATTERN_MODE.fullmatch(mode):
            walk = template.get("match") in ("text()", "@*|node()")
            (walks if walk else rules).setdefault(mode, []).append(template)
    return rules, walks


def _pattern_calls(root: etree._Element, rules: _Templates) -> list[etree._Element]:
    """The root template's ``apply-templates mode="M<n>" select="/"`` calls."""
    return [
        apply
        for template in root.iterchildren(f"{_X}template")
        if template.get("match") == "/" and template.get("mode") is None
        for apply in template.iter(f"{_X}apply-templates")
        if apply.get("select") == "/" and apply.get("mode", "") in rules
    ]


def _rule_ids(template: etree._Element) -> list[str]:
    """The ids of the template's assertions and reports ("" for one without an id)."""
    ids = []
    for result in template.iter(*_RESULTS):
        made = [a for a in result.iterchildren(f"{_X}attribute") if a.get("name") == "id"]
        literal = result.get("id") or ""
        ids.append((made[0].text or "" if made else literal).strip())
    return ids
