import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCsp, buildHtml, makeNonce } from '../../../src/editor/webviewHtml';

const SRC = 'https://file+.vscode-resource.vscode-cdn.net';

test('nonces are 128-bit random base64 and differ each time', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) seen.add(makeNonce());
  assert.equal(seen.size, 200);
  for (const n of seen) assert.equal(Buffer.from(n, 'base64').length, 16);
});

test('the CSP denies by default and allows scripts only by nonce', () => {
  const csp = buildCsp(SRC, 'N0NCE');
  const parts = Object.fromEntries(csp.split('; ').map((d) => { const [k, ...v] = d.split(' '); return [k, v.join(' ')]; }));
  assert.equal(parts['default-src'], "'none'");
  assert.equal(parts['script-src'], "'nonce-N0NCE'");
  assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'));
  assert.equal(parts['img-src'], `${SRC} data: blob:`);
  assert.equal(parts['font-src'], SRC);
  assert.equal(parts['worker-src'], `${SRC} blob:`);
});

test('the page has the root element, nonce-tagged scripts and escaped data attributes', () => {
  const html = buildHtml(SRC, 'abc', {
    title: 'model <1>.onnx',
    scripts: [`${SRC}/dist/webview.js`],
    styles: [`${SRC}/dist/codicon.css`],
    data: { layoutWorker: `${SRC}/dist/layoutWorker.js?a="b"` },
  });
  assert.match(html, /<div id="root" data-layout-worker="[^"]*layoutWorker\.js\?a=&quot;b&quot;"><\/div>/);
  assert.match(html, /<script nonce="abc" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/dist\/webview\.js"><\/script>/);
  assert.match(html, /<title>model &lt;1&gt;\.onnx<\/title>/);
  // every <script> carries the nonce
  const scripts = html.match(/<script[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  for (const s of scripts) assert.match(s, /nonce="abc"/);
});
