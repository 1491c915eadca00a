import { basename, resolve } from 'node:path';
import type { Model, Shape } from '../ir/types';
import { ModelError } from '../ir/types';
import { readModelFile } from '../formats/index';
import { analyze } from '../analysis/analyze';
import { visibleText } from '../common/visibleText';
import { parseArgs, UsageError, USAGE, type CliArgs } from './args';
import { summaryJson, summaryTable } from './summary';
import { summaryMarkdown } from './summaryMarkdown';
import { describeDifference, runtimeCheck } from './runtimeCheck';
import { DiffTrouble, runDiff } from './diff';
import { describeDims } from '../analysis/inputDims';
import pkg from '../../package.json';

/** The `convlens` command. Errors about the model print one line on stderr (no stack) and exit 1. */

/** Where the command writes (process.stdout/stderr; tests pass their own to run it in-process). */
export interface Output {
  write(text: string): unknown;
}

function checkInputNames(model: Model, shapes: Record<string, Shape>): void {
  const names = model.graph.inputs.map((v) => v.name);
  for (const n of Object.keys(shapes)) {
    if (!names.includes(n)) throw new UsageError(`--input-shape: the model has no input '${n}' (inputs: ${names.join(', ') || 'none'})`);
  }
}

async function run(args: CliArgs, out: Output, err: Output): Promise<number> {
  if (args.command === 'help') {
    out.write(`${USAGE}\n`);
    return 0;
  }
  if (args.command === 'version') {
    out.write(`${pkg.version}\n`);
    return 0;
  }
  // Line by line: a line break the diff writes stays one, any control character from the files is shown.
  if (args.command === 'diff') return runDiff(args, (t) => out.write(t.split('\n').map(visibleText).join('\n')));
  const path = resolve(args.model as string);
  const model = await readModelFile(path);
  checkInputNames(model, args.inputShapes);
  if (args.command === 'summary') {
    const a = analyze(model, { inputShapes: args.inputShapes });
    if (args.markdown) out.write(summaryMarkdown(model, a, basename(path), args.depth));
    else out.write(args.json ? `${JSON.stringify(summaryJson(model, a), null, 2)}\n` : `${summaryTable(model, a, { depth: args.depth })}\n`);
    return 0;
  }
  const r = await runtimeCheck(model, path, args.inputShapes);
  const fed = Object.entries(r.inputShapes).map(([n, s]) => `${n}=${s.join('x')}`).join(' ');
  // Said before any result: what a difference means depends on the sizes it was run at.
  if (r.dimsAt.length > 0) out.write(`symbolic input dims at ${describeDims(r.dimsAt)}; choose others with --input-shape\n`);
  if (r.differences.length === 0) {
    out.write(`ok: ${r.compared} tensors, every runtime shape equals the static shape (inputs ${fed})\n`);
    return 0;
  }
  for (const d of r.differences) out.write(`${visibleText(describeDifference(d))}\n`);
  err.write(`${visibleText(path)}: ${r.differences.length} of ${r.compared} tensors differ between ONNX Runtime and the static analysis\n`);
  return 1;
}

/** `convlens summary MODEL | head -1`: once the reader has gone, the rest of the output has
 * nowhere to go, so the command ends quietly (exit 0) instead of dying of an unhandled EPIPE. */
function endQuietlyWhenPipeCloses(stream: NodeJS.WriteStream): void {
  if (stream.listenerCount('error') > 0) return;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    process.stderr.write(`convlens: cannot write the output: ${e.message}\n`);
    process.exit(1);
  });
}

export async function main(argv: string[], out: Output = process.stdout, err: Output = process.stderr): Promise<number> {
  if (out === process.stdout) endQuietlyWhenPipeCloses(process.stdout);
  try {
    return await run(parseArgs(argv), out, err);
  } catch (e) {
    if (e instanceof UsageError) {
      err.write(`convlens: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    const msg = e instanceof ModelError || e instanceof DiffTrouble ? e.message : `internal error: ${(e as Error)?.message ?? String(e)}`;
    err.write(`${visibleText(msg.split('\n')[0])}\n`);
    return e instanceof DiffTrouble ? 2 : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`internal error: ${String((e as Error)?.message ?? e).split('\n')[0]}\n`);
      process.exitCode = 1;
    },
  );
}
