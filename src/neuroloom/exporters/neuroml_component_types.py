"""The LEMS ComponentTypes of a NeuroML export (the file's own types its kept channels use,
neuroml/component_types.py), written after the network, where NeuroML's schema has them."""
from __future__ import annotations

import io


def component_types_xml(component_types) -> str:
    """The ComponentTypes (libNeuroML objects) as XML, indented as a document's children."""
    out = io.StringIO()
    for kind in component_types:
        kind.export(out, 1, name_="ComponentType", namespacedef_="")
    return out.getvalue()

