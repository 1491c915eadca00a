import type * as vscode from 'vscode';

/**
 * The input sizes the user chose per model (symbolic dim name → size), remembered in the workspace
 * by the model's URI: the graph view analyses at them and Run feeds them, so the user is asked once,
 * in the graph view, and never prompted again. Dims without a choice take their default from
 * src/analysis/inputDims.ts.
 */
export class InputSizeStore {
  constructor(private readonly memento: vscode.Memento) {}

  private static key(uri: vscode.Uri): string {
    return `convlens.inputSizes:${uri.toString()}`;
  }

  /** The chosen sizes, or undefined when the user chose none (shapes then stay symbolic). */
  get(uri: vscode.Uri): Record<string, number> | undefined {
    const v = this.memento.get<Record<string, number>>(InputSizeStore.key(uri))
      // What Run's prompt remembered before the graph view had the control.
      ?? this.memento.get<Record<string, number>>(`convlens.inferenceDims:${uri.toString()}`);
    return v && Object.keys(v).length > 0 ? sane(v) : undefined;
  }

  async set(uri: vscode.Uri, values: Record<string, number> | null): Promise<void> {
    const clean = values ? sane(values) : {};
    await this.memento.update(InputSizeStore.key(uri), Object.keys(clean).length > 0 ? clean : undefined);
    await this.memento.update(`convlens.inferenceDims:${uri.toString()}`, undefined);
  }
}

/** Whole sizes from 1 to 1,000,000 only: what a webview sends is checked before it is kept. */
function sane(v: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(v)) if (typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 1_000_000) out[k] = n;
  return out;
}
