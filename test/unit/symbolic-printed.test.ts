/**
 * Every printed dim is short and exact. Walks every corpus model with symbolic input dims, and every
 * corpus CNN with a 4-D input re-declared with symbolic sizes (N × 3 × height × width, and as
 * Paddle2ONNX names them, p2o.DynamicDimension.k): each tensor's dim as printed (through the
 * analysis' aliases) is at most 40 characters long, and, read back with the legend (an alias is
 * its name or its expression), equals the canonical dim at random sizes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readModelBytes, readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import { aliasLegend, chooseAliases, displayDim, legendText } from '../../src/analysis/aliases';
import { canonicalDim, dimSymbols, evalDim } from '../../src/analysis/dims';
import type { Model } from '../../src/ir/types';
import { seededRandom } from '../../src/common/prng';
import { corpusRoot } from '../helpers/corpus';
import { withInputDims } from '../helpers/dynamicInputs';

function onnxFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? onnxFiles(p) : f.endsWith('.onnx') ? [p] : [];
  });
}

const symbolic = (m: Model): boolean => m.graph.inputs.some((v) => v.shape?.some((d) => typeof d === 'string'));

/** Asserts the printed dims of one model; returns how many symbolic dims it printed. */
function checkPrinted(label: string, model: Model): number {
  const a = analyze(model, { useDeclaredShapes: false });
  const legend = aliasLegend(a.dimAliases);
  const rnd = seededRandom(9);
  let printed = 0;
  for (const [name, t] of a.tensors) {
    for (const d of t.shape ?? []) {
      if (typeof d !== 'string' || d === '?') continue;
      printed++;
      const shown = displayDim(d, a.dimAliases);
      assert.ok(String(shown).length <= 40, `${label}: '${name}' prints ${shown} (${String(shown).length} characters)`);
      for (let k = 0; k < 3; k++) {
        const env: Record<string, number> = {};
        for (const s of dimSymbols(d)) env[s] = 1 + Math.floor(rnd() * 700);
        // The reader's environment: an alias is the value of what the legend says it stands for.
        const read: Record<string, number> = { ...env };
        for (const [alias, original] of Object.entries(legend)) {
          const v = evalDim(original, env);
          if (v !== null) read[alias] = v;
        }
        assert.equal(evalDim(shown, read), evalDim(d, env), `${label}: '${name}' prints ${shown} for ${d} at ${JSON.stringify(env)}`);
      }
    }
  }
  return printed;
}

test('corpus models with symbolic input dims: every printed dim is at most 40 characters and exact', async () => {
  let models = 0;
  for (const path of onnxFiles(corpusRoot)) {
    const m = await readModelFile(path);
    if (!symbolic(m)) continue;
    checkPrinted(relative(corpusRoot, path), m);
    models++;
  }
  assert.ok(models >= 1, 'the corpus has models with symbolic input dims');
});

const RESIZED: [string, (string | number)[]][] = [
  ['height', ['N', 3, 'height', 'width']],
  ['p2o', ['N', 3, 'p2o.DynamicDimension.0', 'p2o.DynamicDimension.1']],
];

test('corpus CNNs at symbolic input sizes (detectors, classifiers): every printed dim is at most 40 characters and exact', async () => {
  const seen: string[] = [];
  for (const path of onnxFiles(corpusRoot)) {
    const m = await readModelFile(path);
    const shape = m.graph.inputs[0]?.shape;
    if (!shape || shape.length !== 4 || shape[1] !== 3 || typeof shape[2] !== 'number' || shape[2] < 32) continue;
    for (const [kind, dims] of RESIZED) {
      const model = await readModelBytes(await withInputDims(path, dims), 'resized.onnx');
      for (const o of model.graph.outputs) o.shape = null;
      const printed = checkPrinted(`${relative(corpusRoot, path)} (${kind})`, model);
      assert.ok(printed > 0, `${path}: symbolic dims reach the tensors`);
    }
    seen.push(relative(corpusRoot, path));
  }
  // The Ultra-Light detectors' anchor count is the longest: a sum of four products of ceil terms.
  for (const f of ['real/Ultraface_version-RFB-320.onnx', 'real/version-RFB-640.onnx', 'real/version-slim-320.onnx', 'onnx-backend/light/light_resnet50.onnx']) {
    assert.ok(seen.includes(f), `walked ${f}`);
  }
});

test('derived aliases: a common factor stays outside (N*e1), a long product is aliased whole, one value one alias', () => {
  const long = 'ceil(height/8)*ceil(width/8)+ceil(height/16)*ceil(width/16)+ceil(height/32)';
  const perBatch = 'N*ceil(height/8)*ceil(width/8)+N*ceil(height/16)*ceil(width/16)+N*ceil(height/32)';
  const product = 'ceil(height/3)*ceil(height/5)*ceil(width/3)*ceil(width/5)*(height+7)';
  const graph: Model['graph'] = {
    name: 'g', nodes: [], valueInfo: new Map(), initializers: new Map(), outputs: [],
    inputs: [{ name: 'x', dtype: 'float32', shape: ['N', 3, 'height', 'width'] }],
  };
  const aliases = chooseAliases(graph, 'onnx', [[canonicalDim(perBatch), 4], [canonicalDim(long)], [canonicalDim(product)], ['height']]);
  assert.deepEqual([canonicalDim(perBatch), canonicalDim(long), canonicalDim(product)].map((d) => displayDim(d, aliases)), ['N*e1', 'e1', 'e2']);
  assert.deepEqual(displayDim('height', aliases), 'height');
  assert.match(legendText(aliases), /^e1 = ceil\(height\/16\)\*.*, e2 = .*\(height\+7\)/);
});
