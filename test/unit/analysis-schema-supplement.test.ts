/**
 * Machine check of src/analysis/onnx-schema.supplement.json (opsets 18 and later, written by hand
 * from ONNX's docs because Debian's python3-onnx stops at opset 17), against two sources nobody
 * here wrote:
 * 1. ONNX Runtime's own build of ONNX's operator schemas (test/helpers/ortSchema.ts):
 *    - for every operator our tables know, at every opset from 18 to newestOpset(), the version ORT
 *      resolves equals the one opSchema() resolves (so no version bump is missing or misplaced);
 *    - for every supplement entry, the input and output counts ORT accepts equal its formal
 *      parameters; every attribute it lists is one ORT knows, with that type; an attribute it adds
 *      is unknown to the previous version; the required ones are exactly those ORT requires.
 * 2. ONNX's own node tests at opset 18 and later (../shared/models/onnx-backend, Debian's
 *    libonnx-testdata): every attribute a real node sets is in the version it resolves to.
 * Not proven: attribute defaults and allowed values, and type constraints (ORT's messages do not
 * state them); operators neither our tables nor ORT's messages name (a new op is found only if
 * we list it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AttrType, AttrValue } from '../../src/ir/types';
import { newestOpset, opSchema, opVersions, type OpVersion } from '../../src/analysis/schema';
import generated from '../../src/analysis/onnx-schema.generated.json';
import supplement from '../../src/analysis/onnx-schema.supplement.json';
import { readModelFile } from '../../src/formats/index';
import { corpusRoot } from '../helpers/corpus';
import { arity, refusal, sampleValue, type Arity } from '../helpers/ortSchema';

const FIRST = 18;
const LAST = newestOpset();
const later = supplement.versions as Record<string, Record<string, unknown>>;
const OPS = [...new Set([...Object.keys(generated.ops), ...Object.values(later).flatMap((v) => Object.keys(v))])].sort();
/** ORT turns Constant nodes into initializers before checking them, so no probe reaches its schema. */
const UNPROBED = new Set(['Constant']);

/** Runs f over the items, a few at a time (ORT creates sessions on its own threads). */
async function pool<T, R>(items: T[], f: (x: T) => Promise<R>, width = 4): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await f(items[i]);
    }
  }));
  return out;
}

/** The count range of formal parameters as ONNX's OpSchema::Finalize computes it: an optional one
 * before a required one still takes a place; a variadic one (always last) adds its min arity, 0 or 1. */
function formal(list: string[]): { min: number; variadic: boolean; max: number } {
  let min = 0;
  let max = 0;
  for (const x of list) {
    if (x.endsWith('*')) return { min: max, variadic: true, max: Infinity };
    max++;
    if (!x.endsWith('?')) min = max;
  }
  return { min, variadic: false, max };
}

function checkArity(label: string, ours: string[], ort: Arity): void {
  const f = formal(ours);
  if (f.variadic) {
    assert.equal(ort.max, 2147483647, `${label}: variadic here (${ours.join(', ')}), ORT's max is ${ort.max}`);
    assert.ok(ort.min >= f.min && ort.min <= f.min + 1, `${label}: ORT's min ${ort.min} for ${ours.join(', ')}`);
  } else {
    assert.deepEqual([ort.min, ort.max], [f.min, f.max], `${label}: ORT accepts ${ort.min}..${ort.max} for ${ours.join(', ')}`);
  }
}

test(`every operator's version at opsets ${FIRST}..${LAST} is the one ONNX Runtime resolves`, async () => {
  const cases = OPS.filter((op) => !UNPROBED.has(op)).flatMap((op) => Array.from({ length: LAST - FIRST + 1 }, (_, k) => ({ op, opset: FIRST + k })));
  const got = await pool(cases, (c) => arity(c.op, c.opset, 'input'));
  const wrong: string[] = [];
  cases.forEach((c, i) => {
    const ours = opSchema('', c.op, c.opset);
    const g = got[i];
    if (ours && (ours as OpVersion & { deprecated?: number }).deprecated) {
      if (typeof g !== 'string' || !/deprecated/i.test(g)) wrong.push(`${c.op} at ${c.opset}: deprecated here, ORT says ${JSON.stringify(g)}`);
      return;
    }
    const theirs = typeof g === 'string' ? g : g.since;
    if ((ours?.since ?? 'none') !== theirs) wrong.push(`${c.op} at ${c.opset}: ours ${ours?.since ?? 'none'}, ORT ${theirs}`);
  });
  assert.deepEqual(wrong, []);
  assert.ok(cases.length > 1000);
});

/** Every (op, version) the supplement writes, with the version before it. */
const entries = Object.entries(later).flatMap(([since, ops]) => Object.keys(ops).map((op) => {
  const list = opVersions(op);
  const at = list.findIndex((v) => v.since === Number(since));
  return { op, since: Number(since), version: list[at], previous: at > 0 ? list[at - 1] : undefined };
})).filter((e) => !UNPROBED.has(e.op));

function typed(attrs: [string, OpVersion['attrs'][string]][]): { attrs: Record<string, AttrValue>; types: Record<string, AttrType> } {
  const out = { attrs: {} as Record<string, AttrValue>, types: {} as Record<string, AttrType> };
  for (const [name, a] of attrs) {
    const s = sampleValue(a);
    if (!s) continue;
    out.attrs[name] = s.value;
    out.types[name] = s.type;
  }
  return out;
}

const ATTR_TROUBLE = /Unrecognized attribute|Mismatched attribute type|Required attribute/;

for (const e of entries) {
  test(`supplement ${e.op}-${e.since}: inputs, outputs and attributes as ONNX Runtime's schema has them`, async () => {
    const v = e.version;
    const ins = await arity(e.op, e.since, 'input');
    assert.ok(typeof ins !== 'string', `inputs: ${ins}`);
    assert.equal(ins.since, e.since, 'the version ORT resolves');
    checkArity('inputs', v.inputs, ins);
    const outs = await arity(e.op, e.since, 'output', ins.min);
    assert.ok(typeof outs !== 'string', `outputs: ${outs}`);
    checkArity('outputs', v.outputs, outs);
    const base = { op: e.op, opset: e.since, inputs: ins.min, outputs: Math.max(1, outs.min) };
    const all = Object.entries(v.attrs);
    const required = all.filter(([, a]) => a.r);
    // Every attribute at once: none unknown, none of the wrong type, none required missing.
    const every = typed(all);
    const msg = await refusal({ ...base, ...every });
    assert.ok(msg === null || !ATTR_TROUBLE.test(msg), `all attributes (${Object.keys(every.attrs).join(', ')}): ${msg}`);
    // The probe can fail: an attribute nobody defines is reported.
    assert.match(await refusal({ ...base, attrs: { convlens_probe: 1 } }) ?? '', /Unrecognized attribute: convlens_probe/);
    // The required ones alone are enough, and each one left out is reported.
    const req = await refusal({ ...base, ...typed(required) });
    assert.ok(req === null || !ATTR_TROUBLE.test(req), `only the required attributes (${required.map(([n]) => n).join(', ') || 'none'}): ${req}`);
    for (const [name] of required) {
      const without = await refusal({ ...base, ...typed(required.filter(([n]) => n !== name)) });
      assert.match(without ?? '', new RegExp(`Required attribute '${name}' is missing`), `leaving out ${name}`);
    }
    // An attribute this version adds is unknown to the one before; one it drops is unknown here.
    const prev = e.previous;
    if (prev) {
      const prevIns = await arity(e.op, e.since - 1, 'input');
      assert.ok(typeof prevIns !== 'string', `inputs before: ${prevIns}`);
      const prevRequired = Object.entries(prev.attrs).filter(([, a]) => a.r);
      for (const [name, a] of all.filter(([n]) => !(n in prev.attrs))) {
        const t = typed([...prevRequired, [name, a]]);
        if (!(name in t.attrs)) continue;
        const m = await refusal({ op: e.op, opset: e.since - 1, inputs: prevIns.min, outputs: base.outputs, ...t });
        assert.match(m ?? '', new RegExp(`Unrecognized attribute: ${name}\\b`), `${name} before ${e.since}`);
      }
      for (const [name, a] of Object.entries(prev.attrs).filter(([n]) => !(n in v.attrs))) {
        const t = typed([...required, [name, a]]);
        if (!(name in t.attrs)) continue;
        assert.match(await refusal({ ...base, ...t }) ?? '', new RegExp(`Unrecognized attribute: ${name}\\b`), `${name} dropped in ${e.since}`);
      }
    }
  });
}

const NODE_TESTS = [join(corpusRoot, 'onnx-backend', 'node'), '/usr/share/libonnx-testdata/data/node'].filter(existsSync);

test(`ONNX's node tests at opset ${FIRST} and later: every attribute a node sets is in the version it resolves to`, async () => {
  let nodes = 0;
  for (const root of NODE_TESTS) {
    for (const dir of readdirSync(root)) {
      const file = join(root, dir, 'model.onnx');
      if (!existsSync(file)) continue;
      const m = await readModelFile(file);
      const opset = m.opsets[''] ?? 0;
      if (opset < FIRST) continue;
      for (const n of m.graph.nodes.filter((x) => x.domain === '' || x.domain === 'ai.onnx')) {
        const v = opSchema('', n.opType, opset);
        assert.ok(v, `${dir}: ${n.opType} at opset ${opset} has a schema`);
        for (const name of Object.keys(n.attributes)) assert.ok(name in v.attrs, `${dir}: ${n.opType}-${v.since} has attribute '${name}'`);
        const f = formal(v.inputs);
        assert.ok(n.inputs.length <= f.max, `${dir}: ${n.opType}-${v.since} takes at most ${f.max} inputs`);
        nodes++;
      }
    }
  }
  assert.ok(nodes >= 60, `only ${nodes} nodes at opset ${FIRST}+`);
});
