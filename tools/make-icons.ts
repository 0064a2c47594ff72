/**
 * Writes the Teams app icons with Node's zlib only (no image packages):
 *   appPackage/color.png   192×192, two overlapping white circles on the accent colour
 *   appPackage/outline.png  32×32,  the same mark as white rings on transparent
 * Run: `npx tsx tools/make-icons.ts`. Deterministic: the same code writes the same bytes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const ACCENT = [0x1b, 0x6e, 0x8f] as const; // keep in step with accentColor in manifest.json
const SAMPLES = 4; // 4×4 supersampling per pixel for smooth edges

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGBA PNG from `rgba` (size × size × 4 bytes). */
function png(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1)); // each row: filter byte 0, then pixels
  for (let y = 0; y < size; y++)
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Paints `size`² pixels: `white(x, y)` (unit coordinates, 0..1) says which points are white. */
function render(
  size: number,
  background: readonly [number, number, number, number],
  white: (x: number, y: number) => boolean,
): Uint8Array {
  const out = new Uint8Array(size * size * 4);
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      let hits = 0;
      for (let sy = 0; sy < SAMPLES; sy++)
        for (let sx = 0; sx < SAMPLES; sx++)
          if (white((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)) hits++;
      const a = hits / (SAMPLES * SAMPLES); // white over the background
      const [r, g, b, alpha] = background;
      const i = (py * size + px) * 4;
      if (alpha === 0) out.set([255, 255, 255, Math.round(255 * a)], i);
      else out.set([r + (255 - r) * a, g + (255 - g) * a, b + (255 - b) * a, alpha], i);
    }
  return out;
}

// The mark: two overlapping circles, side by side (two organisations meeting).
const CIRCLES = [
  { cx: 0.38, cy: 0.5 },
  { cx: 0.62, cy: 0.5 },
];
const dist = (x: number, y: number, c: { cx: number; cy: number }) =>
  Math.hypot(x - c.cx, y - c.cy);

const dir = path.resolve(__dirname, '..', 'appPackage');

// Colour icon: filled circles, the overlap cut out as a thin accent-coloured lens outline.
const R = 0.22;
const color = render(192, [...ACCENT, 255], (x, y) => {
  const [a, b] = CIRCLES.map((c) => dist(x, y, c)) as [number, number];
  const inA = a <= R;
  const inB = b <= R;
  const gap = 0.018; // accent line where each circle's edge crosses the other
  if (inA && inB) return Math.abs(a - R) > gap && Math.abs(b - R) > gap;
  return inA || inB;
});
writeFileSync(path.join(dir, 'color.png'), png(192, color));

// Outline icon: two white rings on transparent (Teams tints it; white only).
const RING_R = 0.26;
const RING_W = 0.075;
const RINGS = [
  { cx: 0.36, cy: 0.5 },
  { cx: 0.64, cy: 0.5 },
];
const outline = render(32, [0, 0, 0, 0], (x, y) =>
  RINGS.some((c) => Math.abs(dist(x, y, c) - RING_R) <= RING_W / 2),
);
writeFileSync(path.join(dir, 'outline.png'), png(32, outline));

console.log(`wrote ${path.join(dir, 'color.png')} (192×192) and outline.png (32×32)`);
