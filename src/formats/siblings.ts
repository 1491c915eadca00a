/**
 * Resolving files that a model refers to beside itself (ONNX external data, TF.js weight shards).
 * A model file is untrusted input: a reference may not escape the model's folder, whether by an
 * absolute path, a '..' segment, or a symbolic link that points elsewhere.
 */
import { existsSync, realpathSync } from 'node:fs';
import { isAbsolute, join, sep, win32 } from 'node:path';
import { ModelError } from '../ir/types';
import { checkSiblingLocation } from './siblingLocation';

/** The absolute path of `location` inside `folder`; throws a ModelError naming `where` when the
 * location is absolute, has a '..' segment, or resolves (through links) outside the folder.
 * A file that does not exist is returned as is (reading it later reports it missing). */
export function resolveInside(folder: string, location: string, where: string): string {
  checkSiblingLocation(location, where);
  // The platform's own notion of absolute too (the shared check knows '/', '\\' and drive letters).
  if (isAbsolute(location) || win32.isAbsolute(location)) {
    throw new ModelError(`refusing absolute file location ${JSON.stringify(location)}: it must be relative to the model's folder`, where);
  }
  const path = join(folder, location);
  if (!existsSync(path)) return path;
  const realFolder = realpathSync(folder);
  const real = realpathSync(path);
  if (real !== realFolder && !real.startsWith(realFolder.endsWith(sep) ? realFolder : realFolder + sep)) {
    throw new ModelError(`refusing file location ${JSON.stringify(location)}: it resolves to ${real}, outside the model's folder`, where);
  }
  return real;
}
