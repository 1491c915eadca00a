// First: the display language's bundle is configured before any view words a message.
import '../common/l10n';
import { App } from './app';
import { LayoutClient } from './layout/client';
import './styles.css';

/**
 * Entry of dist/webview.js. The page (src/editor/webviewHtml.ts) gives #root the URLs of the
 * layout worker script (data-layout-worker) and of the Mermaid bundle (data-mermaid).
 */
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
const app = new App(root, nonce, new LayoutClient(root.dataset.layoutWorker, Number(root.dataset.layoutTimeoutMs) || undefined));
(window as unknown as { convlens: App }).convlens = app;
void app.start();
