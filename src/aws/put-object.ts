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
   * An S3 conditional write: `{ ifNoneMatch: '*' }` creates the object only if there is none,
   * `{ ifMatch: etag }` replaces only that version; S3 answers 412 or 409 otherwise.
   */
  only?: { ifNoneMatch: '*' } | { ifMatch: string };
}

/** PutObject with SSE-S3 and ExpectedBucketOwner; throws the SDK's error as it comes. */
export async function putOwnedObject(s3: Pick<S3Client, 'send'>, object: ObjectToPut): Promise<void> {
  await s3.send(
    new PutObjectCommand({
      Bucket: object.bucket,
      Key: object.key,
      Body: object.body,
      ContentType: object.contentType,
      ServerSideEncryption: 'AES256',
      ExpectedBucketOwner: object.owner,
      ...(object.only && 'ifMatch' in object.only
        ? { IfMatch: object.only.ifMatch }
        : object.only
          ? { IfNoneMatch: object.only.ifNoneMatch }
          : {}),
    }),
  );
}
