/**
 * The ids of the keys the credential report names by slot only: ListAccessKeys of their user, and
 * the key created in the same second as the slot's (the report's `access_key_N_last_rotated`).
 * One call per user; a user whose keys cannot be listed gets no evidence, and says why.
 */
import { type IAMClient, paginateListAccessKeys } from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.js';
import { ANY_USER, type PermissionDeclaration } from '../aws/permissions.js';
import type { EvidenceCandidate } from './evidence-subjects.js';
import type { EvidenceKey } from './read-evidence.js';

/**
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const EVIDENCE_KEY_ID_PERMISSIONS = [
  {
    action: 'iam:ListAccessKeys',
    resource: ANY_USER,
    why: 'finds the id of a key with a finding that the credential report names by slot only, to read its usage',
  },
] as const satisfies readonly PermissionDeclaration[];

export interface KeyIdResult {
  keys: EvidenceKey[];
  /** Keys whose id could not be found, and why. */
  unresolved: { userName: string; keyCreateDate: string | null; reason: string }[];
}

const toSecond = (date: Date | string) => Math.floor(new Date(date).getTime() / 1000);

export async function withKeyIds(
  iam: Pick<IAMClient, 'send'>,
  candidates: readonly EvidenceCandidate[],
): Promise<KeyIdResult> {
  const listed = new Map<string, Promise<{ id: string; created: number }[]>>();
  const keysOf = (userName: string) => {
    let keys = listed.get(userName);
    if (!keys) {
      keys = (async () => {
        const found: { id: string; created: number }[] = [];
        for await (const page of paginateListAccessKeys(
          { client: iam as IAMClient },
          { UserName: userName },
        )) {
          for (const key of page.AccessKeyMetadata ?? []) {
            if (key.AccessKeyId && key.CreateDate)
              found.push({ id: key.AccessKeyId, created: toSecond(key.CreateDate) });
          }
        }
        return found;
      })();
      listed.set(userName, keys);
    }
    return keys;
  };
  const result: KeyIdResult = { keys: [], unresolved: [] };
  for (const candidate of candidates) {
    const { userName, accessKeyId, keyCreateDate, lastUsedRegion } = candidate;
    if (accessKeyId !== null) {
      result.keys.push({ accessKeyId, userName, lastUsedRegion, keyCreateDate });
      continue;
    }
    try {
      const created = keyCreateDate === null ? null : toSecond(keyCreateDate);
      const matches = (await keysOf(userName)).filter((key) => key.created === created);
      const [only, ...others] = matches;
      if (only && others.length === 0)
        result.keys.push({ accessKeyId: only.id, userName, lastUsedRegion, keyCreateDate });
      else
        result.unresolved.push({
          userName,
          keyCreateDate,
          reason: `ListAccessKeys of user ${userName} shows ${matches.length} keys created at ${keyCreateDate}; its usage is read once a run knows its id`,
        });
    } catch (error) {
      const { code, message } = describeAwsError(error);
      result.unresolved.push({
        userName,
        keyCreateDate,
        reason: `ListAccessKeys of user ${userName} failed: ${code}: ${message}; its usage is read by the next run`,
      });
    }
  }
  return result;
}
