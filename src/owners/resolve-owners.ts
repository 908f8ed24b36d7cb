/**
 * Owner resolution, a step of its own: for each key with a finding (never every key, so the cost
 * follows the findings), who answers for it, tried in order:
 * 1. the user's owner tags (`ownerTagKeys`), when the value is an email address; a value that is not
 *    is an error in the report naming the user, the tag and the value, and the next source is tried;
 * 2. the team directory's entry for the user's team (the `team` tag, else `owner`, as team routing
 *    reads it), read once per run and only when a key gets this far;
 * 3. the principal that called CreateAccessKey for the key (CloudTrail, 90 days), when it names an
 *    address itself (an Identity Center session) or is an IAM user with an owner tag that is one;
 *    any other principal is kept as `createdBy` evidence only;
 * 4. the security team: the key is listed as unowned.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { tagValue } from '../evaluate/tags.js';
import type { AuditError, Finding, KeyFinding, KeyOwner, UserRecord } from '../model.js';
import { parseDirectoryLocation } from './directory-location.js';
import { isEmailAddress } from './email-address.js';
import { type KeyCreator, readKeyCreators, type WantedKey } from './key-creators.js';
import {
  type DirectoryClients,
  type DirectoryRead,
  readTeamDirectory,
  type TeamDirectory,
} from './team-directory.js';

export interface OwnerSettings {
  /** User tags that may hold the owner's address, tried in this order. */
  ownerTagKeys: readonly string[];
  /** `ssm:/key-hygiene/owners/...` or `s3://<bucket>/key-hygiene/owners/...`; null: no directory. */
  teamDirectory: string | null;
  /** CloudTrail pages (50 CreateAccessKey events each) read per run; 0 skips CloudTrail. */
  ownerTrailPages: number;
}

export interface OwnersDeps extends DirectoryClients {
  /** Absent (an organization member account): CloudTrail is not a source. */
  cloudtrail?: Pick<CloudTrailClient, 'send'>;
  now: Date;
}

export interface OwnersResolved {
  /** The findings, each key finding with its `owner`. */
  findings: Finding[];
  errors: AuditError[];
  /** The team directory as read (its error is in `errors`); null when it was not read. */
  directory: DirectoryRead | null;
}

/** Where nobody else answers for a key. */
export const SECURITY_TEAM_SOURCE = 'security-team';
export const CLOUDTRAIL_SOURCE = 'cloudtrail:CreateAccessKey';

/**
 * The first owner tag of `tagKeys` whose value is an address (null when none is), and the values
 * tried before it that were not addresses.
 */
export function ownerFromTags(
  tags: Readonly<Record<string, string>>,
  tagKeys: readonly string[],
): { found: { email: string; tagKey: string } | null; rejected: { tagKey: string; value: string }[] } {
  const rejected: { tagKey: string; value: string }[] = [];
  for (const tagKey of tagKeys) {
    const value = tagValue(tags, tagKey)?.trim();
    if (!value) continue;
    if (isEmailAddress(value)) return { found: { email: value, tagKey }, rejected };
    rejected.push({ tagKey, value });
  }
  return { found: null, rejected };
}

const keyOf = (f: KeyFinding): string => `${f.userName}\u0000${f.accessKeyId ?? `slot ${f.slot}`}`;

/** Resolves the owner of every key finding's key; I/O only for keys the tags leave open. */
export async function resolveOwners(
  deps: OwnersDeps,
  {
    findings,
    users,
    settings,
  }: { findings: readonly Finding[]; users: readonly UserRecord[]; settings: OwnerSettings },
): Promise<OwnersResolved> {
  const usersByName = new Map(users.map((user) => [user.userName, user]));
  const errors: AuditError[] = [];
  const owners = new Map<string, KeyOwner>();
  const open: KeyFinding[] = [];
  const seen = new Set<string>();
  const reportedUsers = new Set<string>();

  // 1. owner tags
  for (const finding of findings) {
    if (finding.userName === null) continue;
    const user = usersByName.get(finding.userName);
    if (!user || user.isRoot || seen.has(keyOf(finding))) continue;
    seen.add(keyOf(finding));
    const fromTags = ownerFromTags(user.tags, settings.ownerTagKeys);
    if (!reportedUsers.has(user.userName)) {
      reportedUsers.add(user.userName);
      for (const { tagKey, value } of fromTags.rejected) {
        errors.push({
          userName: user.userName,
          accessKeyId: null,
          operation: 'owner-tag',
          code: 'OwnerTagNotEmail',
          message: `The "${tagKey}" tag of user ${user.userName} is ${JSON.stringify(value)}, not an email address, so its keys' owner was looked up elsewhere. Set the tag to the owner's address (name@example.com).`,
        });
      }
    }
    if (fromTags.found)
      owners.set(keyOf(finding), owner([fromTags.found.email], `tag:${fromTags.found.tagKey}`));
    else open.push(finding);
  }

  // 2. the team directory, read once and only when a key with a team is still open
  // The settings refuse a location that does not parse, so null here means no directory.
  const location = settings.teamDirectory === null ? null : parseDirectoryLocation(settings.teamDirectory);
  let directory: TeamDirectory = new Map();
  let directoryRead: DirectoryRead | null = null;
  const teamOfFinding = (f: KeyFinding) => usersByName.get(f.userName)?.team ?? null;
  if (location && open.some((f) => teamOfFinding(f) !== null)) {
    directoryRead = await readTeamDirectory(deps, location);
    directory = directoryRead.directory;
    if (directoryRead.error) errors.push(directoryRead.error);
  }
  const afterDirectory: KeyFinding[] = [];
  for (const finding of open) {
    const team = teamOfFinding(finding);
    const emails = team === null ? [] : (directory.get(team)?.emails ?? []);
    if (team !== null && emails.length > 0)
      owners.set(keyOf(finding), owner(emails, `team-directory:${team}`));
    else afterDirectory.push(finding);
  }

  // 3. CloudTrail's CreateAccessKey caller
  const wanted: WantedKey[] = afterDirectory.map((f) => ({
    ref: keyOf(f),
    userName: f.userName,
    accessKeyId: f.accessKeyId,
    createDate: f.keyCreateDate === null ? null : new Date(f.keyCreateDate),
  }));
  let creators: ReadonlyMap<string, KeyCreator> = new Map();
  if (deps.cloudtrail && settings.ownerTrailPages > 0 && wanted.length > 0) {
    const read = await readKeyCreators(deps.cloudtrail, wanted, {
      now: deps.now,
      maxPages: settings.ownerTrailPages,
    });
    creators = read.creators;
    if (read.error) errors.push(read.error);
  }

  // 4. the security team
  for (const finding of afterDirectory) {
    const creator = creators.get(keyOf(finding));
    const email = creator ? creatorEmail(creator, usersByName, settings.ownerTagKeys) : null;
    owners.set(
      keyOf(finding),
      email
        ? owner([email], CLOUDTRAIL_SOURCE, creator?.principalArn)
        : { ...owner([], SECURITY_TEAM_SOURCE, creator?.principalArn), unowned: true },
    );
  }
  return {
    findings: findings.map((f) => {
      if (f.userName === null) return f;
      const found = owners.get(keyOf(f));
      return found ? { ...f, owner: found } : f;
    }),
    errors,
    directory: directoryRead,
  };
}

function owner(emails: readonly string[], source: string, createdBy?: string): KeyOwner {
  return { emails: [...emails], source, unowned: false, createdBy: createdBy ?? null };
}

/** The creator's own address, or the owner tag of the IAM user that created the key. */
function creatorEmail(
  creator: KeyCreator,
  usersByName: ReadonlyMap<string, UserRecord>,
  tagKeys: readonly string[],
): string | null {
  if (creator.email) return creator.email;
  const user = creator.iamUserName === null ? undefined : usersByName.get(creator.iamUserName);
  if (!user) return null;
  return ownerFromTags(user.tags, tagKeys).found?.email ?? null;
}
