/**
 * The check every reference to a file beside a model passes, with no Node module (the web build reads
 * siblings through VS Code's file system API and runs this too): a model file is untrusted input, and a
 * location may not be empty, hold a NUL, be absolute, or have a '..' segment. ./siblings.ts adds what
 * only a local disk can answer (symbolic links that point out of the folder).
 */
import { ModelError } from '../ir/types';

export function checkSiblingLocation(location: string, where: string): void {
  if (location.length === 0) throw new ModelError('empty file location', where);
  if (location.includes('\0')) throw new ModelError(`file location ${JSON.stringify(location)} contains a NUL character`, where);
  if (/^[\\/]/.test(location) || /^[a-zA-Z]:/.test(location)) {
    throw new ModelError(`refusing absolute file location ${JSON.stringify(location)}: it must be relative to the model's folder`, where);
  }
  if (location.split(/[\\/]/).includes('..')) {
    throw new ModelError(`refusing file location ${JSON.stringify(location)}: '..' would leave the model's folder`, where);
  }
}

/** The location's path segments ('a\\b/c.bin' → ['a', 'b', 'c.bin']), '.' and empty ones left out. */
export function siblingSegments(location: string): string[] {
  return location.split(/[\\/]/).filter((s) => s !== '' && s !== '.');
}
