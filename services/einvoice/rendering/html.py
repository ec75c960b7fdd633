"""HTML rendition of an :class:`InvoiceView` (Jinja2 with autoescaping).

Every text in an invoice comes from the supplier, so the template never marks anything
safe: autoescaping is on for the whole template and the stylesheet is inline (no links,
no scripts), which lets the rendition be stored and served as a self-contained file.
The template lives in this module rather than in a data file so that an installed
package cannot lose it.
"""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, StrictUndefined, Template

from services.einvoice.rendering.view import InvoiceView

TEMPLATE = """\
{% macro terms(rows) %}
<table class="terms">
{% for r in rows %}
<tr><td class="bt">{{ r.bt }}</td><td class="label">{{ r.label }}</td><td>{{ r.value }}</td></tr>
{% endfor %}
</table>
{%- endmacro %}
{%- macro grid(t) %}
<table class="grid">
<tr>{% for c in t.columns %}
<th>{{ c.label }}<br><span class="bt">{{ c.bt }}</span></th>
{% endfor %}</tr>
{% for row in t.rows %}
<tr class="level-{{ row.level }}">
{% for cell in row.cells %}
<td{% if t.columns[loop.index0].numeric %} class="num"{% endif %}>{{ cell }}</td>
{% endfor %}
</tr>
{% if row.details %}
<tr class="details"><td colspan="{{ t.columns | length }}">
{% for d in row.details %}
<span class="bt">{{ d.bt }}</span> {{ d.label }}: {{ d.value }}{% if not loop.last %}<br>{% endif %}
{% endfor %}</td></tr>
{% endif %}
{% endfor %}
</table>
{%- endmacro %}
{%- macro section_body(s) %}
{% if s.rows %}{{ terms(s.rows) }}{% endif %}
{% for t in s.tables %}
{% if t.title != s.title %}<h3>{{ t.title }} <span class="bt">{{ t.bt }}</span></h3>{% endif %}
{{ grid(t) }}
{% endfor %}
{% for sub in s.subsections %}
<h3>{{ sub.title }} <span class="bt">{{ sub.bt }}</span></h3>
{{ section_body(sub) }}
{% endfor %}
{%- endmacro %}
{#- document -#}
<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="generator" content="eakte">
<title>{{ view.title }}</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111;
       max-width: 60em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 16pt; margin-bottom: .2em; }
h2 { font-size: 12pt; border-bottom: 1px solid #888; margin-top: 1.6em; }
h3 { font-size: 10.5pt; margin: 1em 0 .3em; }
table { border-collapse: collapse; width: 100%; margin: .3em 0 .8em; }
th, td { border: 1px solid #ccc; padding: .2em .4em; vertical-align: top; text-align: left; }
th { background: #eee; }
td.num { text-align: right; white-space: nowrap; }
td.bt, span.bt { color: #555; font-size: 8.5pt; white-space: nowrap; }
table.terms td.bt { width: 7em; }
table.terms td.label { width: 17em; }
tr.details td { font-size: 8.5pt; color: #333; background: #fafafa; }
tr.level-1 td:first-child { padding-left: 1.5em; }
tr.level-2 td:first-child { padding-left: 3em; }
.verdict { font-weight: bold; padding: .3em .6em; display: inline-block; }
.valid { background: #d9f2d9; } .invalid { background: #f8d7d7; }
.notes { background: #fff6d6; padding: .4em .6em; }
</style>
</head>
<body>
<h1>{{ view.title }}</h1>
<p>Menschenlesbare Darstellung der elektronischen Rechnung. Rechtlich maßgeblich ist
die strukturierte XML-Datei.</p>
{% if view.validation %}{% set v = view.validation %}
<section id="validierung">
<h2>Prüfergebnis</h2>
<p class="verdict {{ 'valid' if v.valid else 'invalid' }}">Die Rechnung ist {{ v.verdict }}.</p>
{% if v.facts %}{{ terms(v.facts) }}{% endif %}
{% for title, items in (("Fehler", v.errors), ("Warnungen", v.warnings)) %}
<h3>{{ title }} ({{ items | length }})</h3>
{% if items %}
<table class="findings">
<tr><th>Regel</th><th>Schwere</th><th>Meldung</th><th>Fundstelle</th></tr>
{% for f in items %}
<tr><td class="bt">{{ f.rule }}</td><td>{{ f.severity }}</td><td>{{ f.message }}</td>
<td class="bt">{{ f.location }}</td></tr>
{% endfor %}
</table>
{% else %}<p>Keine.</p>{% endif %}
{% endfor %}
</section>
{% endif %}
{% if view.notes %}
<div class="notes"><strong>Hinweise zum Auslesen:</strong>
<ul>{% for n in view.notes %}<li>{{ n }}</li>{% endfor %}</ul></div>
{% endif %}
{% for s in view.sections %}
<section>
<h2>{{ s.title }}{% if s.bt %} <span class="bt">{{ s.bt }}</span>{% endif %}</h2>
{{ section_body(s) }}
</section>
{% endfor %}
</body>
</html>
"""


@cache
def _template() -> Template:
    env = Environment(autoescape=True, undefined=StrictUndefined, trim_blocks=True)
    return env.from_string(TEMPLATE)


def render_view_html(view: InvoiceView) -> str:
    """The complete HTML document for ``view``."""
    return _template().render(view=view)
