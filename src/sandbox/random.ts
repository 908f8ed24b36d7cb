import { createHash } from 'node:crypto';

/** A seeded pseudo-random source: the same seed gives the same sequence on every machine. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/**
 * A seeded generator (sfc32, seeded from SHA-256 of the seed) so that fault injection, synthetic
 * accounts and generated IDs are reproducible under `--seed`.
 */
export function createRandom(seed: string | number): Random {
  const digest = createHash('sha256').update(String(seed)).digest();
  let a = digest.readUInt32LE(0);
  let b = digest.readUInt32LE(4);
  let c = digest.readUInt32LE(8);
  let d = digest.readUInt32LE(12);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  // The first outputs of sfc32 are correlated with the seed words; discard a few.
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new RangeError('pick() needs a non-empty list');
      return item;
    },
  };
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const SECRET_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** `length` characters from `alphabet`, drawn from `rng`. */
export function randomString(rng: Random, alphabet: string, length: number): string {
  // Built as bytes, not with +=: concatenation leaves a chain of cons-strings per ID, which costs
  // hundreds of bytes each across the 50,000 users of a benchmark account.
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = alphabet.charCodeAt(Math.floor(rng.next() * alphabet.length));
  return bytes.toString('latin1');
}

/** An IAM-style unique ID (`AKIA...`, `ASIA...`, `AIDA...`, `AROA...`) of the usual length. */
export function randomId(rng: Random, prefix: 'AKIA' | 'ASIA', length = 20): string {
  const bytes = Buffer.allocUnsafe(length);
  bytes.write(prefix, 'latin1');
  for (let i = prefix.length; i < length; i++) bytes[i] = UPPER_ALNUM.charCodeAt(Math.floor(rng.next() * 32));
  return bytes.toString('latin1');
}

/** A 40-character secret access key, shaped like the real ones. */
export function randomSecret(rng: Random): string {
  return randomString(rng, SECRET_CHARS, 40);
}

/**
 * A stable unique ID derived from a name, so a fixture user keeps the same `UserId` across
 * restarts without the fixture having to carry one.
 */
export function stableId(prefix: 'AIDA' | 'AROA' | 'ANPA' | 'AGPA', ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  const bytes = Buffer.allocUnsafe(21);
  bytes.write(prefix, 'latin1');
  for (let i = 0; i < 17; i++) bytes[4 + i] = UPPER_ALNUM.charCodeAt((digest[i] ?? 0) & 31);
  return bytes.toString('latin1');
}

function formatUuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.subarray(0, 16)).toString('hex');
  // Version 4 and RFC 4122 variant bits, so the result looks like every other SNS/STS UUID.
  const v = `4${hex.slice(13, 16)}`;
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16) + hex.slice(17, 20);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${v}-${variant}-${hex.slice(20, 32)}`;
}

/** A UUID drawn from `rng` (subscription ARNs, so they repeat under the same seed). */
export function randomUuid(rng: Random): string {
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(rng.next() * 256);
  return formatUuid(bytes);
}

/** A UUID derived from names (fixture subscriptions keep their ARN across restarts). */
export function stableUuid(...parts: string[]): string {
  return formatUuid(createHash('sha256').update(parts.join('\u0000')).digest());
}
