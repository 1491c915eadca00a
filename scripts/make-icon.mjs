// Draws media/icon.png (128×128): three stacked feature maps seen through a lens.
// Run `node scripts/make-icon.mjs` after changing the drawing; the PNG is committed.
import { PNG } from 'pngjs';
import { writeFileSync } from 'node:fs';

const N = 128, SS = 4; // 4×4 supersampling for smooth edges
const png = new PNG({ width: N, height: N });

/** Colour at a point in icon units (0..128), as [r,g,b,a] 0..1, painted back to front. */
function shade(x, y) {
  let c = [0, 0, 0, 0];
  const over = (top) => {
    const a = top[3] + c[3] * (1 - top[3]);
    if (a === 0) return;
    c = [0, 1, 2].map((i) => (top[i] * top[3] + c[i] * c[3] * (1 - top[3])) / a).concat(a);
  };
  // Rounded square background.
  const r = 22, inset = 4;
  const dx = Math.max(inset + r - x, 0, x - (N - inset - r)), dy = Math.max(inset + r - y, 0, y - (N - inset - r));
  if (dx * dx + dy * dy <= r * r) over([0.11, 0.13, 0.18, 1]);
  // Three feature maps, back to front, each a 3×3 grid of cells.
  const maps = [[22, 20, [0.16, 0.36, 0.66]], [36, 34, [0.20, 0.52, 0.86]], [50, 48, [0.33, 0.72, 0.98]]];
  for (const [ox, oy, col] of maps) {
    const s = 52;
    if (x >= ox && x < ox + s && y >= oy && y < oy + s) {
      const gx = (x - ox) % (s / 3), gy = (y - oy) % (s / 3);
      const line = gx < 1.5 || gy < 1.5;
      const cx = Math.floor((x - ox) / (s / 3)), cy = Math.floor((y - oy) / (s / 3));
      const k = 0.75 + 0.25 * (((cx * 7 + cy * 5) % 3) / 2);
      over(line ? [0.9, 0.95, 1, 0.9] : [col[0] * k, col[1] * k, col[2] * k, 0.95]);
    }
  }
  // Lens: ring around the front map's centre, with a handle.
  const lx = 84, ly = 82, d = Math.hypot(x - lx, y - ly);
  if (d < 20) over([1, 1, 1, 0.12]);
  if (d >= 20 && d <= 26) over([0.98, 0.76, 0.25, 1]);
  const t = ((x - lx) + (y - ly)) / 2, perp = Math.abs((x - lx) - (y - ly)) / Math.SQRT2;
  if (t > 18 && t < 34 && perp < 5) over([0.98, 0.76, 0.25, 1]);
  return c;
}

for (let py = 0; py < N; py++) {
  for (let px = 0; px < N; px++) {
    let acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) for (let sx = 0; sx < SS; sx++) {
      const c = shade(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS);
      acc = [acc[0] + c[0] * c[3], acc[1] + c[1] * c[3], acc[2] + c[2] * c[3], acc[3] + c[3]];
    }
    const i = (py * N + px) * 4, a = acc[3] / (SS * SS);
    png.data[i] = a ? Math.round((acc[0] / acc[3]) * 255) : 0;
    png.data[i + 1] = a ? Math.round((acc[1] / acc[3]) * 255) : 0;
    png.data[i + 2] = a ? Math.round((acc[2] / acc[3]) * 255) : 0;
    png.data[i + 3] = Math.round(a * 255);
  }
}
writeFileSync('media/icon.png', PNG.sync.write(png));
console.log('wrote media/icon.png');
