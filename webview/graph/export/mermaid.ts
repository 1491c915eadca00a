import type { DisplayGraph } from '../model/displayGraph';
import { mermaidText } from './mermaidText';

/**
 * The graph as it is shown (folded and collapsed as on screen) in Mermaid flowchart syntax.
 * Ids are generated (n0, n1 …) because layer names may hold characters Mermaid reserves;
 * labels are quoted, their text escaped by ./mermaidText.ts.
 */
export function toMermaid(d: DisplayGraph): string {
  const q = mermaidText;
  const lines = ['flowchart TD'];
  d.nodes.forEach((n, i) => {
    const text = n.kind === 'input' || n.kind === 'output' ? q(`${n.title}: ${n.name}`) : q([n.title, n.label].filter(Boolean).join(' ')) + (n.name ? `<br/>${q(n.name)}` : '');
    const shape = n.kind === 'input' || n.kind === 'output' ? ['([', '])'] : n.kind === 'group' ? ['[[', ']]'] : ['[', ']'];
    lines.push(`  n${i}${shape[0]}"${text}"${shape[1]}`);
  });
  for (const e of d.edges) lines.push(`  n${e.from} -->|"${q(e.label)}"| n${e.to}`);
  const families = new Map<string, number[]>();
  d.nodes.forEach((n, i) => families.set(n.family, [...(families.get(n.family) ?? []), i]));
  for (const [family, ids] of families) lines.push(`  class ${ids.map((i) => `n${i}`).join(',')} ${family}`);
  return lines.join('\n') + '\n';
}
