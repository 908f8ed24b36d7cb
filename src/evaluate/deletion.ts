/**
 * When a key may be deleted. One pure check shared by the inactive-key-cleanup rule, the planner and
 * the live re-check in apply, so the three cannot drift apart.
 */
import { runStartOf } from '../run-id.js';
import { daysBetween, toIsoDate } from '../time.js';
import type { Deactivation } from './tags.js';

export interface DeletionFacts {
  /** The key's `key-hygiene:deactivated-<keyId>` tag, parsed; null without one. */
  deactivation: Deactivation | null;
  status: string;
  /** The key's last use, or null when never used. */
  lastUsed: Date | null;
  now: Date;
  /** CLEANUP_DAYS: how long the key must have been deactivated by key-hygiene. */
  deleteAfterDays: number;
  /** The run deciding; null when unknown (the rule), which skips only the same-run check. */
  currentRunId: string | null;
}

/**
 * Null when the key may be deleted, else why not. A key is deleted only when all hold:
 * - it carries the deactivation tag with a run id (so key-hygiene deactivated it, in a known run;
 *   a two-part tag from before run ids were recorded does not qualify);
 * - that run is not the current one (a key is never deactivated and deleted by the same run);
 * - the tag is dated `deleteAfterDays` or more days before now;
 * - the key is still Inactive;
 * - it was not used after that run started (an inactive key cannot sign, so a later use means
 *   someone reactivated it in between, and the deactivation is no longer ours).
 */
export function deletionBlocker(facts: DeletionFacts): string | null {
  const { deactivation, now, deleteAfterDays } = facts;
  if (!deactivation)
    return 'no key-hygiene deactivation tag on the user for this key; delete it by hand if intended';
  if (deactivation.runId === null) {
    return 'the deactivation tag names no run (written before run ids were recorded); delete it by hand if intended';
  }
  if (facts.currentRunId !== null && deactivation.runId === facts.currentRunId) {
    return 'deactivated by this same run; only a later run may delete it';
  }
  const age = daysBetween(deactivation.date, now);
  if (age < deleteAfterDays) {
    return `deactivated ${Math.max(age, 0)} days ago, fewer than the ${deleteAfterDays} days CLEANUP_DAYS asks for`;
  }
  if (facts.status !== 'Inactive') return `the key is ${facts.status}, not Inactive`;
  const runStart = runStartOf(deactivation.runId);
  if (facts.lastUsed && (!runStart || facts.lastUsed.getTime() > runStart.getTime())) {
    return `used on ${toIsoDate(facts.lastUsed)}, after run ${deactivation.runId} deactivated it; someone reactivated it since`;
  }
  return null;
}
