/** The one way the functions write an S3 object: encrypted, and only into the expected owner's bucket. */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

export interface ObjectToPut {
  bucket: string;
  key: string;
  body: string;
  contentType: string;
  /**
   * The account that must own the bucket. A bucket name can change hands; S3 refuses the write
   * (403) rather than put the account's data into someone else's bucket.
   */
  owner: string;
  /**
   * A conditional write: `'*'` only if no such object exists yet, an ETag only over that version.
   * S3 refuses it otherwise (412 PreconditionFailed, or 409 ConditionalRequestConflict in a race).
   */
  ifNoneMatch?: '*';
  ifMatch?: string;
}

/**
 * PutObject with SSE-S3, ExpectedBucketOwner and the condition if any; throws the SDK's error as it
 * comes. Returns the new version's ETag (the condition of the next write over it), when S3 gives one.
 */
export async function putOwnedObject(
  s3: Pick<S3Client, 'send'>,
  object: ObjectToPut,
): Promise<string | null> {
  const written = await s3.send(
    new PutObjectCommand({
      Bucket: object.bucket,
      Key: object.key,
      Body: object.body,
      ContentType: object.contentType,
      ServerSideEncryption: 'AES256',
      ExpectedBucketOwner: object.owner,
      ...(object.ifNoneMatch ? { IfNoneMatch: object.ifNoneMatch } : {}),
      ...(object.ifMatch ? { IfMatch: object.ifMatch } : {}),
    }),
  );
  return written?.ETag ?? null;
}
