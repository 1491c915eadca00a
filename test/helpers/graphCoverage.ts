/**
 * How much of a graph webview the graph itself gets: a page expression (evaluate it in the webview's
 * page or frame) that samples a 10 px grid over the whole page and asks the browser which element is
 * on top at each point. The share of points where the graph canvas is on top is the part of the view
 * the graph keeps, whatever covers the rest (header, toolbar, menu, drawer, minimap, legend).
 * A string, not a function: tsx's keepNames would wrap a function's inner names in __name, which a
 * code-server webview frame does not define.
 */
export const GRAPH_COVERAGE_JS = `(() => {
  const step = 10, w = window.innerWidth, h = window.innerHeight;
  const canvas = document.querySelector('.cl-canvas');
  let all = 0, graph = 0;
  const on = {};
  for (let y = step / 2; y < h; y += step) {
    for (let x = step / 2; x < w; x += step) {
      all++;
      const el = document.elementFromPoint(x, y);
      if (el === canvas) { graph++; continue; }
      const owner = el && el.closest('[id]');
      const id = owner ? owner.id : 'none';
      on[id] = (on[id] || 0) + 1;
    }
  }
  const share = {};
  for (const k of Object.keys(on)) share[k] = Math.round((on[k] / all) * 1000) / 1000;
  return { width: w, height: h, graph: graph / all, covered: share };
})()`;

export interface GraphCoverage {
  width: number;
  height: number;
  /** Share of the page where the graph canvas is on top. */
  graph: number;
  /** Share of the page each other element (by the nearest id) is on top of. */
  covered: Record<string, number>;
}

/** The graph keeps at least this share of its webview at every width (issue 11). */
export const GRAPH_MIN_SHARE = 0.6;
