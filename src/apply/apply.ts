import type { PlannedAction } from '../model.js';
import { SKIP_REASONS } from '../plan/skip-reasons.js';
import type { ApplyDeps } from './apply-deps.js';
import { deactivateKey } from './deactivate-key.js';
import { deleteKey } from './delete-key.js';

export type { ApplyDeps } from './apply-deps.js';

/** The reason an action not started for lack of time is skipped with; the run is then incomplete. */
export const TIME_BUDGET_SKIP_REASON = 'time budget spent before this action; the next run will retry it';

/**
 * The only code that mutates IAM for an audit. Takes the planner's actions and, for each one still
 * `planned`: asks GetAccessKeyLastUsed again (the inventory may be minutes or hours old), tags the
 * user with the deactivation record (`<date> <rule> <runId>`), then deactivates the key; or, for a
 * `delete`, re-checks status, tag and last use live, deletes the key and removes its tag. Anything
 * not `planned` passes through unchanged.
 * Actions run one at a time: there are at most `maxActionsPerRun` of them, and an operator
 * reading the log should see them in order.
 *
 * @example
 * const outcomes = await applyActions({ iam, now, unusedKeyDays: 90 }, plan.actions);
 */
export async function applyActions(
  deps: ApplyDeps,
  actions: readonly PlannedAction[],
): Promise<PlannedAction[]> {
  const outcomes: PlannedAction[] = [];
  const total = actions.filter((action) => action.status === 'planned').length;
  let done = 0;
  if (total > 0) deps.onProgress?.({ phase: 'applying', done, total });
  for (const action of actions) {
    if (action.status !== 'planned') {
      outcomes.push(action);
      continue;
    }
    if (deps.shouldStop?.()) {
      outcomes.push({
        ...action,
        status: 'skipped',
        reason: TIME_BUDGET_SKIP_REASON,
      });
    } else if (action.key.kind !== 'id') {
      // The plan never leaves a slot-only key planned; were it to, there is no key id to act on.
      outcomes.push({ ...action, status: 'skipped', reason: SKIP_REASONS.keyIdUnknown });
    } else {
      const { accessKeyId } = action.key;
      outcomes.push(
        action.action === 'delete'
          ? await deleteKey(deps, action, accessKeyId)
          : await deactivateKey(deps, action, accessKeyId),
      );
    }
    done += 1;
    deps.onProgress?.({ phase: 'applying', done, total });
  }
  return outcomes;
}
