import type * as vscode from 'vscode';

/**
 * The HTML page of every ConvLens webview, and the options that fence it in.
 * The page loads nothing but files from the extension's dist/ and media/ folders:
 * CSP `default-src 'none'`, scripts only with this page's nonce, styles/images/fonts only
 * from the webview resource origin. Workers are started from a blob: URL (a webview cannot
 * start a worker from its resource origin directly), so `worker-src blob:` and `connect-src`
 * to the resource origin (to fetch the worker's script) are allowed.
 * The page build is a pure function so it can be tested without VS Code.
 */

/** 128 bits from the platform's CSPRNG (Web Crypto, in Node as in the web extension host), base64:
 * unguessable per page load. */
export function makeNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

export function buildCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    `connect-src ${cspSource}`,
    `worker-src ${cspSource} blob:`,
  ].join('; ');
}

export interface PageSpec {
  title: string;
  /** Webview URIs (already converted with asWebviewUri) of the scripts, in load order. */
  scripts: string[];
  styles: string[];
  /** data-* attributes put on <div id="root">, e.g. { layoutWorker: '<uri>' } -> data-layout-worker. */
  data?: Record<string, string>;
  /** The display language (`vscode.env.language`), for <html lang>: it picks CJK fonts and line breaking. */
  lang?: string;
}

export function buildHtml(cspSource: string, nonce: string, page: PageSpec): string {
  const data = Object.entries(page.data ?? {})
    .map(([k, v]) => ` data-${k.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())}="${escapeAttr(v)}"`)
    .join('');
  const styles = page.styles.map((s) => `<link rel="stylesheet" href="${escapeAttr(s)}">`).join('\n    ');
  const scripts = page.scripts.map((s) => `<script nonce="${nonce}" src="${escapeAttr(s)}"></script>`).join('\n    ');
  return `<!DOCTYPE html>
<html lang="${escapeAttr(page.lang ?? 'en')}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${buildCsp(cspSource, nonce)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeText(page.title)}</title>
    ${styles}
    <style nonce="${nonce}">
      html, body { margin: 0; padding: 0; height: 100%; overflow: hidden; }
      body { background: var(--vscode-editor-background); color: var(--vscode-editor-foreground);
             font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); }
      #root { position: absolute; inset: 0; }
    </style>
  </head>
  <body>
    <div id="root"${data}></div>
    ${scripts}
  </body>
</html>`;
}

/** What every ConvLens webview may read: the bundle and the static assets, nothing else. */
export function webviewOptions(extensionUri: vscode.Uri, joinPath: (base: vscode.Uri, ...p: string[]) => vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [joinPath(extensionUri, 'dist'), joinPath(extensionUri, 'media')],
  };
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
