/**
 * CRC32C (Castagnoli, reflected polynomial 0x82f63b78), as LevelDB and TF's tensor bundle use it,
 * plus LevelDB's "mask": stored CRCs are masked because computing the CRC of a string that itself
 * contains embedded CRCs is problematic (LevelDB's own reasoning).
 */

const POLY = 0x82f63b78;

/** Slicing-by-4 tables: TABLES[0] is the classic byte table, TABLES[k] advances k more zero bytes. */
const TABLES: Uint32Array[] = (() => {
  const t0 = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t0[i] = c >>> 0;
  }
  const tables = [t0];
  for (let k = 1; k < 4; k++) {
    const prev = tables[k - 1];
    const t = new Uint32Array(256);
    for (let i = 0; i < 256; i++) t[i] = (prev[i] >>> 8) ^ t0[prev[i] & 0xff];
    tables.push(t);
  }
  return tables;
})();

/**
 * Extends `crc` (the CRC of some earlier bytes; 0 for none) with `data[start, end)`.
 * Returns an unsigned 32-bit value.
 */
export function crc32cExtend(crc: number, data: Uint8Array, start = 0, end = data.length): number {
  const [t0, t1, t2, t3] = TABLES;
  let c = ~crc >>> 0;
  let i = start;
  // Four bytes per step: the byte loop alone is ~3x slower on multi-MB tensors.
  for (; i + 4 <= end; i += 4) {
    c ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    c = t3[c & 0xff] ^ t2[(c >>> 8) & 0xff] ^ t1[(c >>> 16) & 0xff] ^ t0[c >>> 24];
  }
  for (; i < end; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC32C of `data` (crc32c("123456789") = 0xe3069283). */
export function crc32c(data: Uint8Array): number {
  return crc32cExtend(0, data);
}

const MASK_DELTA = 0xa282ead8;

/** LevelDB/TF mask: rotate right by 15 bits, then add a constant (mod 2^32). */
export function mask(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + MASK_DELTA) >>> 0;
}

/** Inverse of mask. */
export function unmask(masked: number): number {
  const rot = (masked - MASK_DELTA) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}
