/**
 * Below COMPACT_BELOW px the view is compact: the drawer becomes a bottom sheet, the toolbar keeps
 * fit, search and its "⋯" menu, the minimap shrinks, and the header is one line that scrolls.
 * 1000 px because beside a source editor a panel is about 800 px wide, where a docked 320 px
 * drawer and the minimap left the graph a third of the view. Below NARROW_BELOW px the minimap hides.
 */
export const COMPACT_BELOW = 1000;
export const NARROW_BELOW = 600;

/** Keeps cl-compact / cl-narrow on `root` as its width changes; calls `changed` when either flips. */
export function watchPanelWidth(root: HTMLElement, changed: (compact: boolean) => void): void {
  let last: boolean | null = null;
  const apply = (width: number) => {
    const compact = width < COMPACT_BELOW;
    root.classList.toggle('cl-compact', compact);
    root.classList.toggle('cl-narrow', width < NARROW_BELOW);
    if (compact !== last) {
      last = compact;
      changed(compact);
    }
  };
  apply(root.getBoundingClientRect().width || window.innerWidth);
  new ResizeObserver((entries) => apply(entries[entries.length - 1].contentRect.width)).observe(root);
}
