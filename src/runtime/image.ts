import { readFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import * as jpeg from 'jpeg-js';

/** An 8-bit RGB image, row-major, 3 bytes per pixel (alpha composited onto black). */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Largest decoded image accepted (pixels), so a bad file cannot exhaust the worker's memory. */
const MAX_PIXELS = 64 * 1024 * 1024;

export function sniffImage(bytes: Uint8Array): 'png' | 'jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  return null;
}

/** Decodes PNG or JPEG bytes. `where` names the file in error messages. */
export function decodeImage(bytes: Uint8Array, where: string): RgbImage {
  const kind = sniffImage(bytes);
  if (!kind) throw new Error(`${where}: not a PNG or JPEG image (ConvLens reads .png and .jpg/.jpeg sample images)`);
  let rgba: Uint8Array;
  let width: number;
  let height: number;
  try {
    if (kind === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      ({ width, height } = png);
      rgba = png.data;
    } else {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_PIXELS / 1e6 });
      ({ width, height } = img);
      rgba = img.data;
    }
  } catch (e) {
    throw new Error(`${where}: cannot decode the ${kind.toUpperCase()} image (${(e as Error).message})`);
  }
  if (width * height > MAX_PIXELS) throw new Error(`${where}: image is ${width}×${height}, larger than ConvLens accepts`);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    const a = rgba[j + 3] / 255;
    data[i * 3] = Math.round(rgba[j] * a);
    data[i * 3 + 1] = Math.round(rgba[j + 1] * a);
    data[i * 3 + 2] = Math.round(rgba[j + 2] * a);
  }
  return { width, height, data };
}

export async function readImageFile(path: string): Promise<RgbImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${path}: image file not found` : `${path}: cannot read the image (${(e as Error).message})`);
  }
  return decodeImage(bytes, path);
}

/**
 * Bilinear resize of a float image (channels interleaved) with half-pixel centres (the convention of
 * PIL, OpenCV INTER_LINEAR and ONNX Resize 'half_pixel'): source x = (x + 0.5) * inW / outW - 0.5.
 */
export function resizeBilinear(src: Float32Array, inW: number, inH: number, channels: number, outW: number, outH: number): Float32Array {
  const out = new Float32Array(outW * outH * channels);
  if (inW === outW && inH === outH) {
    out.set(src);
    return out;
  }
  const sx = inW / outW;
  const sy = inH / outH;
  for (let y = 0; y < outH; y++) {
    const fy = Math.min(inH - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const y0 = Math.floor(fy);
    const y1 = Math.min(inH - 1, y0 + 1);
    const wy = fy - y0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.min(inW - 1, Math.max(0, (x + 0.5) * sx - 0.5));
      const x0 = Math.floor(fx);
      const x1 = Math.min(inW - 1, x0 + 1);
      const wx = fx - x0;
      const o = (y * outW + x) * channels;
      const a = (y0 * inW + x0) * channels;
      const b = (y0 * inW + x1) * channels;
      const c = (y1 * inW + x0) * channels;
      const d = (y1 * inW + x1) * channels;
      for (let k = 0; k < channels; k++) {
        const top = src[a + k] + (src[b + k] - src[a + k]) * wx;
        const bottom = src[c + k] + (src[d + k] - src[c + k]) * wx;
        out[o + k] = top + (bottom - top) * wy;
      }
    }
  }
  return out;
}

/** RGB bytes -> float RGB in [0, 1]. */
export function toUnitFloat(img: RgbImage): Float32Array {
  const out = new Float32Array(img.data.length);
  for (let i = 0; i < out.length; i++) out[i] = img.data[i] / 255;
  return out;
}
