import type * as vscode from 'vscode';
import { saneSettings, type PreprocessSettings } from '../runtime/preprocess';

/**
 * The preprocessing chosen per model (preset or custom form, resize, channel order, layout), kept in
 * the workspace state by the model's URI as the input sizes are (./inputSizes.ts), so the next run of
 * that model, from the graph or the command, feeds what was chosen. Values are checked on the way in
 * and out: the state may hold what an older version wrote.
 */
export class PreprocessStore {
  constructor(private readonly memento: vscode.Memento) {}

  static key(uri: vscode.Uri): string {
    return `convlens.preprocessing:${uri.toString()}`;
  }

  /** The chosen settings, or undefined ('auto' then applies). */
  get(uri: vscode.Uri): PreprocessSettings | undefined {
    const v = this.memento.get<unknown>(PreprocessStore.key(uri));
    return v === undefined ? undefined : saneSettings(v);
  }

  async set(uri: vscode.Uri, value: PreprocessSettings | null): Promise<void> {
    await this.memento.update(PreprocessStore.key(uri), value ? saneSettings(value) : undefined);
  }
}
