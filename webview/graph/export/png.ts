import { drawScene, type Overlay } from '../render/draw';
import type { Scene } from '../render/scene';
import type { Theme } from '../render/theme';

/** Chromium refuses canvases past 32767 px a side or about 268 M pixels; stay well inside. */
const MAX_SIDE = 16000;
const MAX_AREA = 120e6;

/** The pixel densities the export menu offers: 1× is one pixel per canvas px at zoom 1. */
export const PNG_SCALES = [1, 2, 3] as const;

/**
 * The whole graph as PNG bytes (base64) at `pixelRatio` pixels per canvas px (2× / 3× for slides and
 * high-density screens), scaled down only when Chromium could not hold the canvas.
 */
export async function sceneToPngBase64(scene: Scene, theme: Theme, overlay: Overlay, pixelRatio = 1): Promise<{ base64: string; width: number; height: number }> {
  const b = scene.layout.bounds;
  const pad = 20;
  const w = b.maxX - b.minX + 2 * pad;
  const h = b.maxY - b.minY + 2 * pad;
  const scale = Math.min(pixelRatio, MAX_SIDE / w, MAX_SIDE / h, Math.sqrt(MAX_AREA / (w * h)));
  const cw = Math.max(1, Math.round(w * scale));
  const ch = Math.max(1, Math.round(h * scale));
  const canvas = new OffscreenCanvas(cw, ch);
  const ctx = canvas.getContext('2d')! as unknown as CanvasRenderingContext2D;
  drawScene(ctx, scene, { scale, tx: (pad - b.minX) * scale, ty: (pad - b.minY) * scale }, cw, ch, theme, { ...overlay, hovered: -1 });
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { base64: btoa(bin), width: cw, height: ch };
}
