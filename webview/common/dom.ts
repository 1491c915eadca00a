/**
 * Element building without innerHTML: text goes in as text (names from a model file are not
 * trusted markup), and no inline style attributes (the CSP allows none).
 */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: { class?: string; title?: string; attrs?: Record<string, string> } = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** A codicon, hidden from assistive technology (its glyph would otherwise be read into the name of the button around it). */
export function icon(name: string): HTMLElement {
  return h('i', { class: `codicon codicon-${name}`, attrs: { 'aria-hidden': 'true' } });
}

/** A toolbar button with a codicon. */
export function iconButton(name: string, title: string, onClick: () => void, id?: string): HTMLButtonElement {
  const b = h('button', { class: 'cl-btn', title, attrs: { 'aria-label': title, type: 'button', ...(id ? { id } : {}) } }, icon(name));
  b.addEventListener('click', onClick);
  return b;
}

export function clear(el: HTMLElement): void {
  el.replaceChildren();
}
