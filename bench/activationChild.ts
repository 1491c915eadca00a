import { join } from 'node:path';
import { emptyRegistrations, fakeContext, installVscodeMock } from '../test/helpers/vscodeMock';

/**
 * One fresh process, one measurement (a warm module cache would hide the cost):
 * argv[2] = 'extension' -> require dist/extension.js + activate() against the vscode stand-in;
 *           'reference' -> require jsonc-parser, a small known module (what a light extension costs).
 * Prints the milliseconds as JSON.
 */
const root = join(__dirname, '..');
const which = process.argv[2];
const restore = installVscodeMock(emptyRegistrations());
const started = performance.now();
if (which === 'extension') {
  const ext = require(join(root, 'dist', 'extension.js')) as { activate(ctx: unknown): unknown };
  ext.activate(fakeContext(root));
} else {
  require('jsonc-parser');
}
const ms = performance.now() - started;
restore();
process.stdout.write(JSON.stringify({ which, ms }) + '\n');
