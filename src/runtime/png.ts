import { deflateSync, crc32 } from 'node:zlib';
import { PNG } from 'pngjs';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes RGBA pixels as a PNG data: URL (8-bit RGBA, no interlace, filter 'none', fastest deflate).
 * Written here rather than with pngjs's encoder because a ResNet-50 run makes ~175 thumbnails and
 * pngjs's per-row filter packing took most of their time; decoding still uses pngjs.
 */
export function pngDataUrl(width: number, height: number, rgba: Uint8Array): string {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(rgba.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1); // filter byte 0
  const png = Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
  return 'data:image/png;base64,' + png.toString('base64');
}

/** Decodes a PNG data: URL back to RGBA (tests read thumbnails back with it). */
export function decodePngDataUrl(url: string): { width: number; height: number; data: Uint8Array } {
  const prefix = 'data:image/png;base64,';
  if (!url.startsWith(prefix)) throw new Error('not a PNG data: URL');
  const png = PNG.sync.read(Buffer.from(url.slice(prefix.length), 'base64'));
  return { width: png.width, height: png.height, data: png.data };
}
