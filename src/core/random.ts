/**
 * Seedable pseudo-random streams: the one source of randomness for random ops, initializers,
 * dropout and dataset shuffling. Same seed, same stream, on every run and every backend.
 *
 * The generator is xoshiro128** seeded through splitmix32; normals use Box-Muller on two
 * uniforms. TF's Philox streams are not reproduced bit for bit (TF1_SEMANTICS.md 12).
 */
export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spareNormal: number | null = null;

  constructor(seed: number, seed2 = 0) {
    let x = (Math.trunc(seed) ^ Math.imul(Math.trunc(seed2) | 0, 0x9e3779b9)) >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  uniform(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Standard normal N(0, 1). */
  normal(): number {
    if (this.spareNormal !== null) {
      const s = this.spareNormal;
      this.spareNormal = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Fisher-Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/**
 * The process-wide seed that `rnn run --seed N` sets (env TF1TS_SEED): every new graph starts
 * with it as its graph seed, and "entropy" becomes a deterministic stream, so a whole run repeats.
 */
export function processSeed(): number | null {
  const s = process.env.TF1TS_SEED;
  if (s === undefined || s === '') return null;
  const n = Number(s);
  return Number.isInteger(n) ? n : null;
}

let entropyStream: RandomStream | null = null;

/** A seed for things left unseeded: real entropy, or the process seed's stream under --seed. */
export function entropySeed(): number {
  const seed = processSeed();
  if (seed === null) return (Math.random() * 2 ** 31) >>> 0;
  if (!entropyStream) entropyStream = new RandomStream(seed, 0x5eed);
  return entropyStream.nextUint32() >>> 1;
}
