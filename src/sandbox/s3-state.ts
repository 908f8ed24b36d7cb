/** One S3 object as PutObject stored it. */
export interface SandboxObject {
  key: string;
  body: Buffer;
  /** As sent; S3's default `binary/octet-stream` when the request had none. */
  contentType: string;
  /** Hex MD5 of the body, without quotes (single-part uploads). */
  etag: string;
  lastModified: Date;
  /** The encryption S3 applied: the requested one, else the bucket default (SSE-S3, `AES256`). */
  serverSideEncryption: string;
  /** The `x-amz-server-side-encryption` header exactly as the request carried it, or null. */
  sseRequested: string | null;
  sseKmsKeyId: string | null;
  /** The additional checksum the client sent (`x-amz-checksum-<algorithm>`), verified when supported. */
  checksum: { algorithm: string; value: string } | null;
  /** `x-amz-meta-*` headers, names lower-cased and without the prefix. */
  metadata: Record<string, string>;
}

export interface SandboxBucket {
  name: string;
  accountId: string;
  region: string;
  createdAt: Date;
  objects: Map<string, SandboxObject>;
  /**
   * Writes completed on each key: a conditional write that sees this change while it was in flight
   * lost a race (409 ConditionalRequestConflict).
   */
  writes: Map<string, number>;
}

/**
 * Creates an empty bucket, or returns the existing one when the same account already owns it.
 *
 * @throws Error when another account owns the name (bucket names are global).
 */
export function addBucket(
  buckets: Map<string, SandboxBucket>,
  accountId: string,
  bucket: { name: string; region?: string },
  now: Date,
): SandboxBucket {
  const existing = buckets.get(bucket.name);
  if (existing) {
    if (existing.accountId !== accountId) {
      throw new Error(`Bucket ${bucket.name} already belongs to account ${existing.accountId}`);
    }
    return existing;
  }
  const created: SandboxBucket = {
    name: bucket.name,
    accountId,
    region: bucket.region ?? 'us-east-1',
    createdAt: now,
    objects: new Map(),
    writes: new Map(),
  };
  buckets.set(created.name, created);
  return created;
}
