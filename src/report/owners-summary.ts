/**
 * The report's owners, seen from the owners' side: who answers for which keys with a finding, which
 * keys' owners were sent a stage tonight, which keys their owners answered for (a snooze that holds),
 * and how many keys nobody but the security team answers for. Pure; the HTML report's "Owners" view
 * and the organization report's start from it.
 */
import type { Finding, KeyFinding, KeyOwner } from '../model.js';
import { compareText } from '../order.js';

/** One owner and the keys (with a finding) they answer for, one entry per key. */
export interface OwnerGroup {
  owner: KeyOwner;
  keys: KeyFinding[];
  /** Keys of this owner that were sent a stage tonight. */
  noticedTonight: number;
  /** Keys of this owner kept by a snooze. */
  snoozed: number;
}

export interface OwnersSummary {
  /** Most keys first, then by owner; the unowned keys (the security team) last. */
  groups: OwnerGroup[];
  /** Keys sent a stage tonight (notice, final reminder or action notice). */
  noticedTonight: KeyFinding[];
  /** Keys kept by their owner's answer (a snooze the answer record confirms). */
  snoozed: KeyFinding[];
  /** Keys nobody but the security team answers for. */
  unowned: number;
}

/** Who the group is: the owner's addresses, or the security team for every unowned key. */
const groupKey = (owner: KeyOwner): string =>
  owner.unowned || owner.emails.length === 0 ? '' : [...owner.emails].sort().join(',');

/**
 * One entry per key with a finding and an owner (a key with several findings once, carrying its
 * notice and snooze from whichever finding has them), grouped by owner. Empty when owners were not
 * resolved.
 */
export function summarizeOwners(findings: readonly Finding[]): OwnersSummary {
  const keys = new Map<string, KeyFinding>();
  for (const f of findings) {
    if (f.userName === null || !f.owner) continue;
    const id = `${f.userName}\u0000${f.accessKeyId ?? `slot ${f.slot}`}`;
    const known = keys.get(id);
    keys.set(
      id,
      known
        ? {
            ...known,
            ...(known.notice || !f.notice ? {} : { notice: f.notice }),
            ...(known.snooze || !f.snooze ? {} : { snooze: f.snooze }),
          }
        : f,
    );
  }
  const groups = new Map<string, OwnerGroup>();
  for (const key of keys.values()) {
    const owner = key.owner as KeyOwner;
    const id = groupKey(owner);
    const group = groups.get(id) ?? { owner, keys: [], noticedTonight: 0, snoozed: 0 };
    group.keys.push(key);
    if (key.notice?.tonight) group.noticedTonight += 1;
    if (key.snooze) group.snoozed += 1;
    groups.set(id, group);
  }
  const all = [...keys.values()];
  return {
    groups: [...groups.entries()]
      .sort(
        ([a, ga], [b, gb]) =>
          Number(a === '') - Number(b === '') || gb.keys.length - ga.keys.length || compareText(a, b),
      )
      .map(([, group]) => group),
    noticedTonight: all.filter((key) => key.notice?.tonight),
    snoozed: all.filter((key) => key.snooze),
    unowned: all.filter((key) => key.owner?.unowned).length,
  };
}
