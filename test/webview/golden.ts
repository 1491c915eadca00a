import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/**
 * Screenshot comparison with reviewed golden images (test/webview/golden/*.png). A pixel differs
 * when any channel is off by more than `channelTolerance`; the test fails when more than
 * `maxDiffRatio` of the pixels differ (font hinting and anti-aliasing move a few). Set
 * UPDATE_GOLDENS=1 to write new goldens, then look at them before committing. On failure the
 * actual image and a diff image are written to .test-artifacts/webview/ (ignored by git).
 */
export const goldenDir = join(__dirname, 'golden');
const artifacts = join(__dirname, '..', '..', '.test-artifacts', 'webview');

export interface GoldenResult {
  ok: boolean;
  diffRatio: number;
  message: string;
}

export function compareGolden(name: string, actualPng: Buffer, maxDiffRatio = 0.004, channelTolerance = 48): GoldenResult {
  mkdirSync(goldenDir, { recursive: true });
  const file = join(goldenDir, `${name}.png`);
  if (process.env.UPDATE_GOLDENS === '1' || !existsSync(file)) {
    if (process.env.UPDATE_GOLDENS !== '1') return { ok: false, diffRatio: 1, message: `no golden ${file}; run with UPDATE_GOLDENS=1 and review it` };
    writeFileSync(file, actualPng);
    return { ok: true, diffRatio: 0, message: `wrote ${file}` };
  }
  const a = PNG.sync.read(readFileSync(file));
  const b = PNG.sync.read(actualPng);
  mkdirSync(artifacts, { recursive: true });
  if (a.width !== b.width || a.height !== b.height) {
    writeFileSync(join(artifacts, `${name}.actual.png`), actualPng);
    return { ok: false, diffRatio: 1, message: `size ${b.width}×${b.height} differs from golden ${a.width}×${a.height}` };
  }
  const diff = new PNG({ width: a.width, height: a.height });
  let bad = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    const d = Math.max(Math.abs(a.data[i] - b.data[i]), Math.abs(a.data[i + 1] - b.data[i + 1]), Math.abs(a.data[i + 2] - b.data[i + 2]));
    const off = d > channelTolerance;
    if (off) bad++;
    diff.data[i] = off ? 255 : a.data[i] >> 2;
    diff.data[i + 1] = off ? 0 : a.data[i + 1] >> 2;
    diff.data[i + 2] = off ? 0 : a.data[i + 2] >> 2;
    diff.data[i + 3] = 255;
  }
  const ratio = bad / (a.width * a.height);
  if (ratio > maxDiffRatio) {
    writeFileSync(join(artifacts, `${name}.actual.png`), actualPng);
    writeFileSync(join(artifacts, `${name}.diff.png`), PNG.sync.write(diff));
  }
  return { ok: ratio <= maxDiffRatio, diffRatio: ratio, message: `${(ratio * 100).toFixed(3)}% of pixels differ (limit ${(maxDiffRatio * 100).toFixed(2)}%)` };
}
