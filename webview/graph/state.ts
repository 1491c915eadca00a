import type { OverlayMetric } from './model/overlayValues';
import type { Camera } from './render/camera';

/** What survives the webview being hidden or reloaded (vscode.setState), per model title. */
export interface SavedState {
  title: string;
  cam: Camera | null;
  /** Selected ViewNode id (or display id for groups and terminals). */
  selected: string | null;
  collapsed: string[];
  fold: boolean;
  hideBatch: boolean;
  /** Layout direction and what box titles show (absent in states saved before these existed). */
  direction?: 'TB' | 'LR';
  titleMode?: 'both' | 'ops' | 'names';
  /** The toolbar's "Colour by" choice (absent: none). */
  overlay?: OverlayMetric;
  /** The model document's URI (data-document on #root), so VS Code can reopen a side graph after a reload. */
  document?: string;
}
