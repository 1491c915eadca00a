// Generates media/labels/imagenet.txt (the 1,000 ImageNet-1k class names, one per line, line i = class i)
// from the class table that @tensorflow-models/mobilenet (Apache-2.0) ships in dist/imagenet_classes.js.
// The package is fetched with the ordinary npm client into a temporary folder; nothing is added to the
// project's dependencies. Usage: node scripts/make-labels.mjs [path/to/extracted/package]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = '@tensorflow-models/mobilenet@2.1.1';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

let pkgDir = process.argv[2];
let tmp;
if (!pkgDir) {
  tmp = mkdtempSync(join(tmpdir(), 'convlens-labels-'));
  execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: tmp, stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!tgz) throw new Error(`npm pack ${PACKAGE} produced no tarball in ${tmp}`);
  execFileSync('tar', ['xzf', tgz], { cwd: tmp });
  pkgDir = join(tmp, 'package');
}

const file = join(pkgDir, 'dist', 'imagenet_classes.js');
const { IMAGENET_CLASSES } = createRequire(import.meta.url)(file);
const lines = [];
for (let i = 0; i < 1000; i++) {
  const label = IMAGENET_CLASSES[i];
  if (typeof label !== 'string' || label.length === 0) throw new Error(`${file}: class ${i} has no label`);
  if (label.includes('\n')) throw new Error(`${file}: class ${i} label spans lines`);
  lines.push(label);
}
if (Object.keys(IMAGENET_CLASSES).length !== 1000) throw new Error(`${file}: expected 1000 classes, found ${Object.keys(IMAGENET_CLASSES).length}`);

const out = join(root, 'media', 'labels', 'imagenet.txt');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.join('\n') + '\n');
if (tmp) rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${lines.length} labels to ${out} (from ${PACKAGE}, Apache-2.0)`);
