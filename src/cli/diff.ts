import { basename, resolve } from 'node:path';
import { ModelError } from '../ir/types';
import { readModelFile } from '../formats/index';
import { analyze } from '../analysis/analyze';
import { diffModels, type DiffSide } from '../diff/diff';
import { diffMarkdown, diffText } from '../diff/report';
import type { CliArgs } from './args';

/** `convlens diff OLD NEW`: exit 0 equivalent, 1 different, 2 trouble (as diff(1) does). */
export class DiffTrouble extends Error {}

async function side(path: string): Promise<DiffSide> {
  try {
    const model = await readModelFile(resolve(path));
    return { model, analysis: analyze(model) };
  } catch (e) {
    if (e instanceof ModelError) throw new DiffTrouble(e.message);
    throw e;
  }
}

export async function runDiff(args: CliArgs, write: (text: string) => void): Promise<number> {
  const [a, b] = [args.model as string, args.other as string];
  const d = diffModels(await side(a), await side(b));
  if (args.json) write(`${JSON.stringify({ old: a, new: b, ...d }, null, 2)}\n`);
  else if (args.markdown) write(`${diffMarkdown(d, basename(a), basename(b))}\n`);
  else write(`${diffText(d, a, b)}\n`);
  return d.equivalent ? 0 : 1;
}
