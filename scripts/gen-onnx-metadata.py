#!/usr/bin/python3
"""Writes src/analysis/onnx-schema.generated.json from ONNX's own operator schemas, as Netron does.

Run with Debian's python3-onnx (1.12):  /usr/bin/python3 scripts/gen-onnx-metadata.py
For every ai.onnx operator version (onnx.defs.get_all_schemas_with_history()) it records the
since-version, the attributes (type, required, default, and the allowed values where the schema's
text states them), and the inputs and outputs (name, optional '?' or variadic '*'). Opsets newer
than the installed onnx are in src/analysis/onnx-schema.supplement.json, kept by hand from
onnx/docs/Changelog.md; src/analysis/schema.ts merges the two.
"""
import json
import os
import re
import struct
import sys

import onnx
import onnx.defs
import onnx.helper

OUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'analysis', 'onnx-schema.generated.json')

TYPES = {
    'FLOAT': 'float', 'INT': 'int', 'STRING': 'string', 'TENSOR': 'tensor', 'GRAPH': 'graph',
    'SPARSE_TENSOR': 'sparse_tensor', 'TYPE_PROTO': 'type_proto', 'FLOATS': 'floats', 'INTS': 'ints',
    'STRINGS': 'strings', 'TENSORS': 'tensors', 'GRAPHS': 'graphs', 'SPARSE_TENSORS': 'sparse_tensors',
    'TYPE_PROTOS': 'type_protos',
}

# Phrases after which a schema's description lists an attribute's allowed values, e.g.
# "auto_pad must be either NOTSET, SAME_UPPER, SAME_LOWER or VALID", "Three modes: constant(default),
# reflect, edge", "Type of reduction to apply: none (default), add, mul".
LIST_AFTER = re.compile(
    r"(?:must be either|Must be one of|can be either|can be one of|Allowed values are|Valid values are|"
    r"modes(?: are supported)?(?: for [^:.]*)?:|reduction to apply(?: to loss)?:)\s*(.+?)(?:\.(?:\s|$)|$)",
    re.S)
WORD = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def float32(v):
    """The shortest decimal that reads back as the same float32 (0.01, not 0.009999999776)."""
    f = struct.unpack('f', struct.pack('f', v))[0]
    for digits in range(1, 18):
        s = f'{f:.{digits}g}'
        if struct.unpack('f', struct.pack('f', float(s)))[0] == f:
            return float(s)
    return f


def allowed_values(description, default):
    m = LIST_AFTER.search(description)
    if not m:
        return None
    text = re.sub(r"\([^)]*\)", '', m.group(1))
    parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+or\s+|\s+and\s+", text)
    words = [p.strip().strip('`\'"').strip() for p in parts if p.strip()]
    words = [w.split()[0] if w and WORD.match(w.split()[0]) and len(w.split()) > 1 and w.split()[1].startswith('(') else w for w in words]
    if len(words) < 2 or not all(WORD.match(w) for w in words):
        return None
    if default is not None and default not in words:
        return None
    return words


def quoted_modes(description):
    """Resize's coordinate_transformation_mode lists its modes as 'if ... is "half_pixel"'."""
    words = re.findall(r'is\s*["`]([A-Za-z_]+)["`]', description)
    return sorted(set(words)) if len(set(words)) >= 2 else None


def attribute(a):
    out = {'t': TYPES[a.type.name]}
    if a.required:
        out['r'] = 1
    default = None
    if a.default_value is not None and a.default_value.name:
        v = onnx.helper.get_attribute_value(a.default_value)
        if isinstance(v, bytes):
            v = v.decode('utf-8')
        elif isinstance(v, float):
            v = float32(v)
        elif isinstance(v, list):
            v = [x.decode('utf-8') if isinstance(x, bytes) else float32(x) if isinstance(x, float) else x for x in v]
        if isinstance(v, (int, float, str, list)):
            out['d'] = v
            default = v
    if out['t'] == 'string':
        allowed = allowed_values(a.description, default) or (quoted_modes(a.description) if 'coordinate' in a.name else None)
        if allowed:
            out['v'] = allowed
    return out


def formal(p):
    suffix = {0: '', 1: '?', 2: '*'}[int(p.option.value)]
    return p.name + suffix


def main():
    ops = {}
    for s in onnx.defs.get_all_schemas_with_history():
        if s.domain != '':
            continue
        entry = {
            'since': s.since_version,
            'attrs': {name: attribute(a) for name, a in sorted(s.attributes.items())},
            'inputs': [formal(p) for p in s.inputs],
            'outputs': [formal(p) for p in s.outputs],
        }
        if s.deprecated:
            entry['deprecated'] = 1
        ops.setdefault(s.name, []).append(entry)
    for versions in ops.values():
        versions.sort(key=lambda e: e['since'])
    doc = {
        'source': f'onnx {onnx.__version__} onnx.defs.get_all_schemas_with_history() (scripts/gen-onnx-metadata.py)',
        'opset': onnx.defs.onnx_opset_version(),
        'ops': dict(sorted(ops.items())),
    }
    with open(OUT, 'w') as f:
        json.dump(doc, f, separators=(',', ':'), sort_keys=False)
        f.write('\n')
    print(f'wrote {OUT}: {len(ops)} operators, {sum(len(v) for v in ops.values())} versions, opset {doc["opset"]}', file=sys.stderr)


if __name__ == '__main__':
    main()
