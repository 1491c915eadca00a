import type { Shape } from '../ir/types';

/** Command-line parsing for `convlens`. Problems throw UsageError (exit code 2, with the usage text). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage:
  convlens summary MODEL [--input-shape NAME=1x3x224x224]... [--depth N] [--json | --markdown]
      Layer table in graph order (each branch finished before the next, the main chain first):
      output shape, params, MACs, receptive field; Total / Trainable / Non-trainable params,
      MACs, activations and warnings.
      --depth N: one row per group N levels deep (nested Keras models, PyTorch module paths, or
      the residual blocks, Inception modules and stages found where names carry no scopes),
      with the group's params and MACs.
      --json prints the same as one JSON object.
  convlens check MODEL [--input-shape NAME=1x3x224x224]...
      Runs the ONNX model in ONNX Runtime (CPU) with every intermediate tensor as an output and
      lists every tensor whose runtime shape differs from the static one. Symbolic input dims are
      run at the model's stated sizes or the defaults (1 for a batch, 224 for height and width),
      printed first.
  convlens diff OLD NEW [--json | --markdown]
      What changed between two versions of a model (any two formats): layers added, removed and
      changed, with their shapes, params, MACs and receptive fields; totals before -> after; new and
      resolved warnings. --markdown prints GitHub-flavoured Markdown for a pull-request comment.
  convlens --help | --version

Exit codes: 0 fine, 1 the model cannot be read or checked (or check found differences), 2 usage.
diff, like diff(1): 0 the models are equivalent, 1 they differ, 2 usage error or a model that cannot be read.`;

export interface CliArgs {
  command: 'summary' | 'check' | 'diff' | 'help' | 'version';
  model?: string;
  /** diff: the second model (NEW). */
  other?: string;
  markdown: boolean;
  inputShapes: Record<string, Shape>;
  json: boolean;
  /** --depth N: group the table's rows by scope N levels deep. */
  depth?: number;
}

/** Parses 'NAME=1x3x224x224' (dims may be names, e.g. 'input=Nx3x224x224'). */
export function parseInputShape(spec: string): [string, Shape] {
  const eq = spec.lastIndexOf('=');
  if (eq <= 0) throw new UsageError(`--input-shape wants NAME=DIMS such as input=1x3x224x224, got '${spec}'`);
  const name = spec.slice(0, eq);
  const dimsText = spec.slice(eq + 1);
  const dims = dimsText === '' ? [] : dimsText.split(/[x,]/);
  const shape = dims.map((d) => {
    if (/^\d+$/.test(d)) return Number(d);
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(d)) return d;
    throw new UsageError(`--input-shape ${spec}: '${d}' is neither a size nor a dim name`);
  });
  return [name, shape];
}

export function parseArgs(argv: string[]): CliArgs {
  const out: CliArgs = { command: 'help', inputShapes: {}, json: false, markdown: false };
  if (argv.length === 0) throw new UsageError('no command given');
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return { ...out, command: 'help' };
    if (a === '--version' || a === '-v') return { ...out, command: 'version' };
    if (a === '--json') out.json = true;
    else if (a === '--markdown') out.markdown = true;
    else if (a === '--depth' || a.startsWith('--depth=')) {
      const v = a === '--depth' ? argv[++i] : a.slice('--depth='.length);
      if (v === undefined || !/^\d+$/.test(v)) throw new UsageError(`--depth needs a whole number of scope levels such as 1, got '${v ?? ''}'`);
      out.depth = Number(v);
    }
    else if (a === '--input-shape' || a.startsWith('--input-shape=')) {
      const spec = a === '--input-shape' ? argv[++i] : a.slice('--input-shape='.length);
      if (spec === undefined) throw new UsageError('--input-shape needs a value such as input=1x3x224x224');
      const [name, shape] = parseInputShape(spec);
      out.inputShapes[name] = shape;
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else rest.push(a);
  }
  const [command, model, ...extra] = rest;
  if (out.json && out.markdown) throw new UsageError('--json and --markdown cannot be combined');
  if (command === 'diff') return diffArgs(out, model, extra);
  if (command !== 'summary' && command !== 'check') throw new UsageError(`unknown command '${command ?? ''}'`);
  if (!model) throw new UsageError(`${command} needs a MODEL file`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}'`);
  if (command === 'check' && out.json) throw new UsageError('--json applies to summary only');
  if (command === 'check' && out.markdown) throw new UsageError('--markdown applies to summary and diff only');
  if (out.depth !== undefined && (command === 'check' || out.json || out.markdown)) throw new UsageError('--depth applies to the summary table only (not to check, --json or --markdown)');
  return { ...out, command, model };
}

function diffArgs(out: CliArgs, model: string | undefined, extra: string[]): CliArgs {
  if (!model || extra.length === 0) throw new UsageError('diff needs two model files: OLD NEW');
  if (extra.length > 1) throw new UsageError(`unexpected argument '${extra[1]}'`);
  if (Object.keys(out.inputShapes).length > 0) throw new UsageError('--input-shape applies to summary and check only');
  if (out.depth !== undefined) throw new UsageError('--depth applies to the summary table only');
  return { ...out, command: 'diff', model, other: extra[0] };
}
