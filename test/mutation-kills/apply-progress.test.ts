import { describe, expect, it } from 'vitest';
import { applyActions } from '../../src/apply/apply.js';
import type { PlannedAction } from '../../src/model.js';
import type { ProgressEvent } from '../../src/progress.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';
import { KEY, killsFixture, T0 } from './sandbox-account.js';

const env = useSandbox(killsFixture);

const action = (fields: Partial<PlannedAction>): PlannedAction => ({
  action: 'deactivate',
  ruleId: 'unused-key',
  userName: 'vic',
  key: { kind: 'id', accessKeyId: KEY.stale },
  status: 'planned',
  reason: null,
  error: null,
  ...fields,
});

describe('Function: applyActions (the progress it reports)', () => {
  it('counts only the planned actions, from none done to all done, whatever became of each', async () => {
    // Prepare: an action already skipped by the plan, one acted on, one without a key id
    const events: ProgressEvent[] = [];
    const actions = [
      action({ status: 'skipped', reason: 'exempt' }),
      action({}),
      action({ userName: 'uma', key: { kind: 'slot', slot: 1 } }),
    ];
    // Act
    await applyActions(
      { iam: env.iam, now: T0, unusedKeyDays: 90, onProgress: (event) => events.push(event) },
      actions,
    );
    // Assess
    expect(events).toEqual([
      { phase: 'applying', done: 0, total: 2 },
      { phase: 'applying', done: 1, total: 2 },
      { phase: 'applying', done: 2, total: 2 },
    ]);
  });

  it('reports no applying phase when nothing is planned', async () => {
    // Prepare
    const events: ProgressEvent[] = [];
    // Act
    await applyActions(
      { iam: env.iam, now: T0, unusedKeyDays: 90, onProgress: (event) => events.push(event) },
      [action({ status: 'skipped', reason: 'exempt' })],
    );
    // Assess
    expect(events).toEqual([]);
  });
});
