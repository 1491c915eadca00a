import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelProtoType } from '../../src/formats/onnx/schema';
import { corpus } from './corpus';

/**
 * A real model (UltraFace slim-320) with its initializers over 1 KB moved to the external data file
 * `location`, written as `dir`/model.onnx; the data file is written beside it when `beside`.
 */
export function externalised(dir: string, location: string, beside: boolean): string {
  mkdirSync(dir, { recursive: true });
  const proto = ModelProtoType.decode(readFileSync(corpus('real', 'version-slim-320.onnx'))) as unknown as { graph: { initializer: { raw_data: Uint8Array; data_location?: number; external_data?: { key: string; value: string }[] }[] } };
  const chunks: Buffer[] = [];
  let offset = 0;
  let moved = 0;
  for (const t of proto.graph.initializer) {
    if (!(t.raw_data instanceof Uint8Array) || t.raw_data.byteLength < 1024) continue;
    chunks.push(Buffer.from(t.raw_data));
    t.external_data = [{ key: 'location', value: location }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(t.raw_data.byteLength) }];
    t.data_location = 1;
    offset += t.raw_data.byteLength;
    t.raw_data = new Uint8Array(0);
    moved++;
  }
  assert.ok(moved >= 4, `only ${moved} initializers moved`);
  if (beside) writeFileSync(join(dir, location), Buffer.concat(chunks));
  const path = join(dir, 'model.onnx');
  writeFileSync(path, ModelProtoType.encode(proto as never).finish());
  return path;
}
