import type { Page } from 'playwright-core';

/**
 * What a careful drawing must satisfy, checked on the drawn scene as plain data: text measured by
 * the browser's own SVG text measurement against the box it is drawn in, boxes and shape labels as
 * rectangles, merges and branches by position. Each check returns the problems it found (empty: ok),
 * so a test can also show that it fails on a deliberately broken layout.
 */
export interface Box { x: number; y: number; w: number; h: number; kind: string; family: string; title: string; label: string; name: string }
export interface Run { box: number; text: string; x: number; baseline: number; width: number }
export interface Label { edge: number; x: number; y: number; w: number; h: number; text: string }
export interface Facts {
  direction: 'TB' | 'LR';
  scale: number;
  boxes: Box[];
  /** Display edges in order (a merge's inputs come in input order), with their layout kind. */
  edges: { from: number; to: number; kind: number }[];
  runs: Run[];
  labels: Label[];
  prefix: string;
}

/** Gathers the facts of the graph on screen: text runs drawn at the current (default) zoom, measured in an SVG <text>. */
export async function sceneFacts(page: Page): Promise<Facts> {
  return page.evaluate(() => {
    const d = (window as any).convlens.debug;
    const s = d.scene;
    const L = s.layout;
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('width', '10');
    svg.setAttribute('height', '10');
    document.body.append(svg);
    const text = document.createElementNS('http://www.w3.org/2000/svg', 'text');
    svg.append(text);
    // Presentation attributes, not a style attribute: the page's CSP refuses inline styles.
    text.setAttributeNS('http://www.w3.org/XML/1998/namespace', 'xml:space', 'preserve');
    const measure = (t: string, font: string): number => {
      const m = /^(?:(\d+) )?([\d.]+)px (.*)$/.exec(font)!;
      text.setAttribute('font-weight', m[1] ?? '400');
      text.setAttribute('font-size', m[2]);
      text.setAttribute('font-family', m[3]);
      text.textContent = t;
      return text.getComputedTextLength();
    };
    const scale = Math.max(d.view.cam.scale, 0.35);
    const runs = d.drawnText(scale).map((r: { box: number; text: string; font: string; x: number; baseline: number }) => ({ box: r.box, text: r.text, x: r.x, baseline: r.baseline, width: measure(r.text, r.font) }));
    const labelFont = `11px ${d.view.theme.fontFamily}`;
    const labels = [];
    for (let e = 0; e < s.display.edges.length; e++) {
      const t = s.display.edges[e].label;
      if (!t || !(L.labelX[e] === L.labelX[e])) continue;
      labels.push({ edge: e, x: L.labelX[e], y: L.labelY[e] - 7, w: measure(t, labelFont), h: 14, text: t });
    }
    svg.remove();
    return {
      direction: L.direction, scale, prefix: s.prefix,
      boxes: s.display.nodes.map((n: any, i: number) => ({ x: L.x[i] - L.w[i] / 2, y: L.y[i] - L.h[i] / 2, w: L.w[i], h: L.h[i], kind: n.kind, family: n.family, title: n.title, label: n.label, name: n.name })),
      edges: s.display.edges.map((e: { from: number; to: number }, i: number) => ({ from: e.from, to: e.to, kind: L.edgeKind[i] })),
      runs, labels,
    };
  }) as Promise<Facts>;
}

const overlap = (a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }, slack = 0.5): boolean =>
  a.x + slack < b.x + b.w && b.x + slack < a.x + a.w && a.y + slack < b.y + b.h && b.y + slack < a.y + a.h;

/** Every text run lies inside its box (4 px of padding), none ends cut ('…'), and each box says its op, attributes and name. */
export function textProblems(f: Facts): string[] {
  const out: string[] = [];
  const said = new Map<number, string>();
  for (const r of f.runs) {
    const b = f.boxes[r.box];
    if (r.x < b.x + 4 || r.x + r.width > b.x + b.w - 4) out.push(`box ${r.box} (${b.title}): "${r.text}" runs ${(r.x + r.width - (b.x + b.w - 4)).toFixed(1)} past its right side`);
    if (r.baseline - 11 < b.y || r.baseline + 3 > b.y + b.h) out.push(`box ${r.box} (${b.title}): "${r.text}" is outside the box vertically`);
    if (r.text.endsWith('…')) out.push(`box ${r.box} (${b.title}): "${r.text}" is cut`);
    said.set(r.box, `${said.get(r.box) ?? ''} ${r.text}`);
  }
  f.boxes.forEach((b, i) => {
    if (b.kind !== 'node') return;
    const all = (said.get(i) ?? '').replace(/\s+/g, '');
    const name = f.prefix && b.name.startsWith(f.prefix) && b.name.length > f.prefix.length ? b.name.slice(f.prefix.length) : b.name;
    for (const part of [b.title, b.label, name]) {
      if (part && !all.includes(part.replace(/\s+/g, ''))) out.push(`box ${i} (${b.title}) does not say "${part}"`);
    }
  });
  return out;
}

/** No two boxes overlap (a sweep along x). */
export function boxOverlaps(f: Facts): string[] {
  const out: string[] = [];
  const order = f.boxes.map((_, i) => i).sort((a, b) => f.boxes[a].x - f.boxes[b].x);
  for (let i = 0; i < order.length; i++) {
    const a = f.boxes[order[i]];
    for (let j = i + 1; j < order.length && f.boxes[order[j]].x < a.x + a.w; j++) {
      if (overlap(a, f.boxes[order[j]])) out.push(`boxes ${order[i]} (${a.title}) and ${order[j]} (${f.boxes[order[j]].title}) overlap`);
    }
  }
  return out;
}

/** No shape label overlaps a box or another label. */
export function labelOverlaps(f: Facts): string[] {
  const out: string[] = [];
  f.labels.forEach((l, i) => {
    f.boxes.forEach((b, k) => {
      if (overlap(l, b)) out.push(`label "${l.text}" of edge ${l.edge} overlaps box ${k} (${b.title})`);
    });
    for (let j = i + 1; j < f.labels.length; j++) if (overlap(l, f.labels[j])) out.push(`labels of edges ${l.edge} and ${f.labels[j].edge} overlap`);
  });
  return out;
}

const across = (f: Facts, v: number): number => (f.direction === 'LR' ? f.boxes[v].y + f.boxes[v].h / 2 : f.boxes[v].x + f.boxes[v].w / 2);

/** Every merge (Add, Sum, Concat, Mul…) has its centre between its leftmost and rightmost input (top and bottom, left to right). */
export function mergeProblems(f: Facts): string[] {
  const out: string[] = [];
  f.boxes.forEach((b, v) => {
    if (b.family !== 'merge') return;
    const inputs = f.edges.filter((e) => e.to === v).map((e) => across(f, e.from));
    if (inputs.length < 2) return;
    const c = across(f, v);
    if (c < Math.min(...inputs) - 0.5 || c > Math.max(...inputs) + 0.5) out.push(`${b.title} ${v} at ${c.toFixed(0)} is not between its inputs (${inputs.map((x) => x.toFixed(0)).join(', ')})`);
  });
  return out;
}

/** The node a branch leaves from: up from `u` along first inputs to the first node with several consumers. */
function branchSource(f: Facts, u: number): number {
  for (let v = u, guard = 0; guard < f.boxes.length; guard++) {
    const outs = f.edges.filter((e) => e.from === v).length;
    if (outs >= 2) return v;
    const up = f.edges.find((e) => e.to === v);
    if (!up) return v;
    v = up.from;
  }
  return -1;
}

/**
 * Concats of three or more branches that leave one node (an Inception module: a fan-out to a
 * Concat, torchvision's branch1 … branch4).
 */
export function inceptionModules(f: Facts): number[] {
  const out: number[] = [];
  f.boxes.forEach((b, v) => {
    if (!/^Concat/.test(b.title)) return;
    const inputs = f.edges.filter((e) => e.to === v).map((e) => e.from);
    if (inputs.length >= 3 && new Set(inputs.map((u) => branchSource(f, u))).size === 1) out.push(v);
  });
  return out;
}

/** Each Inception module has its branches side by side in the order of the Concat's inputs. */
export function branchOrderProblems(f: Facts): string[] {
  const out: string[] = [];
  for (const v of inceptionModules(f)) {
    const inputs = f.edges.filter((e) => e.to === v).map((e) => e.from);
    const xs = inputs.map((u) => across(f, u));
    for (let i = 1; i < xs.length; i++) if (!(xs[i] > xs[i - 1])) out.push(`${f.boxes[v].title} ${v}: input ${i} (${f.boxes[inputs[i]].title}) is not after input ${i - 1}`);
  }
  return out;
}

export const CHECKS = { text: textProblems, boxes: boxOverlaps, labels: labelOverlaps, merges: mergeProblems, branches: branchOrderProblems };

/**
 * Group titles no edge crosses: for each frame's title (its text measured here with the canvas at the
 * font it is drawn in), points across the text are tested against every nearby edge as the view strokes
 * it (the drawing's own path, `isPointInStroke`). A title drawn on a plate (no free side) is counted apart:
 * it is readable, the edge passes under it. Returns the crossings and how many titles are plated.
 */
export async function frameTitleCrossings(page: Page): Promise<{ crossed: string[]; plated: number; titles: number }> {
  return page.evaluate(() => {
    const d = (window as any).convlens.debug;
    const s = d.scene;
    const L = s.layout;
    const ctx = document.createElement('canvas').getContext('2d')!;
    ctx.font = `11px ${getComputedStyle(document.body).fontFamily}`;
    ctx.lineWidth = 1.2;
    const E = L.edgeOffset.length - 1;
    const bbox: number[][] = [];
    for (let e = 0; e < E; e++) {
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let k = L.edgeOffset[e]; k < L.edgeOffset[e + 1]; k += 2) {
        x0 = Math.min(x0, L.edgePoints[k]); x1 = Math.max(x1, L.edgePoints[k]);
        y0 = Math.min(y0, L.edgePoints[k + 1]); y1 = Math.max(y1, L.edgePoints[k + 1]);
      }
      bbox.push([x0, y0, x1, y1]);
    }
    const crossed: string[] = [];
    let plated = 0;
    for (const f of s.frames) {
      if (f.plate) { plated++; continue; }
      const w = ctx.measureText(`▾ ${f.title}`).width;
      const rx0 = f.titleX, rx1 = f.titleX + w, ry0 = f.y0 + 4, ry1 = f.y0 + 14;
      for (let e = 0; e < E; e++) {
        const b = bbox[e];
        if (b[2] < rx0 - 2 || b[0] > rx1 + 2 || b[3] < ry0 - 2 || b[1] > ry1 + 2) continue;
        const path = d.edgePath(e);
        let hit = false;
        for (let x = rx0; x <= rx1 && !hit; x += 1.5) for (let y = ry0; y <= ry1 && !hit; y += 1.5) hit = ctx.isPointInStroke(path, x, y);
        if (hit) crossed.push(`edge ${e} crosses the title "${f.title}"`);
      }
    }
    return { crossed, plated, titles: s.frames.length };
  });
}
