/**
 * The check before apply: for each key the plan would deactivate, the newest CloudTrail event (one
 * lookup of one event per region, paced like every evidence read). A key CloudTrail saw used after
 * the date the plan relied on is not deactivated (evidence-disagreements.ts). A key whose lookup
 * fails is still acted on, on IAM's word alone, and the report says CloudTrail was not read: a
 * missing permission must not stop every deactivation. Only the keys about to be acted on are
 * read here; the full profiles wait until after apply.
 */
import type { AuditError, PlannedAction, UserRecord } from '../model.js';
import { actionsToConfirm, evidenceDisagreements } from './evidence-disagreements.js';
import { type EvidenceDeps, type EvidenceKey, readEvidence } from './read-evidence.js';

/** The whole check starts no lookup after this: 25 keys in two regions take 25 s at 2 a second. */
export const CONFIRM_TIME_BUDGET_MS = 30_000;

export interface ConfirmRequest {
  actions: readonly PlannedAction[];
  users: readonly UserRecord[];
  homeRegion: string;
  days: number;
  /** The evaluation time, which the reasons count back from. */
  now: Date;
}

export interface Confirmed {
  actions: PlannedAction[];
  /** Keys whose newest use could not be read, acted on without it. */
  errors: AuditError[];
  /** The keys CloudTrail contradicts, for the full read after apply. */
  contradicted: EvidenceKey[];
}

export async function confirmUnused(deps: EvidenceDeps, request: ConfirmRequest): Promise<Confirmed> {
  const regionOf = new Map(
    request.users.flatMap((user) =>
      user.keys.flatMap((key) =>
        key.accessKeyId ? [[key.accessKeyId, key.lastUsed?.region ?? null] as const] : [],
      ),
    ),
  );
  const keys: EvidenceKey[] = actionsToConfirm(request.actions).flatMap((action) =>
    action.key.kind === 'id'
      ? [
          {
            accessKeyId: action.key.accessKeyId,
            userName: action.userName,
            lastUsedRegion: regionOf.get(action.key.accessKeyId) ?? null,
          },
        ]
      : [],
  );
  if (keys.length === 0) return { actions: [...request.actions], errors: [], contradicted: [] };
  const read = await readEvidence(deps, {
    keys,
    homeRegion: request.homeRegion,
    days: request.days,
    maxPagesPerKey: 2,
    timeBudgetMs: CONFIRM_TIME_BUDGET_MS,
    newestOnly: true,
  });
  const actions = evidenceDisagreements(
    request.actions,
    request.users,
    read.map((r) => ({ accessKeyId: r.accessKeyId, lastSeen: r.summary.lastSeen })),
    request.now,
  );
  const skipped = new Set(
    actions.flatMap((a, i) => (a !== request.actions[i] && a.key.kind === 'id' ? [a.key.accessKeyId] : [])),
  );
  const errors: AuditError[] = read
    .filter((r) => r.gap !== null && r.summary.lastSeen === null)
    .map((r) => ({
      userName: r.userName,
      accessKeyId: r.accessKeyId,
      operation: 'cloudtrail:LookupEvents',
      code: r.gap ?? 'error',
      message: `CloudTrail was not read for key ${r.accessKeyId} of user ${r.userName} before acting on it (${r.error ?? 'its time budget was spent'}); the plan relied on IAM's last-used date alone`,
    }));
  return { actions, errors, contradicted: keys.filter((k) => skipped.has(k.accessKeyId)) };
}
