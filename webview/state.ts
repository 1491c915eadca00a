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
}
