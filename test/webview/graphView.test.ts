import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import type { ViewGraph } from '../../src/protocol/viewModel';
import { corpusGraph } from './corpusGraphs';
import { compareGolden } from './golden';
import { pageErrors, posted, showGraph, startHarness, type Harness } from './harness';
import { syntheticGraph } from './synthetic';

/** The graph view in headless Chromium, on real corpus models read, analysed and converted by our own pipeline. */

let h: Harness;
let resnet: ViewGraph;
let inception: ViewGraph;
let mnist: ViewGraph;

before(async () => {
  [resnet, inception, mnist] = await Promise.all([
    corpusGraph('onnx-backend', 'light', 'light_resnet50.onnx'),
    corpusGraph('onnx-backend', 'light', 'light_inception_v1.onnx'),
    corpusGraph('real', 'mnist_c_cxx.onnx'),
  ]);
  h = await startHarness();
});
after(async () => h?.close());

interface SceneFacts {
  ops: string[];
  x: number[];
  layer: number[];
  edges: { from: number; to: number; kind: number; minX: number; maxX: number }[];
  selected: number;
}

/** The drawn scene as plain data: what each box is, where it is, how each edge is routed. */
function facts(page: Page): Promise<SceneFacts> {
  return page.evaluate(() => {
    const d = (window as unknown as { convlens: { debug: { scene: any; view: any } } }).convlens.debug;
    const s = d.scene;
    const edges = s.display.edges.map((e: { from: number; to: number }, i: number) => {
      const pts: number[] = Array.from(s.layout.edgePoints.slice(s.layout.edgeOffset[i], s.layout.edgeOffset[i + 1]));
      const xs = pts.filter((_, k) => k % 2 === 0);
      return { from: e.from, to: e.to, kind: s.layout.edgeKind[i], minX: Math.min(...xs), maxX: Math.max(...xs) };
    });
    return { ops: s.display.nodes.map((n: { title: string }) => n.title), x: Array.from(s.layout.x), layer: Array.from(s.layout.layer), edges, selected: d.view.overlay.selected };
  });
}

/** Screen position of a box's centre. */
async function boxCentre(page: Page, v: number): Promise<{ x: number; y: number }> {
  return page.evaluate((i) => {
    const d = (window as unknown as { convlens: { debug: { scene: any; view: any } } }).convlens.debug;
    const r = d.view.canvas.getBoundingClientRect();
    const cam = d.view.cam;
    return { x: r.left + d.scene.layout.x[i] * cam.scale + cam.tx, y: r.top + d.scene.layout.y[i] * cam.scale + cam.ty };
  }, v);
}

async function setCamera(page: Page, scale: number, tx: number, ty: number): Promise<void> {
  await page.evaluate(([s, x, y]) => (window as any).convlens.debug.view.setCamera({ scale: s, tx: x, ty: y }), [scale, tx, ty]);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

const SKIP = 1;

describe('corpus models', () => {
  test('ResNet-50: every Sum gets its shortcut beside the chain: identity skips as arcs left, projections as a side branch', async () => {
    const page = await h.open();
    const report = await showGraph(page, resnet);
    assert.equal(report.layoutMode, 'worker', 'laid out in the blob worker under the webview CSP');
    assert.equal(report.layoutAhead, true, 'the worker found the layers while the page measured the boxes');
    const f = await facts(page);
    const sums = f.ops.map((op, i) => (op === 'Sum' ? i : -1)).filter((i) => i >= 0);
    assert.equal(sums.length, 16);
    const chainX = f.x[sums[0]];
    let arcs = 0;
    let projections = 0;
    for (const s of sums) {
      assert.equal(f.x[s], chainX, 'every Sum sits on the main chain');
      const incoming = f.edges.filter((e) => e.to === s);
      assert.equal(incoming.length, 2);
      const arc = incoming.find((e) => e.kind === SKIP);
      if (arc) {
        assert.ok(arc.minX < chainX - 100, 'the arc runs left of the chain');
        arcs++;
      } else {
        assert.ok(incoming.some((e) => f.x[e.from] > chainX), 'the projection branch stands to the right');
        projections++;
      }
    }
    assert.equal(arcs, 12);
    assert.equal(projections, 4);
    await setCamera(page, 0.45, 300, -300);
    const golden = compareGolden('resnet50-block', await page.screenshot());
    assert.ok(golden.ok, golden.message);
    assert.deepEqual(pageErrors(page).filter((e) => !e.includes('404')), []);
    await page.close();
  });

  test('Inception v1: the inputs of every Concat stand side by side on one layer', async () => {
    const page = await h.open();
    await showGraph(page, inception);
    const f = await facts(page);
    const concats = f.ops.map((op, i) => (op === 'Concat' ? i : -1)).filter((i) => i >= 0);
    assert.equal(concats.length, 9);
    for (const c of concats) {
      const preds = f.edges.filter((e) => e.to === c).map((e) => e.from);
      assert.equal(preds.length, 4);
      assert.equal(new Set(preds.map((p) => f.layer[p])).size, 1, 'same layer');
      assert.equal(new Set(preds.map((p) => f.x[p])).size, 4, 'different x');
    }
    await setCamera(page, 0.45, 300, -300);
    const golden = compareGolden('inception-v1-modules', await page.screenshot());
    assert.ok(golden.ok, golden.message);
    await page.close();
  });

  test('MNIST (CNTK): every layer in order, read at fit with the shape on every edge', async () => {
    const page = await h.open();
    await showGraph(page, mnist);
    const f = await facts(page);
    assert.deepEqual(f.ops, ['Input', 'Conv', 'Add', 'Relu', 'MaxPool', 'Conv', 'Add', 'Relu', 'MaxPool', 'Reshape', 'MatMul', 'Add', 'Output']);
    const golden = compareGolden('mnist-fit', await page.screenshot());
    assert.ok(golden.ok, golden.message);
    await page.close();
  });
});

describe('interaction', () => {
  test('hover shows the tooltip with attributes and formula; click selects, opens details and tells the host', async () => {
    const page = await h.open();
    await showGraph(page, mnist);
    const f = await facts(page);
    const conv = f.ops.indexOf('Conv');
    const p = await boxCentre(page, conv);
    await page.mouse.move(p.x, p.y);
    const tip = page.locator('#cl-tooltip');
    await tip.waitFor({ state: 'visible' });
    const text = await tip.innerText();
    assert.match(text, /Conv/);
    assert.match(text, /H: ⌈28\/1⌉ = 28/);
    assert.match(text, /params\s+200/);
    await page.mouse.click(p.x, p.y);
    await page.locator('#cl-details').waitFor({ state: 'visible' });
    assert.match(await page.locator('#cl-details').innerText(), /Convolution28/);
    const sel = (await posted(page)).filter((m) => m.type === 'nodeSelected');
    assert.deepEqual(sel.at(-1), { type: 'nodeSelected', nodeId: 'Convolution28' });
    await page.mouse.dblclick(p.x, p.y);
    assert.deepEqual((await posted(page)).filter((m) => m.type === 'revealSource').at(-1), { type: 'revealSource', nodeId: 'Convolution28' });
    // "Show receptive field" asks the host for Step mode at the box's layer (its last member: a folded
    // Conv + bias + ReLU shows the ReLU's output, whose field is the Conv's).
    await page.locator('#cl-show-field').click();
    const field = (await posted(page)).filter((m) => m.type === 'showFeatureMaps').at(-1) as { nodeId: string; field: boolean } | undefined;
    const box = await page.evaluate(() => { const v = (window as any).convlens.debug; return v.display.nodes[v.view.overlay.selected].members.map((i: number) => v.graph.nodes[i].id) as string[]; });
    assert.deepEqual(field, { type: 'showFeatureMaps', nodeId: box.at(-1), field: true });
    assert.ok(box.includes('Convolution28'));
    await page.close();
  });

  test('the warnings button is named by its count and lists the warnings', async () => {
    const page = await h.open();
    await showGraph(page, mnist);
    const n = mnist.warnings.length;
    assert.ok(n >= 1);
    const button = page.getByRole('button', { name: `${n} warning${n === 1 ? '' : 's'}`, exact: true });
    assert.equal(await button.count(), 1);
    await button.click();
    await page.locator('#cl-warnings').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#cl-warnings .cl-warning-row').count(), n);
    // Escape closes it and gives the focus back to the button.
    await page.keyboard.press('Escape');
    await page.locator('#cl-warnings').waitFor({ state: 'hidden' });
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'cl-warnings-btn');
    // A click inside the list keeps it open; a click outside it (on the graph) closes it.
    await button.click();
    await page.locator('#cl-warnings').waitFor({ state: 'visible' });
    await page.locator('#cl-warnings .cl-info-head').click();
    assert.ok(await page.locator('#cl-warnings').isVisible());
    const stage = await page.locator('#cl-stage').boundingBox();
    assert.ok(stage);
    await page.mouse.click(stage.x + stage.width - 20, stage.y + stage.height - 20);
    await page.locator('#cl-warnings').waitFor({ state: 'hidden' });
    await page.close();
  });

  test('the legend is a group named Legend, with a toggle that says whether it is open', async () => {
    const page = await h.open();
    await showGraph(page, mnist);
    const legend = page.getByRole('group', { name: 'Legend', exact: true });
    assert.equal(await legend.count(), 1);
    assert.match(await legend.innerText(), /Convolution/);
    const toggle = legend.getByRole('button', { name: 'Legend', exact: true });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await page.close();
  });

  test('buttons with an icon and text are named by the text alone (the icon glyph is hidden)', async () => {
    const page = await h.open();
    await showGraph(page, mnist);
    for (const name of ['Run', 'Legend']) assert.equal(await page.getByRole('button', { name, exact: true }).count(), 1, name);
    const f = await facts(page);
    const p = await boxCentre(page, f.ops.indexOf('Conv'));
    await page.mouse.click(p.x, p.y);
    await page.locator('#cl-details').waitFor({ state: 'visible' });
    assert.equal(await page.getByRole('button', { name: 'Reveal source', exact: true }).count(), 1);
    await page.close();
  });

  test('keyboard: arrows walk along edges, +/- zoom, 0 fits; the host can select a node', async () => {
    const page = await h.open();
    await showGraph(page, inception);
    await page.evaluate(() => window.postMessage({ type: 'selectNode', nodeId: 'n9', reveal: true }, '*'));
    await page.waitForFunction(() => (window as any).convlens.debug.view.overlay.selected >= 0);
    const f = await facts(page);
    const start = f.selected;
    assert.equal(f.ops[start], 'MaxPool');
    await page.locator('canvas.cl-canvas').focus();
    await page.keyboard.press('ArrowDown');
    const down = (await facts(page)).selected;
    assert.ok(f.edges.some((e) => e.from === start && e.to === down), 'moved to a consumer');
    await page.keyboard.press('ArrowRight');
    const right = (await facts(page)).selected;
    assert.notEqual(right, down);
    assert.ok(f.edges.some((e) => e.from === start && e.to === right), 'moved to a sibling consumer');
    await page.keyboard.press('ArrowUp');
    assert.equal((await facts(page)).selected, start);
    const scale = () => page.evaluate(() => (window as any).convlens.debug.view.cam.scale as number);
    const s0 = await scale();
    await page.keyboard.press('+');
    assert.ok((await scale()) > s0);
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    assert.ok((await scale()) < s0);
    await page.keyboard.press('0');
    const fitted = await scale();
    assert.ok(fitted < 0.2, 'fit shows the whole tall graph');
    const msgs = (await posted(page)).filter((m) => m.type === 'nodeSelected').map((m) => m.nodeId);
    assert.equal(msgs.length, 3, 'down, right and up are posted; the host\'s own selection is not echoed');
    assert.equal(msgs[2], 'n9');
    await page.close();
  });

  test('search finds layers by op and steps through them with Enter', async () => {
    const page = await h.open();
    await showGraph(page, inception);
    await page.fill('#cl-search', 'concat');
    await page.waitForFunction(() => document.getElementById('cl-search-count')?.textContent === '1/9');
    // The Enter right after typing goes to the first match (it used to skip to the second).
    await page.press('#cl-search', 'Enter');
    assert.equal(await page.locator('#cl-search-count').innerText(), '1/9');
    await page.press('#cl-search', 'Enter');
    assert.equal(await page.locator('#cl-search-count').innerText(), '2/9');
    const f = await facts(page);
    assert.equal(f.ops[f.selected], 'Concat');
    await page.close();
  });

  test('search puts the exact name first: n14 before n140…n149', async () => {
    const page = await h.open();
    await showGraph(page, resnet);
    const selectedNames = () => page.evaluate(() => {
      const d = (window as unknown as { convlens: { debug: { scene: any; view: any } } }).convlens.debug;
      return (d.scene.display.nodes[d.view.overlay.selected].members as number[]);
    }).then((ms) => ms.map((m) => resnet.nodes[m].name));
    const others = resnet.nodes.filter((n) => /^n14\d$/.test(n.name)).length;
    assert.equal(others, 10, 'ResNet-50 has n140…n149, the names that also contain n14');
    await page.fill('#cl-search', 'n14');
    await page.waitForFunction(() => /^1\/\d+$/.test(document.getElementById('cl-search-count')?.textContent ?? ''));
    assert.ok((await selectedNames()).includes('n14'), 'typing shows n14 first');
    await page.press('#cl-search', 'Enter');
    assert.ok((await selectedNames()).includes('n14'), 'Enter goes to n14');
    await page.press('#cl-search', 'Enter');
    assert.ok(!(await selectedNames()).includes('n14'), 'the next Enter goes on to n140…');
    assert.ok((await selectedNames()).some((n) => /^n14\d$/.test(n)));
    await page.close();
  });

  test('fold toggle and scope groups: collapse to depth 1, a group box shows shapes and params, expand all restores', async () => {
    const page = await h.open();
    const g = syntheticGraph(300);
    await showGraph(page, g);
    const count = async () => (await facts(page)).ops.length;
    const flat = await count();
    await page.click('#cl-fold');
    await page.waitForFunction((n) => (window as any).convlens.debug.scene.display.nodes.length < n, flat);
    await page.click('#cl-fold');
    await page.waitForFunction((n) => (window as any).convlens.debug.scene.display.nodes.length === n, flat);
    await page.selectOption('#cl-depth', '1');
    await page.waitForFunction((n) => (window as any).convlens.debug.scene.display.nodes.length < 20, flat);
    const groups = await page.evaluate(() => (window as any).convlens.debug.scene.display.nodes.filter((d: any) => d.kind === 'group').map((d: any) => ({ title: d.title, label: d.label, params: d.params })));
    assert.ok(groups.length >= 2);
    assert.equal(groups[0].label, '64×56×56 → 64×56×56');
    assert.ok(groups[0].params > 0);
    await page.click('#cl-expand-all');
    await page.waitForFunction((n) => (window as any).convlens.debug.scene.display.nodes.length === n, flat);
    await page.close();
  });

  test('the minimap shows the new graph after a fold and the new colours after a theme change, without waiting for the camera to move', async () => {
    const page = await h.open();
    await showGraph(page, syntheticGraph(300));
    const frames = () => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const minimap = () => page.evaluate(() => (document.getElementById('cl-minimap') as HTMLCanvasElement).toDataURL());
    /** The minimap as it is drawn after the camera moves (a move always redraws it). */
    const redrawn = async () => {
      await page.evaluate(() => {
        const view = (window as any).convlens.debug.view;
        view.setCamera({ ...view.cam });
      });
      await frames();
      return minimap();
    };
    await frames();
    assert.equal(await page.evaluate(() => document.getElementById('cl-minimap')!.classList.contains('cl-hidden')), false);
    const before = await minimap();
    const flat = await page.evaluate(() => (window as any).convlens.debug.scene.display.nodes.length as number);
    await page.click('#cl-fold');
    await page.waitForFunction((n) => (window as any).convlens.debug.scene.display.nodes.length < n, flat);
    await frames();
    const folded = await minimap();
    assert.notEqual(folded, before);
    assert.equal(folded, await redrawn());
    await page.evaluate(() => document.documentElement.style.setProperty('--vscode-editor-background', '#204060'));
    await frames();
    const themed = await minimap();
    assert.notEqual(themed, folded);
    assert.equal(themed, await redrawn());
    await page.close();
  });

  test('view state (camera, selection) is saved and restored after a reload', async () => {
    const page = await h.open();
    await showGraph(page, resnet);
    await page.evaluate(() => window.postMessage({ type: 'selectNode', nodeId: 'n20', reveal: true }, '*'));
    await setCamera(page, 0.7, 123, -456);
    await page.waitForTimeout(400);
    await page.reload();
    await page.waitForFunction(() => (window as any).__posted?.some((m: { type: string }) => m.type === 'ready'));
    await showGraph(page, resnet);
    const cam = await page.evaluate(() => (window as any).convlens.debug.view.cam);
    assert.deepEqual(cam, { scale: 0.7, tx: 123, ty: -456 });
    const f = await facts(page);
    assert.ok(f.selected >= 0);
    await page.close();
  });

  test('thumbnails from the host are drawn on their producer', async () => {
    const page = await h.open();
    await showGraph(page, mnist);
    const red = new PNG({ width: 4, height: 4 });
    for (let i = 0; i < red.data.length; i += 4) red.data.set([255, 0, 0, 255], i);
    const png = 'data:image/png;base64,' + PNG.sync.write(red).toString('base64');
    const conv = mnist.nodes.find((n) => n.op === 'Conv')!;
    await page.evaluate(([tensor, url]) => window.postMessage({ type: 'inferenceState', state: { status: 'done', provider: 'cpu', millis: 1, thumbnails: [{ tensor, png: url, shape: [1, 8, 28, 28] }] } }, '*'), [conv.outputs[0], png]);
    await page.waitForFunction(() => (window as any).convlens.debug.view.overlay.thumbnails.size === 1);
    await page.waitForTimeout(100);
    const f = await facts(page);
    const p = await boxCentre(page, f.ops.indexOf('Conv'));
    const shot = PNG.sync.read(await page.screenshot());
    // The thumbnail fills the right end of the box.
    const scale = await page.evaluate(() => (window as any).convlens.debug.view.cam.scale as number);
    const x = Math.round(p.x + (105 - 23) * scale);
    const i = (Math.round(p.y) * shot.width + x) * 4;
    assert.deepEqual([...shot.data.subarray(i, i + 3)], [255, 0, 0]);
    await page.close();
  });

  test('a newer graph cancels the layout of an older one; without a worker script the page lays out itself', async () => {
    const page = await h.open();
    const big = syntheticGraph(10_000);
    await page.evaluate((g) => window.postMessage({ type: 'showGraph', graph: g, preserveView: false }, '*'), big);
    const report = await showGraph(page, mnist);
    assert.equal((report as unknown as { title: string }).title, 'mnist_c_cxx.onnx');
    await page.waitForTimeout(300);
    assert.equal((await facts(page)).ops.length, 13, 'the big graph never replaced the newer one');
    await page.close();
    const plain = await h.open({ worker: false });
    const r2 = await showGraph(plain, mnist);
    assert.equal(r2.layoutMode, 'main-thread');
    assert.ok((await posted(plain)).some((m) => m.type === 'log'), 'the fallback is logged to the host');
    await plain.close();
  });
});

describe('export', () => {
  test('SVG, PNG, Markdown and Mermaid (previewed with the lazily loaded library, then copied)', async () => {
    const page = await h.open();
    await showGraph(page, mnist);
    await page.click('#cl-export-svg');
    await page.waitForFunction(() => (window as any).__posted.some((m: { type: string }) => m.type === 'saveFile'));
    const svg = (await posted(page)).find((m) => m.type === 'saveFile')!;
    assert.equal(svg.suggestedName, 'mnist_c_cxx.svg');
    assert.equal((String(svg.data).match(/<g class="node /g) ?? []).length, 13);
    assert.match(String(svg.data), /1×28×28|8×28×28/);
    await page.click('#cl-export-png');
    await page.waitForFunction(() => (window as any).__posted.filter((m: { type: string }) => m.type === 'saveFile').length === 2);
    const pngMsg = (await posted(page)).filter((m) => m.type === 'saveFile')[1];
    const png = PNG.sync.read(Buffer.from(String(pngMsg.data), 'base64'));
    assert.ok(png.width > 200 && png.height > 600, `${png.width}×${png.height}`);
    await page.click('#cl-copy-markdown');
    await page.waitForFunction(() => (window as any).__posted.some((m: { type: string }) => m.type === 'copyText'));
    const md = (await posted(page)).find((m) => m.type === 'copyText')!;
    assert.match(String(md.text), /\| 1 \| Convolution28 \| Conv \| 5×5 ×8 \| 8×28×28 \| 200 \|/);
    const scriptsBefore = await page.evaluate(() => document.scripts.length);
    await page.click('#cl-copy-mermaid');
    await page.locator('#cl-mermaid-img').waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForFunction(() => (document.getElementById('cl-mermaid-img') as HTMLImageElement).naturalWidth > 0);
    assert.equal(await page.evaluate(() => document.scripts.length), scriptsBefore + 1, 'mermaid arrived as its own script');
    await page.click('#cl-mermaid-copy');
    await page.waitForFunction(() => (window as any).__posted.filter((m: { type: string }) => m.type === 'copyText').length === 2);
    const mm = (await posted(page)).filter((m) => m.type === 'copyText')[1];
    assert.match(String(mm.text), /^flowchart TD\n/);
    assert.match(String(mm.text), /n1 -->\|"8×28×28"\| n2/);
    await page.close();
  });
});
