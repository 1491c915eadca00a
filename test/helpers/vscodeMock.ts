import Module from 'node:module';
import * as l10n from '@vscode/l10n';

/**
 * A small stand-in for the `vscode` module: enough of the API for activate() to run in plain
 * Node, recording what the extension registers. Used by the activation test and benchmark.
 * Only what activation touches is here; anything else throws so a new dependency is noticed.
 */
export interface Registrations {
  commands: string[];
  customEditors: string[];
  outputChannels: string[];
  contextKeys: Record<string, unknown>;
  /** View types of webview panels restored after a reload (registerWebviewPanelSerializer). */
  serializers?: string[];
}

type Listener<T> = (e: T) => unknown;

class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event = (l: Listener<T>) => {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  };
  fire(e: T): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

class Uri {
  constructor(readonly scheme: string, readonly path: string) {}
  static file(p: string): Uri {
    return new Uri('file', p);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path.replace(/\/$/, ''), ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

const noEvent = () => ({ dispose() {} });

export function createVscodeMock(registrations: Registrations): Record<string, unknown> {
  const disposable = { dispose() {} };
  const strict = <T extends object>(name: string, o: T): T =>
    new Proxy(o, {
      get(target, key) {
        if (key in target || typeof key === 'symbol' || key === 'then') return (target as Record<string | symbol, unknown>)[key];
        throw new Error(`vscode mock: ${name}.${String(key)} is not mocked; activation should not need it`);
      },
    });
  const logChannel = (name: string) => {
    registrations.outputChannels.push(name);
    return { name, info() {}, warn() {}, error() {}, debug() {}, trace() {}, append() {}, appendLine() {}, show() {}, dispose() {} };
  };
  return {
    Uri,
    EventEmitter,
    Disposable: class { static from(...d: { dispose(): unknown }[]) { return { dispose: () => d.forEach((x) => x.dispose()) }; } constructor(private f: () => void) {} dispose() { this.f(); } },
    Range: class { constructor(readonly a: number, readonly b: number, readonly c: number, readonly d: number) {} },
    Diagnostic: class { source?: string; constructor(readonly range: unknown, readonly message: string, readonly severity: number) {} },
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    RelativePattern: class { constructor(readonly base: unknown, readonly pattern: string) {} },
    ViewColumn: { Active: -1, Beside: -2, One: 1, Two: 2 },
    TabInputCustom: class {},
    window: strict('window', {
      createOutputChannel: logChannel,
      registerCustomEditorProvider: (viewType: string) => (registrations.customEditors.push(viewType), disposable),
      registerWebviewPanelSerializer: (viewType: string) => ((registrations.serializers ??= []).push(viewType), disposable),
      onDidChangeActiveTextEditor: noEvent,
      onDidChangeTextEditorSelection: noEvent,
      activeTextEditor: undefined,
      visibleTextEditors: [],
      showErrorMessage: async () => undefined,
      showInformationMessage: async () => undefined,
    }),
    commands: strict('commands', {
      registerCommand: (id: string) => (registrations.commands.push(id), disposable),
      executeCommand: async (id: string, key?: string, value?: unknown) => {
        if (id === 'setContext' && key) registrations.contextKeys[key] = value;
      },
    }),
    workspace: strict('workspace', {
      onDidChangeConfiguration: noEvent,
      onDidOpenTextDocument: noEvent,
      onDidChangeTextDocument: noEvent,
      onDidCloseTextDocument: noEvent,
      onDidSaveTextDocument: noEvent,
      textDocuments: [],
      workspaceFolders: undefined,
      // Trusted unless a test says otherwise; a test grants trust by firing the event it replaces this with.
      isTrusted: true,
      onDidGrantWorkspaceTrust: noEvent,
      registerTextDocumentContentProvider: () => disposable,
      getConfiguration: () => ({ get: (_k: string, d: unknown) => d }),
    }),
    languages: strict('languages', {
      registerCodeLensProvider: () => disposable,
      registerHoverProvider: () => disposable,
      registerInlayHintsProvider: () => disposable,
      registerDefinitionProvider: () => disposable,
      createDiagnosticCollection: () => ({ set() {}, delete() {}, clear() {}, dispose() {} }),
    }),
    env: { language: 'en' },
    // English, as VS Code gives it with no bundle: the message itself, placeholders filled.
    l10n: { t: (message: string, ...args: (string | number | boolean)[]) => l10n.t(message, ...args), bundle: undefined, uri: undefined },
  };
}

/** Makes `require('vscode')` return the mock for as long as the returned function is not called. */
export function installVscodeMock(registrations: Registrations): () => void {
  const mock = createVscodeMock(registrations);
  const M = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
  const original = M._load;
  M._load = function (request: string, parent: unknown, isMain: boolean) {
    if (request === 'vscode') return mock;
    return original.call(this, request, parent, isMain);
  };
  return () => {
    M._load = original;
  };
}

export function emptyRegistrations(): Registrations {
  return { commands: [], customEditors: [], outputChannels: [], contextKeys: {} };
}

/** A minimal ExtensionContext for activate(). */
export function fakeContext(extensionPath: string): { subscriptions: { dispose(): unknown }[]; extensionUri: Uri; extensionPath: string } {
  return { subscriptions: [], extensionUri: Uri.file(extensionPath), extensionPath };
}
