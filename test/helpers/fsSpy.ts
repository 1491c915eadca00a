import fs from 'node:fs';

/**
 * Records every call into node:fs (sync, callback and promise forms) whose path lies under `prefix`,
 * for tests that show a path is never opened, stat'ed or looked for on the local disk. The code
 * under test reads `fs.x` at call time (CommonJS), so replacing the module's members is seen.
 */
const SYNC = ['openSync', 'readFileSync', 'statSync', 'lstatSync', 'existsSync', 'realpathSync', 'accessSync', 'readdirSync', 'createReadStream'] as const;
const CALLBACK = ['open', 'readFile', 'stat', 'lstat', 'exists', 'realpath', 'access', 'readdir'] as const;
const PROMISES = ['open', 'readFile', 'stat', 'lstat', 'realpath', 'access', 'readdir'] as const;

type Fn = (...args: unknown[]) => unknown;

export function spyOnFs(prefix: string): { touched: string[]; restore(): void } {
  const touched: string[] = [];
  const undo: (() => void)[] = [];
  const wrap = (target: Record<string, unknown>, name: string, label: string) => {
    const original = target[name] as Fn;
    const spy = function (this: unknown, ...args: unknown[]) {
      const p = args[0];
      const path = typeof p === 'string' ? p : p instanceof URL ? p.pathname : Buffer.isBuffer(p) ? p.toString() : undefined;
      if (path?.startsWith(prefix)) touched.push(`${label}(${path})`);
      return original.apply(this, args);
    };
    Object.assign(spy, original); // realpathSync.native and the like
    target[name] = spy;
    undo.push(() => (target[name] = original));
  };
  const f = fs as unknown as Record<string, unknown>;
  for (const n of [...SYNC, ...CALLBACK]) wrap(f, n, n);
  for (const n of PROMISES) wrap(fs.promises as unknown as Record<string, unknown>, n, `promises.${n}`);
  return { touched, restore: () => undo.reverse().forEach((u) => u()) };
}
