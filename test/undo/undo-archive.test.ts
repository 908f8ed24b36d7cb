import { TagUserCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/model.js';
import { renderUndoText } from '../../src/undo/report.js';
import type { UndoReport } from '../../src/undo/types.js';
import { KEYS, relativeFixture } from '../support/relative-fixture.js';
import { coldStart, keyStatuses, lambdaContext, useSandbox } from '../support/sandbox-lifecycle.js';

const BUCKET = 'key-hygiene-undo-reports';

const env = useSandbox(() => {
  const fixture = relativeFixture();
  const account = fixture.accounts[0];
  if (!account) throw new Error('fixture without an account');
  account.buckets = [{ name: BUCKET }];
  return fixture;
});

describe('Undo checks the tags against the undone run’s archived report', () => {
  it('reactivates only the keys the archive lists, and leaves a key with a copied tag inactive', async () => {
    // Prepare: a real run deactivates and archives; then someone switches another key off and
    // copies that run's id into a tag on its user.
    const handler = await coldStart(env.sandbox, 'adhoc-audit', { REPORT_BUCKET: BUCKET });
    const enforced = (await handler({ mode: 'enforce' }, lambdaContext)) as AuditReport;
    await env.iam.send(
      new UpdateAccessKeyCommand({ UserName: 'fresh-fred', AccessKeyId: KEYS.fresh, Status: 'Inactive' }),
    );
    await env.iam.send(
      new TagUserCommand({
        UserName: 'fresh-fred',
        Tags: [
          {
            Key: `key-hygiene:deactivated-${KEYS.fresh}`,
            Value: `${enforced.asOf.slice(0, 10)} unused-key ${enforced.runId}`,
          },
        ],
      }),
    );
    // Act
    const undone = (await handler({ undo: enforced.runId }, lambdaContext)) as UndoReport;
    // Assess
    expect(undone.tagsOnly).toBeNull();
    expect(undone.actions.map((a) => [a.userName, a.status])).toEqual([
      ['never-nina', 'reactivated'],
      ['stale-sam', 'reactivated'],
      ['fresh-fred', 'skipped'],
    ]);
    expect(undone.actions.at(-1)?.reason).toBe(
      `the archived report of run ${enforced.runId} does not list this key as deactivated, so its tag is not key-hygiene's record; left inactive`,
    );
    expect(await keyStatuses(env.iam, 'fresh-fred')).toEqual({ [KEYS.fresh]: 'Inactive' });
    expect(await keyStatuses(env.iam, 'stale-sam')).toEqual({ [KEYS.stale]: 'Active' });
  });

  it('says in its report when it had only the tags to go on', async () => {
    // Prepare: no report bucket set.
    const handler = await coldStart(env.sandbox, 'adhoc-audit', {});
    const enforced = (await handler({ mode: 'enforce' }, lambdaContext)) as AuditReport;
    // Act
    const undone = (await handler({ undo: enforced.runId, trustTags: true }, lambdaContext)) as UndoReport;
    // Assess
    expect(undone.summary.reactivated).toBe(2);
    expect(undone.tagsOnly).toMatch(/^no report bucket is set/);
    expect(renderUndoText(undone).replace(/\s+/g, ' ')).toContain(
      'Checked against the user tags only: no report bucket is set',
    );
  });
});
