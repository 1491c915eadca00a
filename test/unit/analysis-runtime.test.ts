/**
 * Oracle: ONNX Runtime's own shapes. Every ONNX file in the corpus (walked, not hand-picked) that
 * ONNX Runtime can load is run on CPU with every intermediate tensor exposed as an output; each
 * runtime shape must equal the statically inferred one. Files ORT refuses (opset 1/6 tests it no
 * longer supports) are listed, and must stay a minority.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readModelFile } from '../../src/formats/index';
import { describeDifference, inferenceClient, runtimeCheck } from '../../src/cli/runtimeCheck';
import { corpusRoot } from '../helpers/corpus';

function onnxFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop() as string;
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (e.endsWith('.onnx')) out.push(p);
    }
  }
  return out.sort();
}

const files = onnxFiles(corpusRoot);
// One inference process for the whole walk, as the CLI would use per file.
const client = inferenceClient();
after(() => client.dispose());
const refused: string[] = [];
let ran = 0;

for (const file of files) {
  const rel = relative(corpusRoot, file);
  test(`${rel}: every runtime shape equals the static shape`, async () => {
    const model = await readModelFile(file);
    let result;
    try {
      result = await runtimeCheck(model, file, {}, client);
    } catch (e) {
      if (/ONNX Runtime cannot (load|run)/.test(String(e))) {
        refused.push(`${rel}: ${(e as Error).message}`);
        return;
      }
      throw e;
    }
    ran++;
    const produced = new Set(model.graph.nodes.flatMap((n) => n.outputs.filter((o) => o !== '')));
    assert.equal(result.compared, produced.size, 'every node output came back from the runtime');
    assert.deepEqual(result.differences.map(describeDifference), []);
  });
}

test('most corpus ONNX files run in ONNX Runtime', (t) => {
  assert.ok(files.length > 100, `only ${files.length} ONNX files found`);
  assert.ok(ran >= files.length - 20, `ORT refused ${refused.length}:\n${refused.join('\n')}`);
  t.diagnostic(`ran ${ran} of ${files.length}; ORT refused ${refused.length}: ${refused.join(' | ')}`);
});
