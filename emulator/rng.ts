/**
 * Seeded randomness: every random choice of the emulator (ids, etags, fault probabilities, event
 * duplication and reordering) comes from here so a run is reproducible under a seed. Never Math.random.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** An RFC 4122 version-4-shaped GUID built from this stream. */
  guid(): string;
}

/** mulberry32: tiny, fast, good enough for test determinism (not for cryptography). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = (n: number): string => {
    let s = "";
    for (let i = 0; i < n; i++) s += Math.floor(next() * 16).toString(16);
    return s;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    guid: () => {
      const variant = (8 + Math.floor(next() * 4)).toString(16);
      return `${hex(8)}-${hex(4)}-4${hex(3)}-${variant}${hex(3)}-${hex(12)}`;
    },
  };
}

/**
 * Independent streams per concern, so that (for example) enabling a fault does not change which
 * events get duplicated.
 */
export function deriveSeed(seed: number, stream: string): number {
  let h = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < stream.length; i++) {
    h = Math.imul(h ^ stream.charCodeAt(i), 0x01000193) >>> 0;
  }
  return h;
}
