import type { OpFamily } from '../../../src/protocol/viewModel';

/**
 * Colours for the canvas, taken from VS Code's theme variables. Each colour is declared once in
 * styles.css as `.cl-c-<name> { color: var(--vscode-…) }`; this reads the computed values from
 * hidden probes, so the canvas follows light, dark and high-contrast themes and re-reads them
 * when the theme changes.
 */
export const FAMILIES: OpFamily[] = ['convolution', 'pooling', 'normalization', 'activation', 'merge', 'dense', 'reshape', 'input', 'output', 'other'];

const NAMES = ['background', 'nodeFill', 'nodeBorder', 'text', 'muted', 'edge', 'skip', 'focus', 'match', 'groupFrame', 'groupFill', 'labelBg', 'diffAdded', 'diffRemoved', 'diffChanged', 'heatLow', 'heatHigh'] as const;
export type ColorName = (typeof NAMES)[number];

export interface Theme {
  family: Record<OpFamily, string>;
  color: Record<ColorName, string>;
  fontFamily: string;
  highContrast: boolean;
}

export function readTheme(host: HTMLElement): Theme {
  const probe = (cls: string): string => {
    const el = document.createElement('span');
    el.className = cls;
    el.style.display = 'none';
    host.appendChild(el);
    const c = getComputedStyle(el).color;
    el.remove();
    return c;
  };
  const family = {} as Record<OpFamily, string>;
  for (const f of FAMILIES) family[f] = probe(`cl-fam-${f}`);
  const color = {} as Record<ColorName, string>;
  for (const n of NAMES) color[n] = probe(`cl-c-${n}`);
  const cs = getComputedStyle(document.body);
  return {
    family,
    color,
    fontFamily: cs.getPropertyValue('--vscode-font-family').trim() || cs.fontFamily || 'sans-serif',
    highContrast: document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light'),
  };
}

/** Calls `onChange` when VS Code switches theme (body class or the root's variables change). */
export function watchTheme(onChange: () => void): void {
  const obs = new MutationObserver(onChange);
  obs.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  obs.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
}
