import { App } from './app';
import './styles.css';

/**
 * Entry of dist/webview.js. The page (src/editor/webviewHtml.ts) gives #root the URLs of the
 * layout worker script (data-layout-worker) and of the Mermaid bundle (data-mermaid).
 */
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce ?? '';
const root = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
const app = new App(root, nonce);
(window as unknown as { convlens: App }).convlens = app;
void app.start();
