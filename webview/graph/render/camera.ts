/** World <-> screen: screen = world · scale + (tx, ty). */
export interface Camera {
  scale: number;
  tx: number;
  ty: number;
}

export const MIN_SCALE = 0.002;
export const MAX_SCALE = 4;

export function clampScale(s: number): number {
  return Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));
}

/** Zoom by `factor` keeping the screen point (px, py) fixed. */
export function zoomAt(c: Camera, factor: number, px: number, py: number): Camera {
  const scale = clampScale(c.scale * factor);
  const k = scale / c.scale;
  return { scale, tx: px - (px - c.tx) * k, ty: py - (py - c.ty) * k };
}

export function fitCamera(b: { minX: number; minY: number; maxX: number; maxY: number }, width: number, height: number, margin = 24, maxScale = 1): Camera {
  const w = Math.max(1, b.maxX - b.minX);
  const h = Math.max(1, b.maxY - b.minY);
  const scale = clampScale(Math.min(maxScale, (width - 2 * margin) / w, (height - 2 * margin) / h));
  return { scale, tx: width / 2 - ((b.minX + b.maxX) / 2) * scale, ty: height / 2 - ((b.minY + b.maxY) / 2) * scale };
}

export function centreOn(c: Camera, x: number, y: number, width: number, height: number): Camera {
  return { scale: c.scale, tx: width / 2 - x * c.scale, ty: height / 2 - y * c.scale };
}

/** Edge shape labels are drawn from this scale up, at no less than 8 px on screen. */
export const LABEL_MIN_SCALE = 0.5;
/** The scale a fit keeps for graphs that are a few screens tall: text and shapes readable, scroll to see the rest. */
export const READABLE_SCALE = 0.6;
const SCROLL_SCREENS = 4;

/**
 * Fit for reading: the whole graph when it is legible that way (edge labels drawn); otherwise,
 * when the graph fits the view's width at the readable scale and at most a few screens tall, that
 * scale from the top (scroll for the rest); otherwise (big graphs) the whole graph as an overview.
 */
export function readableFit(b: { minX: number; minY: number; maxX: number; maxY: number }, width: number, height: number, margin = 24): Camera {
  const whole = fitCamera(b, width, height, margin);
  if (whole.scale >= LABEL_MIN_SCALE) return whole;
  const w = Math.max(1, b.maxX - b.minX);
  const h = Math.max(1, b.maxY - b.minY);
  const scale = READABLE_SCALE;
  if ((width - 2 * margin) / w < scale || h * scale + 2 * margin > SCROLL_SCREENS * height) return whole;
  return { scale, tx: width / 2 - ((b.minX + b.maxX) / 2) * scale, ty: margin - b.minY * scale };
}
