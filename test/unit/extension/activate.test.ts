import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyRegistrations, fakeContext, installVscodeMock } from '../../helpers/vscodeMock';

/**
 * Activates the built bundle (dist/extension.js, what users get) against a recording stand-in
 * for `vscode`, and holds the manifest to what activate() registers.
 */
const root = join(__dirname, '..', '..', '..');
const bundle = join(root, 'dist', 'extension.js');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

test('activate registers every contributed command and the custom editor, and loads no model code', () => {
  assert.ok(existsSync(bundle), `${bundle} is missing: run npm run build (npm test builds first)`);
  const regs = emptyRegistrations();
  const restore = installVscodeMock(regs);
  const before = new Set(Object.keys(require.cache));
  try {
    const ext = require(bundle) as { activate(ctx: unknown): unknown };
    const ctx = fakeContext(root);
    ext.activate(ctx);
    const contributed = (manifest.contributes.commands as { command: string }[]).map((c) => c.command).sort();
    for (const c of contributed) assert.ok(regs.commands.includes(c), `command ${c} is contributed but not registered`);
    // Commands only invoked from code (a CodeLens), never offered to users, need no contribution.
    const internal = ['convlens.json.showGraph'];
    for (const c of regs.commands) assert.ok(contributed.includes(c) || internal.includes(c), `command ${c} is registered but not in package.json`);
    assert.deepEqual(regs.customEditors, (manifest.contributes.customEditors as { viewType: string }[]).map((e) => e.viewType));
    // A panel VS Code restores after a reload activates us through onWebviewPanel: each needs a serializer, and back.
    const restored = (manifest.activationEvents as string[]).filter((e) => e.startsWith('onWebviewPanel:')).map((e) => e.slice('onWebviewPanel:'.length));
    assert.deepEqual(regs.serializers ?? [], restored);
    assert.ok(ctx.subscriptions.length >= regs.commands.length);
    const loaded = Object.keys(require.cache).filter((k) => !before.has(k));
    assert.ok(!loaded.some((k) => k.includes('onnxruntime')), `activation loaded onnxruntime: ${loaded.join(', ')}`);
  } finally {
    restore();
  }
});

test('every activation event names something the manifest contributes', () => {
  const editors = (manifest.contributes.customEditors as { viewType: string }[]).map((e) => e.viewType);
  for (const ev of manifest.activationEvents as string[]) {
    const [kind, arg] = ev.split(':');
    if (kind === 'onCustomEditor') assert.ok(editors.includes(arg), ev);
    else if (kind === 'onWebviewPanel') assert.ok(arg.startsWith('convlens.'), ev); // serialized: held to activate() above
    else assert.ok(kind === 'onLanguage' && ['json', 'jsonc'].includes(arg), `unexpected activation event ${ev}`);
  }
  assert.ok(!(manifest.activationEvents as string[]).includes('*'), 'activation on startup would slow every window');
});

test('walkthrough and icon files named in the manifest exist', () => {
  assert.ok(existsSync(join(root, manifest.icon)));
  for (const w of manifest.contributes.walkthroughs as { steps: { media: { markdown?: string } }[] }[]) {
    for (const s of w.steps) {
      if (!s.media.markdown) continue;
      // A %key% is the page for the display language (package.nls[.ko].json): both must exist.
      const key = /^%(.+)%$/.exec(s.media.markdown)?.[1];
      const pages = key ? ['package.nls.json', 'package.nls.ko.json'].map((f) => (JSON.parse(readFileSync(join(root, f), 'utf8')) as Record<string, string>)[key]) : [s.media.markdown];
      for (const p of pages) assert.ok(p && existsSync(join(root, p)), `${s.media.markdown}: ${p}`);
    }
  }
});
