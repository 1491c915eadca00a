import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot, freePort, waitForExtensionHost } from './harness/codeServer';
import { launchBrowser, openFromExplorer, openWorkbench, screenshot } from './harness/browser';
import { graphFrame } from './harness/graph';

/** The README's first quick-start command, `npm start` (scripts/start.mjs), on a machine without desktop VS Code. */
test('npm start packages ConvLens, serves it in code-server on the samples and stops cleanly', { timeout: 300_000 }, async () => {
  const profile = mkdtempSync(join(tmpdir(), 'convlens-start-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: repoRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CONVLENS_NO_DESKTOP: '1', CONVLENS_PORT: String(port), CONVLENS_START_PROFILE: profile },
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  const browser = await launchBrowser();
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(out);
        if (m) (clearInterval(timer), resolve(m[1]));
        else if (child.exitCode !== null) (clearInterval(timer), reject(new Error(`start.mjs exited ${child.exitCode}:\n${out}`)));
      }, 250);
    });
    assert.ok(url.startsWith(`http://127.0.0.1:${port}/`), url);
    const page = await openWorkbench(browser, url);
    await waitForExtensionHost(join(profile, 'user-data'));
    await openFromExplorer(page, 'mnist_c_cxx.onnx');
    const { report } = await graphFrame(page, 'mnist_c_cxx.onnx');
    assert.ok(report.nodes > 5);
    await screenshot(page, 'start-code-server');
  } finally {
    await browser.close();
    process.kill(child.pid!, 'SIGINT');
    const code = await exited;
    rmSync(profile, { recursive: true, force: true });
    assert.equal(code, 0, out);
  }
  // The code-server it started is gone with it.
  await new Promise((r) => setTimeout(r, 1000));
  const alive = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
  assert.equal(alive, false, 'code-server still answers after start.mjs stopped');
});
