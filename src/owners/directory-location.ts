/**
 * Where the team directory lives: an SSM parameter (`ssm:/key-hygiene/owners/teams`) or an S3
 * object (`s3://bucket/key-hygiene/owners/teams.json`). The auditor's role may read only under
 * these prefixes (serverless.yml grants no more), so a location outside them is refused when the
 * settings are read, not found out at night as an AccessDenied.
 */

/** The SSM parameter path the directory must be under. */
export const DIRECTORY_PARAMETER_PREFIX = '/key-hygiene/owners/';
/** The S3 key prefix the directory object must be under (in any bucket). */
export const DIRECTORY_OBJECT_PREFIX = 'key-hygiene/owners/';

export type DirectoryLocation =
  | { kind: 'ssm'; parameterName: string }
  | { kind: 's3'; bucket: string; key: string };

const SSM_LOCATION = /^ssm:(\/[\w.-]+(?:\/[\w.-]+)*)$/;
const S3_LOCATION = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/;

/** The location a `teamDirectory` setting names; null when it is neither form or outside the prefixes. */
export function parseDirectoryLocation(text: string): DirectoryLocation | null {
  const ssm = SSM_LOCATION.exec(text);
  if (ssm?.[1]?.startsWith(DIRECTORY_PARAMETER_PREFIX) && ssm[1].length <= 2048) {
    return { kind: 'ssm', parameterName: ssm[1] };
  }
  const s3 = S3_LOCATION.exec(text);
  if (s3?.[1] && s3[2]?.startsWith(DIRECTORY_OBJECT_PREFIX) && s3[2].length <= 1024) {
    return { kind: 's3', bucket: s3[1], key: s3[2] };
  }
  return null;
}

/** The location as the setting writes it, for messages. */
export function describeLocation(location: DirectoryLocation): string {
  return location.kind === 'ssm'
    ? `ssm:${location.parameterName}`
    : `s3://${location.bucket}/${location.key}`;
}
