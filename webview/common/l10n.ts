import * as l10n from '@vscode/l10n';

/**
 * The webviews speak the editor's display language through @vscode/l10n, configured here once from
 * the bundle the host put on #root as data-l10n (vscode.l10n.bundle, src/editor/l10n.ts); a page
 * without one (English) gets each message as written. Each page's entry imports this module first,
 * so the bundle is in place before any view words a message. Views call `l10n.t('…{0}…', arg)` with
 * `import * as l10n from '@vscode/l10n'`: the form @vscode/l10n-dev extracts into l10n/bundle.l10n.json
 * (`npm run l10n`), which test/unit/l10n.test.ts holds to the code.
 */
function configureFromPage(): void {
  const raw = typeof document === 'undefined' ? undefined : document.getElementById('root')?.dataset.l10n;
  if (!raw) return;
  try {
    const contents = JSON.parse(raw) as Record<string, string>;
    if (Object.keys(contents).length) l10n.config({ contents });
  } catch {
    // A page without a readable bundle speaks English.
  }
}

configureFromPage();

/** `message` in the display language, with {0}, {1}… replaced by `args` (numbers stay as given). */
export const t = l10n.t;
