import { build } from 'esbuild';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';

/**
 * Integration tests in desktop VS Code (Electron) through @vscode/test-electron, for machines that
 * can download VS Code from Microsoft. Where the download is impossible (no internet, as on the
 * project's build machines) it says so and skips: the e2e layer (test/e2e, code-server) covers the
 * same ground there. `npm run test:integration`; on Linux without a display, run it under xvfb-run.
 */
const root = resolve(__dirname, '..', '..');
const DOWNLOAD_TIMEOUT_MS = Number(process.env.CONVLENS_VSCODE_DOWNLOAD_TIMEOUT_MS ?? 90_000);

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'convlens-integration-'));
  await build({ entryPoints: [join(__dirname, 'suite.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'], outfile: join(out, 'suite.js'), logLevel: 'warning' });

  let vscodeExecutablePath: string;
  try {
    vscodeExecutablePath = await Promise.race([
      downloadAndUnzipVSCode({ version: process.env.CONVLENS_VSCODE_VERSION ?? 'stable', cachePath: join(root, '.vscode-test') }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${DOWNLOAD_TIMEOUT_MS / 1000} s`)), DOWNLOAD_TIMEOUT_MS)),
    ]);
  } catch (e) {
    console.log(`integration: SKIPPED — VS Code could not be downloaded (${e instanceof Error ? e.message : String(e)}).`);
    console.log('These tests need update.code.visualstudio.com; the e2e layer (npm run test:e2e, code-server) runs the packaged extension instead.');
    process.exit(0);
  }
  const code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(out, 'suite.js'),
    launchArgs: [join(root, 'media', 'samples'), '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
  process.exit(code);
}

main().catch((e) => {
  console.error(`integration: failed: ${e instanceof Error ? e.stack : String(e)}`);
  process.exit(1);
});
