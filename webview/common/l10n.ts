import * as l10n from '@vscode/l10n';

/**
 * The webviews' one translation function. The host puts the bundle VS Code chose for its display
 * language (vscode.l10n.bundle) on #root as data-l10n (src/editor/l10n.ts); English pages get none,
 * and every message is its own English text. Call it as `l10n.t('…{0}…', arg)` (import * as l10n),
 * the form @vscode/l10n-dev extracts into l10n/bundle.l10n.json.
 */
let configured = false;

function configure(): void {
  configured = true;
  const raw = typeof document === 'undefined' ? undefined : document.getElementById('root')?.dataset.l10n;
  if (!raw) return;
  try {
    const contents = JSON.parse(raw) as Record<string, string>;
    if (Object.keys(contents).length) l10n.config({ contents });
  } catch {
    // A page without a readable bundle speaks English.
  }
}

/** `message` in the display language, with {0}, {1}… replaced by `args` (numbers stay as given). */
export function t(message: string, ...args: (string | number | boolean)[]): string {
  if (!configured) configure();
  return l10n.t(message, ...args);
}
