import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Root of the shared model corpus (../shared/models beside the repo), or CONVLENS_MODELS. */
export const corpusRoot = resolve(process.env.CONVLENS_MODELS ?? join(__dirname, '..', '..', '..', 'shared', 'models'));

export function corpus(...parts: string[]): string {
  const p = join(corpusRoot, ...parts);
  if (!existsSync(p)) throw new Error(`test corpus file missing: ${p} (set CONVLENS_MODELS to the shared/models folder)`);
  return p;
}
