"""Pictures drawn on the server as SVG (no JavaScript, no library, works offline).

* a receptor complex: its chains across the membrane, the chains that many complexes share
  (IL2RG, IL6ST, CSF2RB, …: found from the data, see :func:`shared_chains`) marked, and the
  ligands that bind it above;
* a family of ligands (or of receptors): its ligand-receptor network, one edge per
  ``binds receptor`` assertion (or one of its sub-properties, each its own colour).

Sizes are bounded (``MAX_NODES``); every text is escaped.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from html import escape

from cytoowl.serve.browse.catalog import RECEPTOR_COMPLEX, Catalog
from cytoowl.serve.browse.hierarchy import Hierarchy, page_href

#: A chain that is part of at least this many receptor complexes is drawn as shared.
SHARED_MIN = 3
MAX_NODES = 60
MAX_CHAINS = 12
PALETTE = ("#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b83280", "#718096")
_SYMBOL = re.compile(r"[A-Z][A-Z0-9-]*$")
CHAR = 6.6  # average glyph width at 12px, for laying out labels


@dataclass(frozen=True)
class Picture:
    """An SVG and the text alternative that goes with it."""

    svg: str
    caption: str


def short_name(catalog: Catalog, iri: str) -> str:
    """A gene symbol (the synonym the definition names) or the shortest symbol-like synonym."""
    term = catalog.get(iri)
    if term is None:
        return catalog.name(iri)
    exact = [text for text, scope in term.synonyms if scope == "exact"]
    named = [s for s in exact if term.definition and f" {s} (" in term.definition]
    if named:
        return named[0]
    symbols = sorted((s for s in exact if _SYMBOL.match(s)), key=lambda s: (len(s), s))
    return symbols[0] if symbols else term.name


def receptor_complexes(catalog: Catalog, h: Hierarchy) -> set[str]:
    """Terms with parts that are typed receptor complex, or that a ligand binds."""
    typed = {RECEPTOR_COMPLEX, *h.descendants(RECEPTOR_COMPLEX)}
    return {
        iri
        for iri in catalog.complexes_with_parts()
        if catalog.types.get(iri, set()) & typed or iri in catalog.bound_by
    }


def shared_chains(catalog: Catalog, complexes: set[str]) -> dict[str, int]:
    """chain -> number of receptor complexes it is part of, for chains in ``SHARED_MIN`` or more."""
    counts = Counter(part for c in complexes for part in set(catalog.parts[c]))
    return {chain: n for chain, n in counts.items() if n >= SHARED_MIN}


def _text(x: float, y: float, text: str, cls: str = "", anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.0f}" y="{y:.0f}" text-anchor="{anchor}"'
        + (f' class="{cls}"' if cls else "")
        + f">{escape(text)}</text>"
    )


def _link(catalog: Catalog, iri: str, body: str) -> str:
    href, title = page_href(iri), f"<title>{escape(catalog.name(iri))}</title>"
    return f'<a href="{escape(href)}">{title}{body}</a>' if href else f"<g>{title}{body}</g>"


def _svg(width: float, height: float, body: list[str], label: str, ident: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{ident}" class="diagram" role="img" '
        f'aria-label="{escape(label)}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'width="{width:.0f}" height="{height:.0f}" font-family="sans-serif" font-size="12">'
        "<style>.sym{font-weight:bold;font-size:13px}.small{font-size:10px;fill:#4a5568}"
        ".shared rect{fill:#f6ad55;stroke:#9c4221;stroke-width:2}"
        ".chain rect{fill:#90cdf4;stroke:#2c5282}.lig ellipse{fill:#c6f6d5;stroke:#276749}"
        "a:hover rect,a:hover ellipse{opacity:.75}"
        ".shared-chain{font-weight:bold;fill:#9c4221}</style>" + "".join(body) + "</svg>"
    )


def complex_diagram(catalog: Catalog, h: Hierarchy, iri: str) -> Picture | None:
    """The chains of a receptor complex across the membrane, shared ones marked."""
    complexes = receptor_complexes(catalog, h)
    if iri not in complexes:
        return None
    chains = catalog.parts[iri][:MAX_CHAINS]
    shared = shared_chains(catalog, complexes)
    ligands = sorted({s for _, s in catalog.bound_by.get(iri, [])}, key=catalog.name)[:MAX_NODES]
    slot = 120
    width = max(420, slot * len(chains) + 60, 110 * min(len(ligands), 8) + 40)
    top = 30 + 44 * ((len(ligands) + 7) // 8)
    body: list[str] = []
    for i, ligand in enumerate(ligands):  # ligands in rows of eight above the chains
        x = 20 + 55 + 110 * (i % 8) + (width - 40 - 110 * min(len(ligands), 8)) / 2
        y = 32 + 44 * (i // 8)
        shape = f'<g class="lig"><ellipse cx="{x:.0f}" cy="{y}" rx="50" ry="15"/>'
        shape += _text(x, y + 4, short_name(catalog, ligand)) + "</g>"
        body.append(_link(catalog, ligand, shape))
    membrane = top + 90
    body.append(
        f'<rect x="0" y="{membrane}" width="{width}" height="26" fill="#fefcbf" stroke="#d69e2e"/>'
    )
    body.append(_text(8, membrane + 17, "membrane", "small", "start"))
    body.append(_text(8, top + 14, "outside", "small", "start"))
    body.append(_text(8, membrane + 60, "inside", "small", "start"))
    left = (width - slot * len(chains)) / 2
    for i, chain in enumerate(chains):
        x = left + slot * i + slot / 2
        n = shared.get(chain)
        cls = "shared" if n else "chain"
        shape = (
            f'<g class="{cls}" data-chain="{escape(short_name(catalog, chain))}">'
            f'<rect x="{x - 22:.0f}" y="{top + 20}" width="44" height="140" rx="16"/>'
            + _text(x, top + 14, short_name(catalog, chain), "sym")
            + _text(x, membrane + 86, f"shared: in {n} receptors" if n else "", "small")
            + "</g>"
        )
        body.append(_link(catalog, chain, shape))
    height = membrane + 100
    names = ", ".join(short_name(catalog, c) for c in chains)
    marked = [short_name(catalog, c) for c in chains if c in shared]
    caption = f"{catalog.name(iri)}: chains {names}" + (
        f"; shared chain(s) {', '.join(marked)}" if marked else ""
    )
    return Picture(_svg(width, height, body, caption, "complex-diagram"), caption)


def family_network(catalog: Catalog, h: Hierarchy, iri: str) -> Picture | None:
    """Ligands of the class (or ligands of its receptors) and the receptors they bind."""
    members = set(h.instances(iri))
    for sub in h.descendants(iri):
        members |= set(h.instances(sub))
    edges: list[tuple[str, str, str]] = []  # (ligand, property, receptor)
    ligands = sorted((m for m in members if catalog.binds.get(m)), key=catalog.name)
    if ligands:
        edges = [(lig, p, r) for lig in ligands for p, r in catalog.binds[lig]]
    else:
        receptors = [m for m in members if catalog.bound_by.get(m)]
        edges = [(lig, p, r) for r in receptors for p, lig in catalog.bound_by[r]]
        ligands = sorted({e[0] for e in edges}, key=catalog.name)
    if not edges or len(ligands) > MAX_NODES:
        return None
    receptors = _order_by_barycentre(ligands, edges)
    if len(receptors) > MAX_NODES:
        return None
    row = 24
    ligand_width = max(len(short_name(catalog, i)) for i in ligands) * CHAR + 24
    receptor_width = max(len(short_name(catalog, r)) for r in receptors) * CHAR + 24
    shared = shared_chains(catalog, receptor_complexes(catalog, h))
    chain_text = {r: _chain_spans(catalog, r, shared) for r in receptors}
    chain_width = max((len(short) for _, short in chain_text.values()), default=0) * CHAR
    gap = 260
    width = 20 + ligand_width + gap + receptor_width + 12 + chain_width + 20
    height = 60 + row * max(len(ligands), len(receptors)) + 30
    y_lig = {
        lig: 50 + row * i + (height - 80 - row * len(ligands)) / 2 for i, lig in enumerate(ligands)
    }
    y_rec = {
        r: 50 + row * i + (height - 80 - row * len(receptors)) / 2 for i, r in enumerate(receptors)
    }
    x1, x2 = 20 + ligand_width, 20 + ligand_width + gap
    colours = {p: PALETTE[i % len(PALETTE)] for i, p in enumerate(catalog.binding_properties)}
    body = [
        _text(20, 24, "ligands", "small", "start"),
        _text(x2, 24, "receptors", "small", "start"),
    ]
    for lig, prop, rec in edges:
        y1, y2 = y_lig[lig], y_rec[rec]
        body.append(
            f'<path d="M{x1:.0f},{y1:.0f} C{x1 + gap / 2:.0f},{y1:.0f} {x2 - gap / 2:.0f},{y2:.0f} '
            f'{x2:.0f},{y2:.0f}" fill="none" stroke="{colours.get(prop, "#718096")}" '
            f'stroke-opacity=".7" stroke-width="1.5" class="edge"><title>'
            f"{escape(catalog.name(lig))} {escape(catalog.name(prop))} {escape(catalog.name(rec))}"
            "</title></path>"
        )
    for lig in ligands:
        shape = (
            f'<g class="lig"><rect x="20" y="{y_lig[lig] - 10:.0f}" width="{ligand_width:.0f}" '
            f'height="20" rx="10" fill="#c6f6d5" stroke="#276749"/>'
            + _text(20 + ligand_width / 2, y_lig[lig] + 4, short_name(catalog, lig))
            + "</g>"
        )
        body.append(_link(catalog, lig, shape))
    for rec in receptors:
        shape = (
            f'<g class="rec"><rect x="{x2:.0f}" y="{y_rec[rec] - 10:.0f}" '
            f'width="{receptor_width:.0f}" height="20" rx="3" fill="#bee3f8" stroke="#2c5282"/>'
            + _text(x2 + receptor_width / 2, y_rec[rec] + 4, short_name(catalog, rec))
            + "</g>"
        )
        body.append(_link(catalog, rec, shape))
        spans, _ = chain_text[rec]
        if spans:
            x = x2 + receptor_width + 8
            body.append(f'<text x="{x:.0f}" y="{y_rec[rec] + 4:.0f}" class="small">{spans}</text>')
    used = sorted({p for _, p, _ in edges}, key=catalog.binding_properties.index)
    for i, prop in enumerate(used):  # legend
        y = height - 12
        x = 20 + 170 * i
        body.append(
            f'<line x1="{x}" y1="{y - 4}" x2="{x + 24}" y2="{y - 4}" stroke="{colours[prop]}" '
            'stroke-width="2"/>' + _text(x + 30, y, catalog.name(prop), "small", "start")
        )
    caption = (
        f"{catalog.name(iri)}: {len(ligands)} ligand(s), {len(receptors)} receptor(s), "
        f"{len(edges)} interaction(s); a complex's chains are listed after it, shared ones in "
        "bold orange"
    )
    return Picture(_svg(width, height, body, caption, "family-network"), caption)


def _chain_spans(catalog: Catalog, iri: str, shared: dict[str, int]) -> tuple[str, str]:
    """A complex's chains as SVG text spans (shared ones bold, orange) and as plain text."""
    names = [(short_name(catalog, c), c in shared) for c in catalog.parts.get(iri, [])]
    spans = " + ".join(
        f'<tspan class="shared-chain">{escape(n)}</tspan>' if is_shared else escape(n)
        for n, is_shared in names
    )
    return spans, " + ".join(n for n, _ in names)


def _order_by_barycentre(ligands: list[str], edges: list[tuple[str, str, str]]) -> list[str]:
    """Receptors ordered by the mean position of their ligands (fewer crossing edges)."""
    position = {lig: i for i, lig in enumerate(ligands)}
    linked: dict[str, list[int]] = defaultdict(list)
    for lig, _, rec in edges:
        linked[rec].append(position[lig])
    return sorted(linked, key=lambda r: (sum(linked[r]) / len(linked[r]), r))
