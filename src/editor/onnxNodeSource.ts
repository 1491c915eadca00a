import * as vscode from 'vscode';
import type { GraphPanels } from './graphPanel';
import type { ViewNode } from '../protocol/viewModel';

/**
 * "Reveal source" for a node of a binary model (ONNX): there is no text to jump to, so the node is
 * shown as text in a read-only document beside the graph: its op, name, scope, attributes and the
 * tensors it reads and writes with their shapes. JSON models reveal their own text (json/register.ts).
 */
export const NODE_SCHEME = 'convlens-node';

export function registerOnnxNodeSource(panels: GraphPanels): vscode.Disposable {
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent(uri) {
      const link = parseNodeLink(uri.query);
      if (typeof link === 'string') return `// ${vscode.l10n.t('This is {0}; reveal the node again from the graph.', link)}`;
      return textOf(link);
    },
  };
  const textOf = async ({ model, node }: { model: string; node: string }): Promise<string> => {
    const found = panels.graphOf(vscode.Uri.parse(model)) ? await panels.nodeOf(vscode.Uri.parse(model), node) : undefined;
    const n = found?.node;
    if (!found || !n) return `// ${vscode.l10n.t('{0}: the graph of {1} is no longer open; reveal the node again from the graph.', node, model)}`;
    return nodeText(n, (t) => {
      const info = found.tensors[t];
      return info ? `${info.dtype}[${info.shape ? info.shape.join(', ') : '?'}]` : '';
    }, vscode.Uri.parse(model).path);
  };
  return vscode.Disposable.from(
    vscode.workspace.registerTextDocumentContentProvider(NODE_SCHEME, provider),
    panels.onDidRequestRevealSource(async ({ uri, nodeId }) => {
      if (panels.graphOf(uri)?.format !== 'onnx') return;
      const node = (await panels.nodeOf(uri, nodeId)).node;
      if (!node) return;
      const doc = vscode.Uri.from({ scheme: NODE_SCHEME, path: `/${safe(node.name || node.id)}.onnx.txt`, query: JSON.stringify({ model: uri.toString(), node: nodeId }) });
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true, preserveFocus: false });
    }),
  );
}

/** The `{ model, node }` a reveal wrote into the URI's query, or why it cannot be read (the URI was typed or edited by hand). */
export function parseNodeLink(query: string): { model: string; node: string } | string {
  let value: unknown;
  try {
    value = JSON.parse(query);
  } catch {
    return vscode.l10n.t('not a ConvLens node link (its query is not JSON)');
  }
  const { model, node } = (value ?? {}) as { model?: unknown; node?: unknown };
  if (typeof model !== 'string' || typeof node !== 'string') return vscode.l10n.t('not a ConvLens node link (it names no model and node)');
  return { model, node };
}

/** The node in ONNX's textual syntax (as onnx.printer writes it), with shapes as comments. */
export function nodeText(n: ViewNode, typeOf: (tensor: string) => string, file: string): string {
  const attrs = Object.entries(n.attributes);
  const attrText = attrs.length ? `<${attrs.map(([k, v]) => `${k} = ${v}`).join(', ')}>` : '';
  const op = n.domain ? `${n.domain}.${n.op}` : n.op;
  const lines = [
    `# ${n.name || n.id} in ${file}${n.scope.length ? ` (scope ${n.scope.join('/')})` : ''}`,
    `${n.outputs.join(', ')} = ${op}${attrText}(${n.inputs.join(', ')})`,
    '',
    ...n.inputs.filter(Boolean).map((t) => `# in  ${t}: ${typeOf(t)}`),
    ...n.outputs.filter(Boolean).map((t) => `# out ${t}: ${typeOf(t)}`),
    `# params ${n.params}, MACs ${n.macs}`,
    ...n.formulas.map((f) => `# ${f}`),
    ...n.warnings.map((w) => `# warning: ${w}`),
  ];
  return lines.join('\n') + '\n';
}

function safe(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'node';
}
