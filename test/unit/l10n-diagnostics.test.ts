import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as l10n from '@vscode/l10n';
import { readModelFile } from '../../src/formats/index';
import { analyze } from '../../src/analysis/analyze';
import type { Analysis } from '../../src/analysis/types';

/**
 * Diagnostics in the display language: the model worker configures @vscode/l10n with the host's bundle
 * (src/editor/modelWorker.ts), and the analysis words its lint with it. The same model analysed in
 * English and in Korean gives the same warnings, on the same nodes, with the same figures.
 */
const root = join(__dirname, '..', '..');
const figures = (s: string) => (s.match(/\d[\d,.×·/]*/g) ?? []).sort().join(' ');
const analyseZoo = async (name: string): Promise<Analysis> => analyze(await readModelFile(join(root, 'media', 'samples', 'zoo', `${name}.json`)));

test('ResNet-50\'s unread rows and columns are reported in Korean with the analysis\'s numbers', async () => {
  const en = (await analyseZoo('resnet50')).warnings;
  assert.ok(en.some((w) => w.kind === 'unused-pixels' && /the last 1 row and column are never read$/.test(w.message)), 'English first');
  // One warning per layer: a projection that loses a row and a column is not warned twice.
  const warned = en.filter((w) => w.kind === 'unused-pixels').map((w) => w.node);
  assert.deepEqual(warned, [...new Set(warned)]);
  l10n.config({ contents: JSON.parse(readFileSync(join(root, 'l10n', 'bundle.l10n.ko.json'), 'utf8')) as Record<string, string> });
  try {
    const ko = (await analyseZoo('resnet50')).warnings;
    assert.deepEqual(ko.map((w) => [w.kind, w.node]), en.map((w) => [w.kind, w.node]));
    for (let i = 0; i < en.length; i++) {
      assert.equal(figures(ko[i].message), figures(en[i].message), `${en[i].message} / ${ko[i].message}`);
      assert.match(ko[i].message, /스트라이드 \d+로 나누어떨어지지 않습니다: 마지막 (행|열|행 및 열) \d+개는 한 번도 읽히지 않습니다/, ko[i].message);
    }
  } finally {
    l10n.config({ contents: {} });
  }
});
