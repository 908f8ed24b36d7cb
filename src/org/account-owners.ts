/** An account's owners as the organization report keeps them: counts per owner, no key ids. Pure. */
import type { AuditReport } from '../model.js';
import { compareText } from '../order.js';
import { ownerName } from '../render/owner-text.js';
import { summarizeOwners } from '../report/owners-summary.js';
import type { AccountOwners, OrganizationReport } from './organization-report.js';

/** The account's owners, or undefined when its report resolved none. */
export function accountOwners(report: AuditReport): AccountOwners | undefined {
  const summary = summarizeOwners(report.findings);
  if (summary.groups.length === 0) return undefined;
  return {
    byOwner: summary.groups.map((g) => ({
      owner: ownerName(g.owner),
      unowned: g.owner.unowned,
      keys: g.keys.length,
      noticedTonight: g.noticedTonight,
      snoozed: g.snoozed,
    })),
    noticedTonight: summary.noticedTonight.length,
    snoozed: summary.snoozed.length,
    unowned: summary.unowned,
  };
}

/** The organization's Owners view: each owner across the accounts, most keys first, unowned last. */
export function organizationOwners(
  accounts: readonly { accountId: string; owners?: AccountOwners | undefined }[],
): OrganizationReport['owners'] {
  const withOwners = accounts.filter((a) => a.owners !== undefined);
  if (withOwners.length === 0) return undefined;
  const byOwner = new Map<string, NonNullable<OrganizationReport['owners']>['byOwner'][number]>();
  for (const { accountId, owners } of withOwners) {
    for (const entry of owners?.byOwner ?? []) {
      const id = `${entry.unowned}\u0000${entry.owner}`;
      const known = byOwner.get(id) ?? { ...entry, keys: 0, noticedTonight: 0, snoozed: 0, accounts: [] };
      known.keys += entry.keys;
      known.noticedTonight += entry.noticedTonight;
      known.snoozed += entry.snoozed;
      known.accounts.push(accountId);
      byOwner.set(id, known);
    }
  }
  const sum = (pick: (o: AccountOwners) => number) =>
    withOwners.reduce((total, a) => total + (a.owners ? pick(a.owners) : 0), 0);
  return {
    byOwner: [...byOwner.values()].sort(
      (a, b) => Number(a.unowned) - Number(b.unowned) || b.keys - a.keys || compareText(a.owner, b.owner),
    ),
    noticedTonight: sum((o) => o.noticedTonight),
    snoozed: sum((o) => o.snoozed),
    unowned: sum((o) => o.unowned),
  };
}
