/**
 * Where the team directory lives: an SSM parameter (`ssm:/key-hygiene/owners/teams`) or an object
 * under `owners/` of the report bucket (`s3://<reportBucket>/owners/teams.json`). The auditor's
 * role may read only there (serverless.yml grants no more), so a location elsewhere is refused when
 * the settings are read, not found out at night as an AccessDenied.
 */

export type DirectoryLocation =
  | { kind: 'ssm'; parameterName: string }
  | { kind: 's3'; bucket: string; key: string };

// `/key-hygiene/owners/` in SSM; `owners/` of a bucket (the settings check that it is the report bucket).
const SSM_LOCATION = /^ssm:(\/key-hygiene\/owners\/[\w.-]+(?:\/[\w.-]+)*)$/;
const S3_LOCATION =
  /^s3:\/\/((?!\d+\.\d+\.\d+\.\d+\/)(?![^/]*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(owners\/[^\s]{1,1017})$/;

/** Either form, as one pattern (the setting's schema). */
export const DIRECTORY_LOCATION = new RegExp(`${SSM_LOCATION.source}|${S3_LOCATION.source}`);

/** The location a `teamDirectory` setting names; null when it is neither form, or outside the prefixes. */
export function parseDirectoryLocation(text: string): DirectoryLocation | null {
  const ssm = SSM_LOCATION.exec(text);
  if (ssm?.[1] && ssm[1].length <= 2048) return { kind: 'ssm', parameterName: ssm[1] };
  const s3 = S3_LOCATION.exec(text);
  if (s3?.[1] && s3[2]) return { kind: 's3', bucket: s3[1], key: s3[2] };
  return null;
}

/** The location as the setting writes it, for messages. */
export function describeLocation(location: DirectoryLocation): string {
  return location.kind === 'ssm'
    ? `ssm:${location.parameterName}`
    : `s3://${location.bucket}/${location.key}`;
}
