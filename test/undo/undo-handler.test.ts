import { DeleteAccessKeyCommand, ListUserTagsCommand, UpdateAccessKeyCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/model.js';
import { renderUndoText, undoReportSchema } from '../../src/undo/report.js';
import type { UndoReport } from '../../src/undo/types.js';
import { KEYS, relativeFixture } from '../support/relative-fixture.js';
import { coldStart, keyStatuses, lambdaContext, useSandbox } from '../support/sandbox-lifecycle.js';

const env = useSandbox(() => relativeFixture());
const context = lambdaContext;
const adhocHandler = (vars: Record<string, string> = {}) => coldStart(env.sandbox, 'adhoc-audit', vars);

async function statusOf(userName: string, accessKeyId: string): Promise<string | undefined> {
  return (await keyStatuses(env.iam, userName))[accessKeyId];
}

async function deactivationTags(userName: string): Promise<Record<string, string>> {
  const { Tags = [] } = await env.iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Object.fromEntries(
    Tags.filter((t) => t.Key?.startsWith('key-hygiene:deactivated-')).map((t) => [t.Key, t.Value]),
  );
}

async function mutations(): Promise<number> {
  const calls = (await (await fetch(`${env.sandbox.url}/_sandbox/calls`)).json()) as {
    services: Record<string, { actions: Record<string, { total: number }> }>;
  };
  const actions = calls.services.iam?.actions ?? {};
  return ['UpdateAccessKey', 'DeleteAccessKey', 'TagUser', 'UntagUser'].reduce(
    (sum, name) => sum + (actions[name]?.total ?? 0),
    0,
  );
}

async function published(): Promise<Array<{ subject: string; bodies: Record<string, string> }>> {
  const response = await fetch(`${env.sandbox.url}/_sandbox/published`);
  return ((await response.json()) as { messages: Array<{ subject: string; bodies: Record<string, string> }> })
    .messages;
}

describe('Undo through the adhocAudit handler, against the sandbox', () => {
  it('records the run id in the deactivation tag, and undo reactivates exactly those keys and removes the tags', async () => {
    // Prepare
    const handler = await adhocHandler();
    const enforced = (await handler({ mode: 'enforce' }, context)) as AuditReport;
    const day = enforced.asOf.slice(0, 10);
    expect(
      enforced.actions
        .filter((a) => a.status === 'applied')
        .map((a) => a.accessKeyId)
        .sort(),
    ).toEqual([KEYS.neverUsedOld, KEYS.stale].sort());
    expect(await deactivationTags('stale-sam')).toEqual({
      [`key-hygiene:deactivated-${KEYS.stale}`]: `${day} unused-key ${enforced.runId}`,
    });
    expect(await statusOf('stale-sam', KEYS.stale)).toBe('Inactive');
    // Act
    const undone = undoReportSchema.parse(
      await handler({ undo: enforced.runId, trustTags: true }, context),
    ) as UndoReport;
    // Assess
    expect(undone).toMatchObject({ kind: 'undo', undoneRunId: enforced.runId, complete: true });
    expect(undone.summary).toEqual({ found: 2, reactivated: 2, skipped: 0, failed: 0, errors: 0 });
    expect(undone.actions.map((a) => [a.userName, a.accessKeyId, a.status, a.reason])).toEqual([
      ['never-nina', KEYS.neverUsedOld, 'reactivated', null],
      ['stale-sam', KEYS.stale, 'reactivated', null],
    ]);
    expect(await statusOf('stale-sam', KEYS.stale)).toBe('Active');
    expect(await statusOf('never-nina', KEYS.neverUsedOld)).toBe('Active');
    expect(await deactivationTags('stale-sam')).toEqual({});
    expect(await deactivationTags('never-nina')).toEqual({});
    // Two deactivations, two tags, two reactivations, two untags.
    expect(await mutations()).toBe(8);
    // Only with notify: true is anything published.
    expect(await published()).toEqual([]);
  });

  it('undoes only the named run, not another run’s deactivations', async () => {
    // Prepare: run A deactivates stale-sam's key, run B never-nina's.
    const handler = await adhocHandler();
    const runA = (await handler({ mode: 'enforce', users: ['stale-sam'] }, context)) as AuditReport;
    const runB = (await handler({ mode: 'enforce', users: ['never-nina'] }, context)) as AuditReport;
    expect(runA.runId).not.toBe(runB.runId);
    // Act
    const undone = (await handler({ undo: runA.runId, trustTags: true }, context)) as UndoReport;
    // Assess
    expect(undone.actions.map((a) => a.accessKeyId)).toEqual([KEYS.stale]);
    expect(await statusOf('stale-sam', KEYS.stale)).toBe('Active');
    expect(await statusOf('never-nina', KEYS.neverUsedOld)).toBe('Inactive');
    expect(Object.values(await deactivationTags('never-nina'))).toEqual([
      expect.stringContaining(runB.runId),
    ]);
  });

  it('skips, with reasons, keys deleted, reactivated, or reactivated and used since the run', async () => {
    // Prepare
    const handler = await adhocHandler();
    const enforced = (await handler({ mode: 'enforce' }, context)) as AuditReport;
    const deactivated = enforced.actions.filter((a) => a.status === 'applied').map((a) => a.accessKeyId);
    expect(deactivated.sort()).toEqual([KEYS.neverUsedOld, KEYS.stale].sort());
    // never-nina's key is deleted by hand; stale-sam's is reactivated by hand.
    await env.iam.send(
      new DeleteAccessKeyCommand({ UserName: 'never-nina', AccessKeyId: KEYS.neverUsedOld }),
    );
    await env.iam.send(
      new UpdateAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale, Status: 'Active' }),
    );
    // Act
    const undone = (await handler({ undo: enforced.runId, trustTags: true }, context)) as UndoReport;
    // Assess
    expect(undone.summary).toMatchObject({ found: 2, reactivated: 0, skipped: 2, failed: 0 });
    expect(undone.actions.map((a) => [a.accessKeyId, a.status, a.reason])).toEqual([
      [
        KEYS.neverUsedOld,
        'skipped',
        'the key was deleted since the run; nothing to reactivate (the stale tag was removed)',
      ],
      [
        KEYS.stale,
        'skipped',
        'the key is Active already (reactivated since the run); left as it is (the stale tag was removed)',
      ],
    ]);
    expect(await statusOf('stale-sam', KEYS.stale)).toBe('Active');
    const text = renderUndoText(undone);
    expect(text).toContain('SKIPPED (2):');
    expect(text).toContain('the key was deleted since the run');
  });

  it('leaves a key Inactive when it was reactivated, used and deactivated again since the run', async () => {
    // Prepare
    const handler = await adhocHandler();
    const enforced = (await handler({ mode: 'enforce', users: ['stale-sam'] }, context)) as AuditReport;
    await env.iam.send(
      new UpdateAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale, Status: 'Active' }),
    );
    // An hour later (IAM records use to the quarter hour) the key signs a request, then is turned off by hand.
    const later = new Date(Date.now() + 60 * 60 * 1000).toISOString();
    await fetch(`${env.sandbox.url}/_sandbox/clock`, {
      method: 'POST',
      body: JSON.stringify({ now: later }),
    });
    const asSam = new STSClient({
      region: 'us-east-1',
      endpoint: env.sandbox.url,
      credentials: { accessKeyId: KEYS.stale, secretAccessKey: 'sandbox-placeholder' },
    });
    await asSam.send(new GetCallerIdentityCommand({}));
    await env.iam.send(
      new UpdateAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale, Status: 'Inactive' }),
    );
    // Act
    const undone = (await handler({ undo: enforced.runId, trustTags: true }, context)) as UndoReport;
    // Assess
    expect(undone.actions).toEqual([
      expect.objectContaining({
        accessKeyId: KEYS.stale,
        status: 'skipped',
        reason: expect.stringMatching(
          /^the key was used at .* after run .* deactivated it, .*left Inactive \(tag kept\)$/,
        ),
      }),
    ]);
    expect(await statusOf('stale-sam', KEYS.stale)).toBe('Inactive');
    expect(Object.keys(await deactivationTags('stale-sam'))).toEqual([
      `key-hygiene:deactivated-${KEYS.stale}`,
    ]);
  });

  it('reports nothing to undo for a run id that deactivated nothing, and changes nothing', async () => {
    // Prepare
    const handler = await adhocHandler();
    const before = await mutations();
    // Act
    const undone = (await handler({ undo: '20200101T000000Z-abcdef' }, context)) as UndoReport;
    // Assess
    expect(undone.summary).toEqual({ found: 0, reactivated: 0, skipped: 0, failed: 0, errors: 0 });
    expect(undone.actions).toEqual([]);
    expect(renderUndoText(undone)).toContain('nothing to undo');
    expect(await mutations()).toBe(before);
  });

  it('publishes the undo report only with notify: true, as its own kind', async () => {
    // Prepare
    const handler = await adhocHandler();
    const enforced = (await handler({ mode: 'enforce' }, context)) as AuditReport;
    // Act
    await handler({ undo: enforced.runId, notify: true, trustTags: true }, context);
    // Assess
    const messages = await published();
    expect(messages).toHaveLength(1);
    expect(messages[0]?.subject).toBe(
      `[key-hygiene] 111111111111 undo of ${enforced.runId}: 2 reactivated, 0 skipped`,
    );
    const copy = undoReportSchema.parse(JSON.parse(messages[0]?.bodies.sqs ?? '{}'));
    expect(copy.summary.reactivated).toBe(2);
    expect(messages[0]?.bodies.email).toContain('REACTIVATED (2):');
  });

  it('refuses a malformed undo event before any AWS call, naming the field', async () => {
    // Prepare
    const handler = await adhocHandler();
    const before = await mutations();
    // Act, Assess
    await expect(handler({ undo: 'last-tuesday' }, context)).rejects.toThrow(
      /undo: expected the runId of an earlier run/,
    );
    await expect(handler({ undo: 42 }, context)).rejects.toThrow(/undo: expected the runId/);
    await expect(handler({ undo: '20261120T030000Z-1a2b3c', mode: 'enforce' }, context)).rejects.toThrow(
      /mode: cannot be combined with undo/,
    );
    await expect(handler({ undo: '20261120T030000Z-1a2b3c', users: ['stale-sam'] }, context)).rejects.toThrow(
      /users: cannot be combined with undo/,
    );
    expect(await mutations()).toBe(before);
  });
});
