import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { getL10nJson } from '@vscode/l10n-dev';

/**
 * ConvLens speaks English and Korean through VS Code's own mechanism: package.nls[.ko].json for the
 * manifest, l10n/bundle.l10n[.ko].json for the code (vscode.l10n.t in the host, @vscode/l10n's t in
 * plain modules, the inference process and the webviews). These tests hold the bundles to the code.
 */
const root = join(__dirname, '..', '..');
const readJson = (p: string) => JSON.parse(readFileSync(join(root, p), 'utf8')) as Record<string, unknown>;
const messages = (p: string) => readJson(p) as Record<string, string>;

/** {0}, {1}… (and named {name}) placeholders, sorted: a translation must keep every one. */
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
/** What must survive translation verbatim: `code`, command links, $(icons). */
const verbatim = (s: string) => [...s.matchAll(/`[^`]+`|\(command:[^)]+\)|\$\([\w-]+\)/g)].map((m) => m[0]).sort();
const hangul = /[\uac00-\ud7a3]/;

function checkTranslations(en: Record<string, string>, ko: Record<string, string>, what: string): void {
  assert.deepEqual(Object.keys(ko).sort(), Object.keys(en).sort(), `${what}: the Korean keys are the English keys`);
  for (const [key, english] of Object.entries(en)) {
    const korean = ko[key];
    assert.equal(typeof korean, 'string', `${what}: ${key}`);
    assert.deepEqual(placeholders(korean), placeholders(english), `${what}: placeholders of ${JSON.stringify(key)}`);
    assert.deepEqual(verbatim(korean), verbatim(english), `${what}: code and links of ${JSON.stringify(key)}`);
    // Every message with English words has Korean words, names that stay as they are (ConvLens, MAC) and code aside.
    const words = english.replace(/\{\w+\}|`[^`]*`|\(command:[^)]+\)|ConvLens|MACs?|ONNX|JSON|HEAD/g, '');
    if (/[A-Za-z]{2,}/.test(words)) assert.match(korean, hangul, `${what}: ${JSON.stringify(key)} is not translated`);
  }
}

test('every %key% of package.json is in package.nls.json, and every key there is used', () => {
  const manifest = readFileSync(join(root, 'package.json'), 'utf8');
  const used = new Set([...manifest.matchAll(/"%([\w.-]+)%"/g)].map((m) => m[1]));
  const en = messages('package.nls.json');
  assert.deepEqual([...used].sort(), Object.keys(en).sort());
  assert.equal(readJson('package.json').l10n, './l10n');
  // Nothing a user reads in the manifest is written there directly.
  const raw = [...manifest.matchAll(/"(displayName|description|title|markdownDescription|category)": "(?!%)([^"]*)"/g)].map((m) => `${m[1]}: ${m[2]}`);
  assert.deepEqual(raw, [], 'manifest strings not in package.nls.json');
});

test('package.nls.ko.json translates every manifest string, keeping placeholders, code and links', () => {
  const en = messages('package.nls.json');
  const ko = messages('package.nls.ko.json');
  for (const k of Object.keys(en).filter((k) => k.endsWith('.media'))) {
    // Walkthrough pages: the Korean manifest points at Korean pages that exist.
    assert.doesNotThrow(() => readFileSync(join(root, ko[k])), ko[k]);
    assert.match(readFileSync(join(root, ko[k]), 'utf8'), hangul, ko[k]);
    en[k] = `${en[k]} 경로`;
    ko[k] = `${ko[k]} 경로`;
  }
  checkTranslations(en, ko, 'package.nls.ko.json');
});

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}
const codeFiles = () => [...sources('src'), ...sources('webview')];

test('l10n/bundle.l10n.json is what @vscode/l10n-dev extracts from the code (run `npm run l10n` after adding a string)', async () => {
  const files = codeFiles().map((f) => ({ contents: readFileSync(join(root, f), 'utf8'), extension: f.slice(f.lastIndexOf('.')) }));
  const extracted = await getL10nJson(files);
  assert.ok(Object.keys(extracted).length > 40, 'the extractor found the l10n.t calls');
  assert.deepEqual(Object.keys(messages('l10n/bundle.l10n.json')).sort(), Object.keys(extracted).sort());
});

test('l10n/bundle.l10n.ko.json translates every message, keeping its placeholders', () => {
  const en = messages('l10n/bundle.l10n.json');
  for (const [k, v] of Object.entries(en)) assert.equal(v, k, 'the English bundle maps each message to itself');
  checkTranslations(en, messages('l10n/bundle.l10n.ko.json'), 'bundle.l10n.ko.json');
});

/** Keys written twice in one bundle: JSON.parse keeps the last silently, so one translation is dead text. */
function duplicateKeys(text: string): string[] {
  const seen = new Set<string>();
  const twice: string[] = [];
  for (const m of text.matchAll(/^\s*("(?:[^"\\]|\\.)*")\s*:/gm)) {
    const key = JSON.parse(m[1]) as string;
    if (seen.has(key)) twice.push(key);
    seen.add(key);
  }
  return twice;
}

test('no bundle holds a key twice (the second translation would silently replace the first)', () => {
  for (const p of ['l10n/bundle.l10n.json', 'l10n/bundle.l10n.ko.json', 'package.nls.json', 'package.nls.ko.json']) {
    assert.deepEqual(duplicateKeys(readFileSync(join(root, p), 'utf8')), [], p);
  }
  assert.deepEqual(duplicateKeys('{\n  "a": "1",\n  "b \\" c": "2",\n  "a": "3"\n}'), ['a'], 'the check finds a repeated key');
});

test('the translation checks fail on a lost placeholder, a lost code span and an untranslated message', () => {
  assert.throws(() => checkTranslations({ 'a {0}': 'a {0}' }, { 'a {0}': '가' }, 'probe'), /placeholders/);
  assert.throws(() => checkTranslations({ 'run `x`': 'run `x`' }, { 'run `x`': '실행 x' }, 'probe'), /code and links/);
  assert.throws(() => checkTranslations({ 'Save': 'Save' }, { 'Save': 'Save' }, 'probe'), /not translated/);
});

/**
 * A user-visible English literal left in code that was converted: a message, title, label or text
 * set from a quoted string with two words or a capitalised word, rather than from l10n.t.
 * Identifiers, CSS classes, codicon names and log lines are not user text and do not match.
 */
const UNTRANSLATED: RegExp[] = [
  /\b(?:show(?:Error|Warning|Information)Message|setStatusBarMessage)\(\s*['"`](?!\$\{)/,
  /(?:\b(?:title|label|description|placeholder|placeHolder|tooltip|prompt|openLabel|saveLabel|textContent|innerText|ariaLabel)|'aria-label')\s*[:=]\s*['"`][A-Z][a-z]+/,
  /(?:\b(?:title|label|description|placeholder|placeHolder|tooltip|prompt|textContent|innerText)|'aria-label')\s*[:=]\s*['"`][A-Za-z]+ [a-z]+/,
  // A DOM child given as text: h('span', { … }, 'input size') or h('button', { … }, icon('x'), ' Defaults').
  /\},\s*(?:icon\('[\w-]+'\),\s*)?['"`] ?[A-Za-z][a-z]+(?: [a-z]+)*[….:]*['"`]\)/,
];
export function untranslatedLines(text: string): string[] {
  return text.split('\n').filter((line) => !/^\s*(\/\/|\*|\/\*)/.test(line) && UNTRANSLATED.some((r) => r.test(line)));
}

/** The files whose every user-visible string goes through l10n.t (more join as they are converted). */
const CONVERTED = [
  'src/extension.ts', 'src/web/extension.ts', 'src/editor/inference.ts', 'src/editor/modelDiff.ts', 'src/editor/graphPanel.ts',
  'src/editor/featureMapsPanel.ts', 'src/editor/json/register.ts', 'src/editor/json/format.ts', 'src/editor/onnxNodeSource.ts',
  ...['app.ts', 'commands.ts', 'layout/client.ts', 'ui/details.ts', 'ui/inference.ts', 'ui/inputSizes.ts', 'ui/legend.ts', 'ui/nodeInfo.ts', 'ui/search.ts', 'ui/summary.ts',
    'ui/toolbar.ts', 'render/draw.ts', 'render/graphView.ts', 'export/svg.ts', 'export/mermaidPreview.ts'].map((f) => `webview/graph/${f}`),
  'src/runtime/explain.ts',
  ...['main.ts', 'stepView.ts', 'layerView.ts', 'top5.ts', 'histogram.ts', 'grid.ts'].map((f) => `webview/featureMaps/${f}`),
];

test('no user-visible English literal is left in the converted host and webview code', () => {
  for (const f of CONVERTED) assert.deepEqual(untranslatedLines(readFileSync(join(root, f), 'utf8')), [], f);
});

test('the literal scan catches a message, a title and a text left in English', () => {
  assert.equal(untranslatedLines("void vscode.window.showErrorMessage('ConvLens: open a model first');").length, 1);
  assert.equal(untranslatedLines("  title: 'Feature Maps',").length, 1);
  assert.equal(untranslatedLines("status.textContent = 'no answer from ConvLens';").length, 1);
  assert.equal(untranslatedLines("status.textContent = l10n.t('no answer from ConvLens');").length, 0);
  assert.equal(untranslatedLines("h('button', { class: 'cl-btn' }, icon('discard'), ' Defaults');").length, 1);
  assert.equal(untranslatedLines("h('span', { class: 'cl-sum-label' }, 'input size'));").length, 1);
  assert.equal(untranslatedLines("attrs: { role: 'group', 'aria-label': 'Input size' }").length, 1);
});
