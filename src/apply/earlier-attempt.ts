/**
 * What an interrupted attempt of this run already did. A nightly event's run keeps its run id
 * across Lambda's retries (the delivery record names it before anything changes); an attempt
 * killed after acting and before delivering leaves its deactivations recorded only in the users'
 * `key-hygiene:deactivated-<keyId>` tags, which name the run. The retry lists them as applied, so
 * its report, not a lost one, tells the team what the run deactivated. Pure.
 */
import { parseDeactivation, TAG_KEYS } from '../evaluate/tags.js';
import { type PlannedAction, RULE_IDS, type RuleId, type UserRecord } from '../model.js';

export const EARLIER_ATTEMPT_REASON =
  'deactivated by an earlier attempt of this run, which stopped before it delivered its report';

const isRuleId = (rule: string | null): rule is RuleId => RULE_IDS.includes(rule as RuleId);

/**
 * The keys whose deactivation record names `runId` and that are certainly no longer active (the
 * key, known by its id, is inactive; or the user has no active key at all), less those this attempt
 * acts on itself. A record on a key still active is the interrupted attempt's unfinished work: this
 * attempt plans it again (or reports it as unfinished), so it is not claimed here.
 */
export function earlierAttemptDeactivations(
  users: readonly UserRecord[],
  runId: string,
  ownActions: readonly PlannedAction[],
): PlannedAction[] {
  const own = new Set(ownActions.flatMap((a) => (a.key.kind === 'id' ? [a.key.accessKeyId] : [])));
  const prefix = TAG_KEYS.deactivatedPrefix.toLowerCase();
  const recovered: PlannedAction[] = [];
  for (const user of users) {
    const anyActive = user.keys.some((key) => key.status === 'Active');
    for (const [tagKey, value] of Object.entries(user.tags)) {
      // Tag keys compare without case, as IAM does; the key id keeps the spelling the record has.
      if (!tagKey.toLowerCase().startsWith(prefix)) continue;
      const accessKeyId = tagKey.slice(prefix.length);
      const record = parseDeactivation(value);
      if (record?.runId !== runId || !isRuleId(record.rule) || own.has(accessKeyId)) continue;
      const key = user.keys.find((k) => k.accessKeyId === accessKeyId);
      if (key ? key.status === 'Active' : anyActive) continue;
      recovered.push({
        action: 'deactivate',
        ruleId: record.rule,
        userName: user.userName,
        key: { kind: 'id', accessKeyId },
        status: 'applied',
        reason: EARLIER_ATTEMPT_REASON,
        error: null,
      });
    }
  }
  return recovered;
}
