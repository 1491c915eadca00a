import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A display language for code-server without the Marketplace. How VS Code picks it on a server
 * (code-server 4.139.1, VS Code's server `getNLSConfiguration`): the page and the extension host ask
 * for the `--locale` (or argv.json's `locale`, a cookie, Accept-Language), and VS Code switches only
 * when `<user-data-dir>/languagepacks.json` names a pack for that language whose `translations.vscode`
 * file exists; otherwise it stays English and extensions see `vscode.env.language === 'en'`.
 * languagepacks.json is written by VS Code's language-pack service when a pack is installed through
 * the running server (a post-install participant); `code-server --install-extension`, a separate
 * process, installs the pack but never runs that participant, so --locale alone stays English. So the
 * harness installs a real (small) pack with --install-extension and then writes languagepacks.json
 * exactly as that service would for it (LanguagePacksCache: the hash is md5 of id and version, the
 * translations are paths inside the installed extension).
 */
export const LANGUAGE_PACKS: Record<string, string> = { ko: 'ko-language-pack' };

/** Packages the fixture language pack for `locale` into `outDir`; returns the VSIX path. */
export function packageLanguagePack(repoRoot: string, locale: string, outDir: string): string {
  const fixture = LANGUAGE_PACKS[locale];
  if (!fixture) throw new Error(`no language pack fixture for locale '${locale}' (have: ${Object.keys(LANGUAGE_PACKS).join(', ')})`);
  const dir = join(repoRoot, 'test', 'e2e', 'fixtures', fixture);
  const out = join(outDir, `${fixture}.vsix`);
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0 || !existsSync(out)) throw new Error(`packaging the ${locale} language pack failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  return out;
}

interface InstalledExtension { identifier: { id: string }; version: string; relativeLocation?: string; location?: { fsPath?: string; path?: string } }
interface Localization { languageId: string; localizedLanguageName?: string; languageName?: string; translations: { id: string; path: string }[] }

/** Writes `<userDataDir>/languagepacks.json` for every installed extension that contributes localizations. */
export function registerLanguagePacks(userDataDir: string, extensionsDir: string): string[] {
  const installed = JSON.parse(readFileSync(join(extensionsDir, 'extensions.json'), 'utf8')) as InstalledExtension[];
  const packs: Record<string, { hash: string; extensions: { extensionIdentifier: { id: string }; version: string }[]; translations: Record<string, string>; label?: string }> = {};
  for (const ext of installed) {
    const location = ext.relativeLocation ? join(extensionsDir, ext.relativeLocation) : ext.location?.fsPath ?? ext.location?.path;
    if (!location) continue;
    const manifest = JSON.parse(readFileSync(join(location, 'package.json'), 'utf8')) as { contributes?: { localizations?: Localization[] } };
    for (const l of manifest.contributes?.localizations ?? []) {
      const pack = (packs[l.languageId] ??= { hash: '', extensions: [], translations: {}, label: l.localizedLanguageName ?? l.languageName });
      pack.extensions.push({ extensionIdentifier: { id: ext.identifier.id }, version: ext.version });
      for (const t of l.translations) pack.translations[t.id] = join(location, t.path);
    }
  }
  for (const pack of Object.values(packs)) {
    const md5 = createHash('md5');
    for (const e of pack.extensions) md5.update(e.extensionIdentifier.id).update(e.version);
    pack.hash = md5.digest('hex');
  }
  writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
  return Object.keys(packs);
}
