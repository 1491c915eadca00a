import type { EncodedGraph } from './modelService';
import type { ViewGraph } from './viewModel';

/**
 * The ViewGraph as it travels from the model worker to the webview: JSON lines, zlib-deflated when
 * large. Line one is the graph without its nodes, edges and tensors, with how each of these tables
 * is written; then come the graph's strings, then the tables' rows, each line `[what, chunk]`.
 * - A row lists the values of the keys every entry has, by position, and ends with an object of the
 *   entry's other keys when it has any: no key is written 50,000 times.
 * - A key whose values are strings (or arrays of strings: a scope, a node's inputs) is written as
 *   indexes into one list of the graph's strings: a tensor's name is written once, not in its record
 *   key, its name, its producer's outputs, its consumers' inputs and its edges; and the webview gets
 *   one string for all of them.
 * - A key whose other values repeat (a shape, a count) is written as an index into the table's list
 *   of them; each entry gets its own copy of an array or object so listed, as JSON.parse would give
 *   it, so that nothing is shared that a reader could change for two entries.
 * - The lines let the webview parse a large graph in turns with the page (`pause`), where one
 *   JSON.parse of it held the page for a quarter of a second.
 * A 50,000-node graph is a third of its JSON and decodes in half the time. JSON.stringify never
 * writes a raw line feed, so a line feed byte always ends a line.
 */
const TABLES = ['nodes', 'edges', 'tensors'] as const;
type Table = (typeof TABLES)[number];
/** Rows (or strings) per line: a few milliseconds to parse. */
const CHUNK = 4000;
/** Graphs whose encoding is larger are deflated. */
const DEFLATE_ABOVE = 1 << 20;

/** How a key's values are written: themselves, a string's index, an array of string indexes, an index into TableHead.values. */
const enum Codec { Value = 0, String = 1, Strings = 2, Listed = 3 }

type Entry = Record<string, unknown>;
interface TableHead {
  /** Keys every entry has, in the order the first entry has them. */
  keys: string[];
  codecs: Codec[];
  /** By key: the distinct values its rows index (Codec.Listed), else null. */
  values: (unknown[] | null)[];
  /** A record (ViewGraph.tensors): each row starts with the index of the entry's key. */
  record: boolean;
}
interface Head {
  graph: Omit<ViewGraph, Table>;
  tables: Record<Table, TableHead>;
}

/** `deflate`: zlib's format (Node's deflateSync); without it (the browser build) the bytes stay as they are. */
export function encodeGraph(g: ViewGraph, deflate?: (bytes: Uint8Array) => Uint8Array): EncodedGraph {
  const { nodes, edges, tensors, ...rest } = g;
  const entries: Record<Table, [string | null, Entry][]> = {
    nodes: nodes.map((n) => [null, n as unknown as Entry]),
    edges: edges.map((e) => [null, e as unknown as Entry]),
    tensors: Object.entries(tensors).map(([k, t]) => [k, t as unknown as Entry]),
  };
  const strings = new Map<string, number>();
  const str = (s: string): number => strings.get(s) ?? (strings.set(s, strings.size), strings.size - 1);
  const tables = {} as Record<Table, TableHead>;
  const rows: Record<Table, unknown[][]> = { nodes: [], edges: [], tensors: [] };
  for (const t of TABLES) {
    const list = entries[t].map((e) => e[1]);
    const keys = commonKeys(list);
    const codecs: Codec[] = [];
    const values: (unknown[] | null)[] = [];
    const listed: (Map<string, number> | null)[] = [];
    for (const k of keys) {
      const found = list.every((e) => typeof e[k] === 'string') ? Codec.String
        : list.every((e) => Array.isArray(e[k]) && (e[k] as unknown[]).every((x) => typeof x === 'string')) ? Codec.Strings : null;
      const repeated = found === null ? repeatedValues(list, k) : null;
      codecs.push(found ?? (repeated ? Codec.Listed : Codec.Value));
      values.push(repeated?.values ?? null);
      listed.push(repeated?.index ?? null);
    }
    const common = new Set(keys);
    const record = t === 'tensors';
    tables[t] = { keys, codecs, values, record };
    rows[t] = entries[t].map(([key, e]) => {
      const row: unknown[] = record ? [str(key!)] : [];
      keys.forEach((k, i) => {
        const v = e[k];
        row.push(codecs[i] === Codec.String ? str(v as string) : codecs[i] === Codec.Strings ? (v as string[]).map(str) : codecs[i] === Codec.Listed ? listed[i]!.get(JSON.stringify(v)) : v);
      });
      let extra: Entry | null = null;
      for (const k in e) if (e[k] !== undefined && !common.has(k)) (extra ??= {})[k] = e[k];
      if (extra) row.push(extra);
      return row;
    });
  }
  const lines = [JSON.stringify({ graph: rest, tables } satisfies Head)];
  const all = [...strings.keys()];
  for (let i = 0; i < all.length; i += CHUNK) lines.push(JSON.stringify(['strings', all.slice(i, i + CHUNK)]));
  for (const t of TABLES) for (let i = 0; i < rows[t].length; i += CHUNK) lines.push(JSON.stringify([t, rows[t].slice(i, i + CHUNK)]));
  const bytes = new TextEncoder().encode(lines.join('\n'));
  return deflate && bytes.byteLength > DEFLATE_ABOVE ? { encoding: 'rows-deflate', bytes: deflate(bytes) } : { encoding: 'rows', bytes };
}

/**
 * `pause`: called between lines once about `sliceMs` went by since the last one (the webview passes
 * a yield to the page; Node tests decode at once).
 */
export async function decodeGraph(g: EncodedGraph, pause?: () => Promise<void>, sliceMs = 30): Promise<ViewGraph> {
  let bytes = g.bytes;
  if (g.encoding === 'rows-deflate') {
    const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate'));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  const text = new TextDecoder();
  let start = performance.now();
  let from = 0;
  const nextLine = (): unknown => {
    let end = bytes.indexOf(10, from);
    if (end < 0) end = bytes.length;
    const value: unknown = JSON.parse(text.decode(bytes.subarray(from, end)));
    from = end + 1;
    return value;
  };
  const head = nextLine() as Head;
  const graph = { ...head.graph, nodes: [], edges: [], tensors: {} } as unknown as ViewGraph;
  const lists = { nodes: graph.nodes as unknown as Entry[], edges: graph.edges as unknown as Entry[] };
  const tensors = graph.tensors as unknown as Record<string, Entry>;
  const strings: string[] = [];
  while (from < bytes.length) {
    const [what, chunk] = nextLine() as [Table | 'strings', unknown[]];
    if (what === 'strings') for (const s of chunk as string[]) strings.push(s);
    else {
      const table = head.tables[what];
      if (table.record) for (const r of chunk as unknown[][]) tensors[strings[r[0] as number]] = fromRow(r, table, strings, 1);
      else for (const r of chunk as unknown[][]) lists[what as 'nodes' | 'edges'].push(fromRow(r, table, strings, 0));
    }
    if (pause && from < bytes.length && performance.now() - start > sliceMs) {
      await pause();
      start = performance.now();
    }
  }
  return graph;
}

export function isEncodedGraph(g: unknown): g is EncodedGraph {
  return typeof g === 'object' && g !== null && 'encoding' in g && (g as EncodedGraph).bytes instanceof Uint8Array;
}

/** JSON.stringify leaves out a key whose value is undefined: so does the encoding. */
function commonKeys(list: Entry[]): string[] {
  const counts = new Map<string, number>();
  for (const e of list) for (const k in e) if (e[k] !== undefined) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].filter(([, c]) => c === list.length).map(([k]) => k);
}

/** Few enough distinct values to be worth a list, each a primitive or an array or object of primitives (copied cheaply). */
function repeatedValues(list: Entry[], key: string): { values: unknown[]; index: Map<string, number> } | null {
  const index = new Map<string, number>();
  const values: unknown[] = [];
  const most = Math.max(8, list.length >> 3);
  for (const e of list) {
    const v = e[key];
    const text = JSON.stringify(v);
    if (index.has(text)) continue;
    if (values.length === most || !shallow(v)) return null;
    index.set(text, values.length);
    values.push(v);
  }
  return values.length < list.length ? { values, index } : null;
}

function shallow(v: unknown): boolean {
  if (v === null || typeof v !== 'object') return true;
  return Object.values(v).every((x) => x === null || typeof x !== 'object');
}

function fromRow(r: unknown[], table: TableHead, strings: string[], first: number): Entry {
  const { keys, codecs, values } = table;
  const e: Entry = {};
  for (let i = 0; i < keys.length; i++) {
    const v = r[first + i];
    switch (codecs[i]) {
      case Codec.String: e[keys[i]] = strings[v as number]; break;
      case Codec.Strings: e[keys[i]] = (v as number[]).map((k) => strings[k]); break;
      case Codec.Listed: {
        const x = values[i]![v as number];
        e[keys[i]] = Array.isArray(x) ? x.slice() : x !== null && typeof x === 'object' ? { ...x } : x;
        break;
      }
      default: e[keys[i]] = v;
    }
  }
  if (r.length > first + keys.length) Object.assign(e, r[first + keys.length]);
  return e;
}
