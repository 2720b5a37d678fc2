export const SERVICE_MIN_MS = 10;
export const SERVICE_MAX_MS = 100;
export const MEAN_SERVICE_MS = (SERVICE_MIN_MS + SERVICE_MAX_MS) / 2;

/** Small seeded PRNG: every target draws the same service-time sequence for the same seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Service time of one request, uniform in [SERVICE_MIN_MS, SERVICE_MAX_MS). */
export function serviceTimeMs(rand: () => number): number {
  return SERVICE_MIN_MS + rand() * (SERVICE_MAX_MS - SERVICE_MIN_MS);
}
