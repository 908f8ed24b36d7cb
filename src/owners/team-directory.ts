/**
 * The team directory: which addresses (and which Slack webhook parameter) answer for a team, as
 * JSON in an SSM String parameter or an S3 object:
 * `{ "payments": { "emails": ["payments@example.com"], "slackWebhookParameter": "/key-hygiene/slack/payments" } }`.
 * Read at most once per run; a directory that cannot be read or parsed is an error in the report
 * (naming the location and what failed) and owners fall through to the next source.
 */
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { AuditError } from '../model.js';
import { type DirectoryLocation, describeLocation, parseDirectoryLocation } from './directory-location.js';
import { isEmailAddress } from './email-address.js';

/**
 * The role reads the directory only under the documented prefixes (directory-location.ts).
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const TEAM_DIRECTORY_PERMISSIONS = [
  {
    action: 'ssm:GetParameter',
    resource: 'arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/key-hygiene/owners/*',
    why: 'reads the team directory (teamDirectory = ssm:/key-hygiene/owners/...) once per run',
  },
  {
    action: 's3:GetObject',
    resource: 'arn:${AWS::Partition}:s3:::${ReportBucket}/owners/*',
    why: 'reads the team directory (teamDirectory = s3://<reportBucket>/owners/...) once per run',
  },
] as const satisfies readonly PermissionDeclaration[];

const SSM_PARAMETER_NAME = /^\/?[\w.-]+(\/[\w.-]+)*$/;

const teamEntrySchema = z.strictObject({
  emails: z.array(
    z
      .string()
      .refine(isEmailAddress, { error: (issue) => `${JSON.stringify(issue.input)} is not an email address` }),
  ),
  slackWebhookParameter: z
    .string()
    .regex(SSM_PARAMETER_NAME, {
      error: 'expected an SSM parameter name such as /key-hygiene/slack/payments',
    })
    .optional(),
});
const directorySchema = z.record(z.string().min(1), teamEntrySchema);

/** One team's entry. */
export type TeamEntry = z.infer<typeof teamEntrySchema>;
/** Team name -> entry. */
export type TeamDirectory = ReadonlyMap<string, TeamEntry>;

export interface DirectoryRead {
  directory: TeamDirectory;
  /** Why the directory could not be used; the directory is then empty. */
  error: AuditError | null;
}

export interface DirectoryClients {
  ssm?: Pick<SSMClient, 'send'>;
  s3?: Pick<S3Client, 'send'>;
}

const EMPTY: TeamDirectory = new Map();

/** Reads and parses the directory at `location`; never throws for AWS or content errors. */
export async function readTeamDirectory(
  clients: DirectoryClients,
  location: DirectoryLocation,
): Promise<DirectoryRead> {
  const where = describeLocation(location);
  const operation = location.kind === 'ssm' ? 'ssm:GetParameter' : 's3:GetObject';
  const failed = (code: string, message: string): DirectoryRead => ({
    directory: EMPTY,
    error: { userName: null, accessKeyId: null, operation, code, message },
  });
  let text: string;
  try {
    text = await readText(clients, location);
  } catch (caught) {
    const { code, message } = describeAwsError(caught);
    return failed(
      code,
      `The team directory ${where} could not be read (${code}: ${message}); owners fell through to CloudTrail and the security team. Check that it exists in this account and region and that the auditor's role may ${operation} it.`,
    );
  }
  return parseTeamDirectory(text, where, operation);
}

async function readText(clients: DirectoryClients, location: DirectoryLocation): Promise<string> {
  if (location.kind === 'ssm') {
    if (!clients.ssm) throw Object.assign(new Error('no SSM client given'), { name: 'NoClient' });
    const answer = await clients.ssm.send(new GetParameterCommand({ Name: location.parameterName }));
    return answer.Parameter?.Value ?? '';
  }
  if (!clients.s3) throw Object.assign(new Error('no S3 client given'), { name: 'NoClient' });
  const answer = await clients.s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  return (await answer.Body?.transformToString('utf-8')) ?? '';
}

/** The directory in `text` (JSON), or an error naming `where` and the first thing wrong. */
export function parseTeamDirectory(text: string, where: string, operation: string): DirectoryRead {
  const failed = (message: string): DirectoryRead => ({
    directory: EMPTY,
    error: { userName: null, accessKeyId: null, operation, code: 'InvalidTeamDirectory', message },
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (caught) {
    const reason = caught instanceof Error ? caught.message : String(caught);
    return failed(
      `The team directory ${where} is not JSON (${reason}); owners fell through to CloudTrail and the security team. Write it as { "<team>": { "emails": ["..."] } }.`,
    );
  }
  const parsed = directorySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.map(String).join('.') ?? '';
    return failed(
      `The team directory ${where} is not valid at ${path === '' ? 'its top level' : `"${path}"`}: ${issue?.message ?? 'unknown'}; owners fell through to CloudTrail and the security team. Write it as { "<team>": { "emails": ["..."], "slackWebhookParameter": "/optional/name" } }.`,
    );
  }
  return { directory: new Map(Object.entries(parsed.data)), error: null };
}

/**
 * The directory at `setting`, read at most once however often it is asked for: `known` when owner
 * resolution already read it, else read on the first call. Null without a directory setting.
 */
export function teamDirectoryOnce(
  clients: DirectoryClients,
  setting: string | null,
  known: DirectoryRead | null,
): (() => Promise<DirectoryRead>) | null {
  const location = setting === null ? null : parseDirectoryLocation(setting);
  if (location === null) return null;
  let read: Promise<DirectoryRead> | null = known ? Promise.resolve(known) : null;
  return () => {
    read ??= readTeamDirectory(clients, location);
    return read;
  };
}
