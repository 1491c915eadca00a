import { statSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { resolveInside } from '../siblings';
import type { ManifestGroup } from './weights';

/**
 * The size and modification time of every shard a manifest lists beside `modelPath`, as one string: the
 * shards read for a model.json's text are read again only when this changes (or the manifest does).
 * A shard that cannot be resolved or is missing stamps as such, so it is retried once it appears.
 */
export function shardStamp(modelPath: string, groups: ManifestGroup[]): string {
  const folder = dirname(modelPath);
  return groups.flatMap((g) => g.paths).map((p) => {
    try {
      const s = statSync(resolveInside(folder, p, basename(modelPath)));
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return 'missing';
    }
  }).join(',');
}
