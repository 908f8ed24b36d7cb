import { keyFinding } from '../evaluate/key-facts.js';
import { deactivationTagKey, tagValue } from '../evaluate/tags.js';
import type { KeyFinding, PlannedAction, UserRecord } from '../model.js';

/**
 * Active keys whose user carries this tool's deactivation record, and that this run will not
 * deactivate. The record is written just before UpdateAccessKey, so an earlier run was interrupted
 * or failed between the two (or someone reactivated the key by hand) and the key is not, or no
 * longer, due. The record must not go on claiming a deactivation: the operator removes it. Exempt
 * users raise no findings, this one included: their keys are listed as exempt instead.
 */
export function unfinishedDeactivations(
  users: readonly UserRecord[],
  actions: readonly PlannedAction[],
  now: Date,
  isExempt: (userName: string) => boolean,
): KeyFinding[] {
  const planned = new Set(
    actions.flatMap((a) => (a.status === 'planned' && a.key.kind === 'id' ? [a.key.accessKeyId] : [])),
  );
  const findings: KeyFinding[] = [];
  for (const user of users) {
    if (user.isRoot || isExempt(user.userName)) continue;
    for (const key of user.keys) {
      if (key.status !== 'Active' || key.accessKeyId === null || planned.has(key.accessKeyId)) continue;
      const tag = deactivationTagKey(key.accessKeyId);
      // Tag keys compare without case, as IAM does and as deletion reads the same record.
      const record = tagValue(user.tags, tag);
      if (record === undefined) continue;
      findings.push(
        keyFinding(user, key, now, {
          ruleId: 'unfinished-deactivation',
          severity: 'low',
          controls: [],
          message: `${user.userName} carries the tag ${tag} (${JSON.stringify(record)}) but key ${key.accessKeyId} is active: an earlier run recorded the deactivation and stopped before it (interrupted, or UpdateAccessKey failed), or the key was reactivated by hand; this run does not deactivate it, so remove the tag if the key is to stay active.`,
          action: 'notify',
        }),
      );
    }
  }
  return findings;
}
