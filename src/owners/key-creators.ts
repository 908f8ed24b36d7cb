/**
 * Who created each key, from CloudTrail: the `CreateAccessKey` management events of this region
 * (LookupEvents keeps 90 days). Each event's record names the new key in
 * `responseElements.accessKey` and the caller in `userIdentity`. A key known by its id is matched
 * by id; a key the credential report knew only by its slot, by its user and its creation time (the
 * event's time, within a minute). Looks back only to the earliest wanted key's creation, reads at
 * most `maxPages` pages (50 events each, newest first) and stops once every wanted key is found.
 */
import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { describeAwsError } from '../aws/errors.js';
import type { PermissionDeclaration } from '../aws/permissions.js';
import type { AuditError } from '../model.js';
import { isEmailAddress } from './email-address.js';

/**
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const KEY_CREATORS_PERMISSIONS = [
  {
    action: 'cloudtrail:LookupEvents',
    resource: '*',
    why: 'finds who created a flagged key that has no owner tag or directory entry (CreateAccessKey events; takes no resource)',
  },
] as const satisfies readonly PermissionDeclaration[];

/** CloudTrail's LookupEvents reaches back this far. */
const RETENTION_MS = 90 * 86_400_000;
const PAGE_SIZE = 50;

/** The principal that called CreateAccessKey for a key. */
export interface KeyCreator {
  principalArn: string;
  /**
   * An address that identity carries itself: an IAM Identity Center (SSO) session named by its
   * email. Null for a role session with another name, a federated user, a service.
   */
  email: string | null;
  /** The IAM user that called, when it was one (its owner tags may name an address). */
  iamUserName: string | null;
}

export interface KeyCreatorsRead {
  creators: ReadonlyMap<string, KeyCreator>;
  error: AuditError | null;
  pagesRead: number;
}

/** A key whose creator is wanted: `ref` names it in the answer. */
export interface WantedKey {
  ref: string;
  userName: string;
  accessKeyId: string | null;
  createDate: Date | null;
}

/** How far a CreateAccessKey event's time may be from the key's creation date and still match. */
const SAME_CREATION_MS = 60_000;

interface TrailRecord {
  eventTime?: unknown;
  userIdentity?: { type?: unknown; arn?: unknown; userName?: unknown };
  responseElements?: { accessKey?: { accessKeyId?: unknown; userName?: unknown } } | null;
}

interface CreatedKey {
  accessKeyId: string;
  /** The user the key was created for. */
  userName: string | null;
  eventTime: Date | null;
  creator: KeyCreator;
}

/** The key a CreateAccessKey record created and who called, or null when the record says neither. */
export function creatorOf(cloudTrailEvent: string | undefined): CreatedKey | null {
  let record: TrailRecord;
  try {
    record = JSON.parse(cloudTrailEvent ?? '') as TrailRecord;
  } catch {
    return null;
  }
  const accessKeyId = record.responseElements?.accessKey?.accessKeyId;
  const identity = record.userIdentity ?? {};
  if (typeof accessKeyId !== 'string' || typeof identity.arn !== 'string') return null;
  const principalArn = identity.arn;
  // An assumed-role ARN ends with the session name; Identity Center names sessions after the
  // person's user name, which is usually their email address.
  const session =
    identity.type === 'AssumedRole'
      ? /^arn:aws[\w-]*:sts::\d{12}:assumed-role\/[^/]+\/(.+)$/.exec(principalArn)?.[1]
      : undefined;
  const owner = record.responseElements?.accessKey?.userName;
  const eventTime = typeof record.eventTime === 'string' ? new Date(record.eventTime) : null;
  return {
    accessKeyId,
    userName: typeof owner === 'string' ? owner : null,
    eventTime: eventTime && !Number.isNaN(eventTime.getTime()) ? eventTime : null,
    creator: {
      principalArn,
      email: session !== undefined && isEmailAddress(session) ? session : null,
      iamUserName:
        identity.type === 'IAMUser' && typeof identity.userName === 'string' ? identity.userName : null,
    },
  };
}

/** Reads the creators of `wanted` keys; a CloudTrail error is returned, never thrown. */
export async function readKeyCreators(
  cloudtrail: Pick<CloudTrailClient, 'send'>,
  wanted: readonly WantedKey[],
  { now, maxPages }: { now: Date; maxPages: number },
): Promise<KeyCreatorsRead> {
  const creators = new Map<string, KeyCreator>();
  // CloudTrail holds no event for a key created before its 90 days, and none for any key before
  // the key existed: the lookup starts at the earliest creation still wanted.
  const retentionStart = now.getTime() - RETENTION_MS;
  const findable = wanted.filter(
    (w) => w.createDate === null || w.createDate.getTime() >= retentionStart - SAME_CREATION_MS,
  );
  if (findable.length === 0) return { creators, pagesRead: 0, error: null };
  const earliest = findable.some((w) => w.createDate === null)
    ? retentionStart
    : Math.min(...findable.map((w) => (w.createDate?.getTime() ?? retentionStart) - SAME_CREATION_MS));
  const startTime = new Date(Math.max(retentionStart, earliest));
  const byId = new Map(
    findable.flatMap((w) => (w.accessKeyId === null ? [] : [[w.accessKeyId, w] as const])),
  );
  const bySlot = findable.filter((w) => w.accessKeyId === null && w.createDate !== null);
  const match = (created: CreatedKey): WantedKey | undefined =>
    byId.get(created.accessKeyId) ??
    bySlot.find(
      (w) =>
        w.userName === created.userName &&
        created.eventTime !== null &&
        w.createDate !== null &&
        Math.abs(created.eventTime.getTime() - w.createDate.getTime()) <= SAME_CREATION_MS,
    );
  let pagesRead = 0;
  let token: string | undefined;
  try {
    while (pagesRead < maxPages && creators.size < findable.length) {
      const page = await cloudtrail.send(
        new LookupEventsCommand({
          LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' }],
          StartTime: startTime,
          EndTime: now,
          MaxResults: PAGE_SIZE,
          NextToken: token,
        }),
      );
      pagesRead++;
      for (const event of page.Events ?? []) {
        const found = creatorOf(event.CloudTrailEvent);
        const key = found ? match(found) : undefined;
        if (found && key && !creators.has(key.ref)) creators.set(key.ref, found.creator);
      }
      token = page.NextToken;
      if (!token) break;
    }
  } catch (caught) {
    const { code, message } = describeAwsError(caught);
    return {
      creators,
      pagesRead,
      error: {
        userName: null,
        accessKeyId: null,
        operation: 'cloudtrail:LookupEvents',
        code,
        message: `CloudTrail's CreateAccessKey events could not be read (${code}: ${message}); keys without an owner tag or directory entry are listed as unowned. Check that the auditor's role may cloudtrail:LookupEvents.`,
      },
    };
  }
  return { creators, pagesRead, error: null };
}
