import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageLanguagePack, registerLanguagePacks } from './languagePack';

/**
 * A real VS Code (code-server, installed by scripts/setup-code-server.sh) on 127.0.0.1 with a fresh
 * user-data and extensions folder, with the packaged VSIX installed the way a user installs it.
 * It runs in its own process group, so stop() ends it and every child it started.
 */

export const repoRoot = resolve(__dirname, '..', '..', '..');

export function codeServerDir(): string {
  const version = process.env.CONVLENS_CODE_SERVER_VERSION ?? '4.139.1';
  const dir = join(process.env.CONVLENS_CACHE ?? join(homedir(), '.cache', 'convlens'), `code-server-${version}`);
  if (!existsSync(join(dir, '.complete'))) {
    throw new Error(`code-server ${version} is not installed in ${dir}: run scripts/setup-code-server.sh (about 6 minutes, once)`);
  }
  return dir;
}

/** The VSIX built by scripts/package.mjs for this machine's platform, or the web one (`--target web`). */
export function vsixPath(target: 'platform' | 'web' = 'platform'): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const p = join(repoRoot, 'dist', `${pkg.name}-${target === 'web' ? 'web' : `${process.platform}-${process.arch}`}-${pkg.version}.vsix`);
  if (!existsSync(p)) throw new Error(`${p} is missing: run node scripts/package.mjs`);
  return p;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

export interface CodeServer {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** Everything code-server printed. */
  output(): string;
  /** Text of every log file under the user-data folder whose path matches `pattern`. */
  logs(pattern: RegExp): { file: string; text: string }[];
  /** Resolves once the extension host has started and activated its eager extensions, so that
   * contributions (our custom editor) are registered before the test opens a file. */
  extensionHostReady(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Folder to open in the workbench. */
  folder: string;
  /** User settings written before start. */
  settings?: Record<string, unknown>;
  /** Keep the temporary folders (for debugging). */
  keep?: boolean;
  /** Display language (`--locale`), with its language pack installed (./languagePack.ts): 'ko'. */
  locale?: string;
  /** Which packaged VSIX to install (default: this platform's). */
  vsix?: 'platform' | 'web';
  /** Workspace trust on, the folder not trusted: the window opens in Restricted Mode, without the
   * startup prompt (a user who chose "No, I don't trust the authors"). Off by default. */
  workspaceTrust?: boolean;
}

/** What turns workspace trust on for a test that asks for it (BASE_SETTINGS turn it off). */
const TRUST_SETTINGS = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
};

const BASE_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.colorTheme': 'Default Dark Modern',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.layoutControl.enabled': false,
  'editor.wordWrap': 'on',
  'editor.minimap.enabled': false,
};

export async function startCodeServer(options: StartOptions): Promise<CodeServer> {
  const dir = codeServerDir();
  const node = join(dir, 'node');
  const entry = join(dir, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  const work = mkdtempSync(join(tmpdir(), 'convlens-e2e-'));
  const userDataDir = join(work, 'user-data');
  const extensionsDir = join(work, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const trust = options.workspaceTrust === true;
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...(trust ? TRUST_SETTINGS : {}), ...options.settings }, null, 2));
  const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  const install = spawnSync(node, [entry, ...common, '--install-extension', vsixPath(options.vsix)], { encoding: 'utf8', timeout: 120_000 });
  if (install.status !== 0 || !/successfully installed/i.test(install.stdout + install.stderr)) {
    throw new Error(`installing the VSIX into code-server failed (exit ${install.status}):\n${install.stdout}\n${install.stderr}`);
  }
  const locale: string[] = [];
  if (options.locale) {
    const pack = spawnSync(node, [entry, ...common, '--install-extension', packageLanguagePack(repoRoot, options.locale, work)], { encoding: 'utf8', timeout: 120_000 });
    if (pack.status !== 0) throw new Error(`installing the ${options.locale} language pack failed (exit ${pack.status}):\n${pack.stdout}\n${pack.stderr}`);
    const languages = registerLanguagePacks(userDataDir, extensionsDir);
    if (!languages.includes(options.locale)) throw new Error(`no installed language pack for '${options.locale}' (found: ${languages.join(', ') || 'none'})`);
    locale.push('--locale', options.locale);
  }

  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(
    node,
    [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check',
      ...(trust ? [] : ['--disable-workspace-trust']), '--disable-getting-started-override', ...locale, ...common, options.folder],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, VSCODE_CLI: undefined } },
  );
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  const url = `http://127.0.0.1:${port}/`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}) before serving:\n${out}`);
    try {
      const r = await fetch(url);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`code-server did not answer on ${url} within 60 s:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  const logs = (pattern: RegExp) =>
    listFiles(join(userDataDir, 'logs')).filter((f) => pattern.test(f)).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  return {
    url: `${url}?folder=${encodeURIComponent(options.folder)}`,
    port,
    userDataDir,
    extensionsDir,
    output: () => out,
    logs,
    extensionHostReady: (timeoutMs = 60_000) => waitForExtensionHost(userDataDir, timeoutMs),
    async stop() {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      killGroup(child, 'SIGKILL'); // children that outlived the server
      if (!options.keep) rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Waits for the extension host of the code-server using `userDataDir` to have registered its extensions. */
export async function waitForExtensionHost(userDataDir: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const ready = () =>
    listFiles(join(userDataDir, 'logs'))
      .filter((f) => /remoteexthost\.log$/.test(f))
      .some((f) => readFileSync(f, 'utf8').includes('Eager extensions activated'));
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`the extension host (logs in ${userDataDir}/logs) did not start within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? (e as unknown as { path: string }).path, e.name));
}
