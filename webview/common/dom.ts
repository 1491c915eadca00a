/**
 * Element building without innerHTML: text goes in as text (names from a model file are not
 * trusted markup), and no inline style attributes (the CSP allows none; set `el.style` instead).
 */
type Child = Node | string | null | undefined | false;

type Listeners = { [E in keyof HTMLElementEventMap]?: (ev: HTMLElementEventMap[E]) => void };

/** DOM properties that are data, not markup (innerHTML and outerHTML cannot be set through `h`). */
type Settable<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'innerHTML' | 'outerHTML' | 'style' | 'className'>>;

export interface ElementProps<K extends keyof HTMLElementTagNameMap> {
  class?: string;
  title?: string;
  attrs?: Record<string, string>;
  /** Properties such as `disabled`, `width` of a canvas or `draggable`. */
  props?: Settable<K>;
  on?: Listeners;
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: ElementProps<K> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (props.class) el.className = props.class;
  if (props.title) el.title = props.title;
  for (const [k, v] of Object.entries(props.attrs ?? {})) el.setAttribute(k, v);
  if (props.props) Object.assign(el, props.props);
  for (const [type, fn] of Object.entries(props.on ?? {})) el.addEventListener(type, fn as EventListener);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** A codicon, hidden from assistive technology (its glyph would otherwise be read into the name of the button around it). */
export function icon(name: string): HTMLElement {
  return h('i', { class: `codicon codicon-${name}`, attrs: { 'aria-hidden': 'true' } });
}

/** A toolbar button with a codicon. */
export function iconButton(name: string, title: string, onClick: () => void, id?: string): HTMLButtonElement {
  const b = h('button', { class: 'cl-btn', title, attrs: { 'aria-label': title, type: 'button', ...(id ? { id } : {}) }, on: { click: onClick } }, icon(name));
  return b;
}

export function clear(el: HTMLElement): void {
  el.replaceChildren();
}
