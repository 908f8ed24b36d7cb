/** How every renderer words a key's owner, so the formats agree. */
import type { Finding, KeyFinding, KeyOwner } from '../model.js';

/** `alice@example.com`, or `the security team` for an unowned key. */
export function ownerName(owner: KeyOwner): string {
  return owner.unowned || owner.emails.length === 0 ? 'the security team' : owner.emails.join(', ');
}

/**
 * "alice@example.com (tag:owner)"; "unowned: the security team (security-team), created by
 * arn:aws:iam::111111111111:user/ci" when CloudTrail named a creator that is not an address.
 */
export function ownerText(owner: KeyOwner): string {
  const who = owner.unowned ? `unowned: ${ownerName(owner)}` : ownerName(owner);
  const createdBy =
    owner.createdBy !== null && owner.source !== 'cloudtrail:CreateAccessKey'
      ? `, created by ${owner.createdBy}`
      : '';
  return `${who} (${owner.source})${createdBy}`;
}

/** One entry per unowned key (a key with several findings once), in report order. */
export function unownedKeys(findings: readonly Finding[]): KeyFinding[] {
  const seen = new Set<string>();
  return findings.filter((f): f is KeyFinding => {
    if (f.userName === null || !f.owner?.unowned) return false;
    const key = `${f.userName}\u0000${f.accessKeyId ?? f.slot}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
