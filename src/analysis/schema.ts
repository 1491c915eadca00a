import type { AttrValue, Node } from '../ir/types';
import generated from './onnx-schema.generated.json';
import supplement from './onnx-schema.supplement.json';

/**
 * ONNX's own operator metadata, as Netron keeps it: every ai.onnx operator version's attributes
 * (type, required, default, allowed values where the schema states them) and formal inputs and
 * outputs. onnx-schema.generated.json is written by scripts/gen-onnx-metadata.py from
 * python3-onnx's schemas; onnx-schema.supplement.json adds the opsets newer than that onnx.
 * The rules read attribute defaults from here (RuleContext.int/ints/float/str without a default).
 */

export type AttrDefault = number | string | number[] | string[];

export interface AttrSchema {
  /** ONNX attribute type: int, ints, float, floats, string, strings, tensor, graph… */
  t: string;
  /** 1 when the attribute is required. */
  r?: number;
  /** Default value when the attribute is absent. */
  d?: AttrDefault;
  /** Allowed values (string attributes whose schema lists them). */
  v?: string[];
}

export interface OpVersion {
  since: number;
  attrs: Record<string, AttrSchema>;
  /** Formal inputs/outputs: name, with '?' when optional and '*' when variadic. */
  inputs: string[];
  outputs: string[];
}

interface Change {
  attrs?: Record<string, AttrSchema>;
  drop?: string[];
  inputs?: string[];
  outputs?: string[];
}

let table: Map<string, OpVersion[]> | null = null;

/** The generated versions with the supplement's later ones applied, each from its predecessor. */
function versions(): Map<string, OpVersion[]> {
  if (table) return table;
  const t = new Map<string, OpVersion[]>();
  for (const [op, list] of Object.entries(generated.ops as unknown as Record<string, OpVersion[]>)) t.set(op, list);
  const later = supplement.versions as unknown as Record<string, Record<string, Change>>;
  for (const since of Object.keys(later).map(Number).sort((a, b) => a - b)) {
    for (const [op, change] of Object.entries(later[String(since)])) {
      const list = t.get(op) ?? [];
      const prev = list[list.length - 1];
      const attrs = { ...(prev?.attrs ?? {}), ...(change.attrs ?? {}) };
      for (const name of change.drop ?? []) delete attrs[name];
      list.push({ since, attrs, inputs: change.inputs ?? prev?.inputs ?? [], outputs: change.outputs ?? prev?.outputs ?? [] });
      t.set(op, list);
    }
  }
  table = t;
  return t;
}

/** Every known version of an ai.onnx operator, oldest first (empty when unknown). */
export function opVersions(opType: string): readonly OpVersion[] {
  return versions().get(opType) ?? [];
}

/** The newest opset any schema here describes. */
export function newestOpset(): number {
  return Math.max(...Object.keys(supplement.versions).map(Number), generated.opset);
}

/**
 * The version of an ai.onnx operator a model at `opset` uses: the newest one since at or before it
 * (opset 0, i.e. not declared, takes the newest). Undefined for other domains and unknown ops.
 */
export function opSchema(domain: string, opType: string, opset: number): OpVersion | undefined {
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  // Looked up for every node and attribute read: cached per op and opset.
  let byOpset = resolved.get(opType);
  if (!byOpset) resolved.set(opType, (byOpset = new Map()));
  if (byOpset.has(opset)) return byOpset.get(opset);
  const list = versions().get(opType);
  let pick: OpVersion | undefined;
  if (list) {
    if (opset <= 0) pick = list[list.length - 1];
    else for (const v of list) if (v.since <= opset) pick = v;
  }
  byOpset.set(opset, pick);
  return pick;
}

const resolved = new Map<string, Map<number, OpVersion | undefined>>();
const requiredNames = new WeakMap<OpVersion, string[]>();

function required(schema: OpVersion): string[] {
  let r = requiredNames.get(schema);
  if (!r) requiredNames.set(schema, (r = Object.keys(schema.attrs).filter((n) => schema.attrs[n].r)));
  return r;
}

/** What is wrong with a node's attributes against its schema: one line each, naming the node and
 * the attribute (a required one missing, one the operator's version does not define, a value the
 * schema does not allow). Nothing for other domains or unknown ops. */
export function attributeProblems(node: Node, opset: number): string[] {
  const schema = opSchema(node.domain, node.opType, opset);
  if (!schema) return [];
  let out: string[] | undefined;
  const say = (line: string) => (out ??= []).push(`${node.opType} node '${node.name || node.id}': ${line}`);
  const version = `${node.opType}-${schema.since}`;
  for (const name of required(schema)) {
    if (node.attributes[name] === undefined) say(`required attribute '${name}' is missing (${version})`);
  }
  for (const name in node.attributes) {
    const a = schema.attrs[name];
    const value = node.attributes[name];
    if (!a) say(`attribute '${name}' is not defined for ${version}${knownNames(schema)}`);
    else if (a.v && typeof value === 'string' && !a.v.includes(value)) {
      say(`attribute '${name}' is '${value}'; ${version} allows ${a.v.map((x) => `'${x}'`).join(', ')}`);
    }
  }
  return out ?? NONE;
}

const NONE: string[] = [];

function knownNames(schema: OpVersion): string {
  const names = Object.keys(schema.attrs);
  return names.length ? ` (it has ${names.join(', ')})` : ' (it has no attributes)';
}

/**
 * The default of a node's attribute: from the operator version the node uses; for an attribute that
 * version does not define (a rule handling several versions reads one added later, such as Shape's
 * start before opset 15), from the nearest later version that defines it, else the nearest earlier
 * one: ONNX adds attributes with defaults that keep the older behaviour.
 */
export function schemaDefault(node: Node, opset: number, name: string): AttrValue | undefined {
  const own = opSchema(node.domain, node.opType, opset);
  if (!own) return undefined;
  const here = own.attrs[name];
  if (here) return here.d;
  const list = opVersions(node.opType);
  const at = list.indexOf(own);
  for (let i = at + 1; i < list.length; i++) if (list[i].attrs[name]) return list[i].attrs[name].d;
  for (let i = at - 1; i >= 0; i--) if (list[i].attrs[name]) return list[i].attrs[name].d;
  return undefined;
}
