/**
 * How the pipeline names a key it may act on: by its id, or, when only the credential report has
 * seen it (the report has no key ids), by its slot. A typed value, so no code ever parses a label.
 */
export type KeyRef =
  | { kind: 'id'; accessKeyId: string }
  /** `slot` is null only for a root key seen through GetAccountSummary (no id, no slot). */
  | { kind: 'slot'; slot: 1 | 2 | null };

export function keyRefOf(key: { accessKeyId: string | null; slot: 1 | 2 | null }): KeyRef {
  return key.accessKeyId === null
    ? { kind: 'slot', slot: key.slot }
    : { kind: 'id', accessKeyId: key.accessKeyId };
}

/** How the report names the key: its id, or `(slot 1)`. */
export function keyRefLabel(ref: KeyRef): string {
  return ref.kind === 'id' ? ref.accessKeyId : `(slot ${ref.slot ?? '?'})`;
}

/** A map key for one key of one user (key ids are unique in an account; slots only per user). */
export function keyIdentity(userName: string, ref: KeyRef): string {
  return ref.kind === 'id' ? `id:${ref.accessKeyId}` : `user:${userName}\u0000slot:${ref.slot ?? '-'}`;
}
