import { keyIdentity, keyRefOf } from '../key-ref.js';
import { type ExemptEntry, type Finding, RULE_IDS, type UserRecord } from '../model.js';
import type { Exemption } from './exemptions.js';

/**
 * Every key of every exempt user, with the rules that would have raised a finding on it: exempt keys
 * stay in the report, as exempt, so an exemption never hides a key.
 */
export function exemptEntries(
  users: readonly UserRecord[],
  findings: readonly Finding[],
  exemptions: ReadonlyMap<string, Exemption>,
): ExemptEntry[] {
  const entries: ExemptEntry[] = [];
  // Grouped once: filtering every finding per exempt user is quadratic on a 50,000-user account.
  const byUser = new Map<string, Finding[]>();
  for (const finding of findings) {
    if (finding.userName === null || !exemptions.has(finding.userName)) continue;
    const group = byUser.get(finding.userName);
    if (group) group.push(finding);
    else byUser.set(finding.userName, [finding]);
  }
  for (const user of users) {
    const exemption = exemptions.get(user.userName);
    if (!exemption) continue;
    const own = byUser.get(user.userName) ?? [];
    const claimed = new Set<Finding>();
    const entry = (accessKeyId: string | null, matching: readonly Finding[]): ExemptEntry => {
      for (const finding of matching) claimed.add(finding);
      const rules = new Set<string>(matching.map((finding) => finding.ruleId));
      return {
        userName: user.userName,
        accessKeyId,
        ...exemption,
        suppressedRules: RULE_IDS.filter((id) => rules.has(id)),
      };
    };
    for (const key of user.keys) {
      const identity = keyIdentity(user.userName, keyRefOf(key));
      const matching = own.filter(
        (finding) =>
          finding.userName !== null && keyIdentity(finding.userName, keyRefOf(finding)) === identity,
      );
      entries.push(entry(key.accessKeyId, matching));
    }
    // A finding that matches none of the recorded keys still must not vanish silently.
    const unclaimed = own.filter((finding) => !claimed.has(finding));
    if (unclaimed.length > 0) entries.push(entry(null, unclaimed));
  }
  return entries;
}
