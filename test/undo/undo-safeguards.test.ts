import {
  DeleteAccessKeyCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  TagUserCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/model.js';
import type { FaultRule } from '../../src/sandbox/faults.js';
import { renderUndoText, undoReportSchema } from '../../src/undo/report.js';
import { buildUndoSnsPublish } from '../../src/undo/sns-message.js';
import type { UndoAction, UndoReport } from '../../src/undo/types.js';
import { KEYS, relativeFixture } from '../support/relative-fixture.js';
import {
  coldStart,
  type Handler,
  keyStatuses,
  lambdaContext,
  useSandbox,
} from '../support/sandbox-lifecycle.js';

const env = useSandbox(() => relativeFixture());

const STALE_TAG = `key-hygiene:deactivated-${KEYS.stale}`;

/** IAM calls of one action the sandbox has answered so far (failed ones included). */
const callsOf = (action: string): number =>
  env.sandbox.state.calls().services.iam?.actions[action]?.total ?? 0;

/** A Lambda context whose time runs out once `spent()` says so: the budget without a real clock. */
const contextUntil = (spent: () => boolean): Context =>
  ({ ...lambdaContext, getRemainingTimeInMillis: () => (spent() ? 0 : 900_000) }) as Context;

async function statusOf(userName: string, accessKeyId: string): Promise<string | undefined> {
  return (await keyStatuses(env.iam, userName))[accessKeyId];
}

async function tagKeysOf(userName: string): Promise<string[]> {
  const { Tags = [] } = await env.iam.send(new ListUserTagsCommand({ UserName: userName }));
  return Tags.map((tag) => tag.Key ?? '').filter((key) => key.startsWith('key-hygiene:deactivated-'));
}

/** An enforce run that deactivates never-nina's and stale-sam's keys, and the handler for the undo. */
async function enforced(vars: Record<string, string> = {}): Promise<{ handler: Handler; run: AuditReport }> {
  const handler = await coldStart(env.sandbox, 'adhoc-audit', vars);
  const run = (await handler({ mode: 'enforce' }, lambdaContext)) as AuditReport;
  expect(
    run.actions
      .filter((a) => a.status === 'applied')
      .map((a) => a.accessKeyId)
      .sort(),
  ).toEqual([KEYS.neverUsedOld, KEYS.stale].sort());
  return { handler, run };
}

async function undo(handler: Handler, runId: string, context: Context = lambdaContext): Promise<UndoReport> {
  return undoReportSchema.parse(await handler({ undo: runId, trustTags: true }, context)) as UndoReport;
}

/** The text with its lines joined, to find a wrapped sentence. */
const oneLine = (text: string): string => text.replace(/\n(?!\n)/g, ' ');

const row = (action: UndoAction) => [action.userName, action.accessKeyId, action.status];

describe('Undo is as careful as apply: the time budget', () => {
  it('stops before a key when the budget is spent, reports complete: false with the key, and a rerun finishes', async () => {
    // Prepare: the budget runs out once the undo has reactivated one key.
    const { handler, run } = await enforced();
    const before = callsOf('UpdateAccessKey');
    const context = contextUntil(() => callsOf('UpdateAccessKey') > before);
    // Act
    const first = await undo(handler, run.runId, context);
    // Assess
    expect(first.complete).toBe(false);
    expect(first.notReached).toEqual([]);
    expect(first.actions.map((a) => [...row(a), a.reason])).toEqual([
      ['never-nina', KEYS.neverUsedOld, 'reactivated', null],
      ['stale-sam', KEYS.stale, 'skipped', 'time budget spent before this key; run the undo again to finish'],
    ]);
    expect(await statusOf('stale-sam', KEYS.stale)).toBe('Inactive');
    expect(await tagKeysOf('stale-sam')).toEqual([STALE_TAG]);
    expect(oneLine(renderUndoText(first))).toContain(
      'INCOMPLETE: the time budget ran out: 1 key not reactivated (SKIPPED); run the undo again.',
    );

    // Act: the rerun, with time enough.
    const rerun = await undo(handler, run.runId);
    // Assess
    expect(rerun.complete).toBe(true);
    expect(rerun.actions.map(row)).toEqual([['stale-sam', KEYS.stale, 'reactivated']]);
    expect(await statusOf('stale-sam', KEYS.stale)).toBe('Active');
  });

  it('stops reading users’ tags when the budget is spent, names the users not reached and acts on none of their keys', async () => {
    // Prepare: one user at a time; the budget runs out once the undo has read the first user's tags.
    const { handler, run } = await enforced({ CONCURRENCY: '1' });
    const { Users = [] } = await env.iam.send(new ListUsersCommand({}));
    const names = Users.map((user) => user.UserName ?? '');
    expect(names.slice(0, 3)).toEqual(['auditor', 'stale-sam', 'never-nina']);
    const before = callsOf('ListUserTags');
    const context = contextUntil(() => callsOf('ListUserTags') > before);
    // Act
    const first = await undo(handler, run.runId, context);
    // Assess
    expect(first.complete).toBe(false);
    expect(first.notReached).toEqual(names.slice(1));
    expect(first.summary).toMatchObject({ found: 0, reactivated: 0 });
    expect(await statusOf('never-nina', KEYS.neverUsedOld)).toBe('Inactive');
    expect(await statusOf('stale-sam', KEYS.stale)).toBe('Inactive');
    const text = oneLine(renderUndoText(first));
    expect(text).toContain('no key found so far (incomplete: not every user could be read)');
    expect(text).toContain(
      `INCOMPLETE: the time budget ran out: the tags of ${names.length - 1} users were not read (NOT REACHED); run the undo again.`,
    );
    expect(text).toContain(
      `NOT REACHED (${names.length - 1} users, tags not read): - stale-sam, never-nina, `,
    );
    expect(buildUndoSnsPublish(first).subject).toBe(
      `[key-hygiene] INCOMPLETE 111111111111 undo of ${run.runId}: nothing found so far`,
    );

    // Act: the rerun, with time enough.
    const rerun = await undo(handler, run.runId);
    // Assess
    expect(rerun).toMatchObject({ complete: true, notReached: [] });
    expect(rerun.summary).toMatchObject({ found: 2, reactivated: 2 });
  });
});

describe('Undo is as careful as apply: a key of another user', () => {
  it('skips a key that the tag names but the user does not own, naming its owner, and changes nothing of it', async () => {
    // Prepare: twin-tom's key is switched off by hand; a tag on fresh-fred claims the run did it.
    const { handler, run } = await enforced();
    await env.iam.send(
      new UpdateAccessKeyCommand({ UserName: 'twin-tom', AccessKeyId: KEYS.twinOld, Status: 'Inactive' }),
    );
    const forged = `key-hygiene:deactivated-${KEYS.twinOld}`;
    await env.iam.send(
      new TagUserCommand({
        UserName: 'fresh-fred',
        Tags: [{ Key: forged, Value: `${run.asOf.slice(0, 10)} unused-key ${run.runId}` }],
      }),
    );
    const before = callsOf('UpdateAccessKey');
    // Act
    const undone = await undo(handler, run.runId);
    // Assess
    expect(undone.actions.map((a) => [...row(a), a.reason])).toEqual([
      ['never-nina', KEYS.neverUsedOld, 'reactivated', null],
      ['stale-sam', KEYS.stale, 'reactivated', null],
      [
        'fresh-fred',
        KEYS.twinOld,
        'skipped',
        'the key is not listed under this user: it belongs to twin-tom; left untouched (tag kept)',
      ],
    ]);
    expect(await statusOf('twin-tom', KEYS.twinOld)).toBe('Inactive');
    expect(await tagKeysOf('fresh-fred')).toEqual([forged]);
    // Only the two keys of the run were changed; twin-tom's was never asked to.
    expect(callsOf('UpdateAccessKey') - before).toBe(2);
  });
});

interface FailureCase {
  name: string;
  failures: FaultRule[];
  /** Done by hand after the run, before the undo. */
  prepare?: () => Promise<void>;
  /** What the undo reports for stale-sam's key (absent: it never got that far). */
  staleAction?: Partial<UndoAction>;
  errors?: UndoReport['errors'];
  complete: boolean;
  /** stale-sam's key and tags afterwards. */
  staleAfter: { status: string | undefined; tags: string[] };
}

const denied = { code: 'AccessDenied', message: expect.stringMatching(/is not authorized to perform/) };

const FAILURE_CASES: FailureCase[] = [
  {
    name: 'ListUsers fails: nothing found, the error reported, incomplete',
    failures: [{ operation: 'iam:ListUsers', code: 'AccessDenied' }],
    errors: [{ userName: null, accessKeyId: null, operation: 'ListUsers', ...denied }],
    complete: false,
    staleAfter: { status: 'Inactive', tags: [STALE_TAG] },
  },
  {
    name: 'ListUserTags fails for one user: the error names the user, incomplete, the others are undone',
    failures: [{ operation: 'iam:ListUserTags', params: { UserName: 'stale-sam' }, code: 'AccessDenied' }],
    errors: [{ userName: 'stale-sam', accessKeyId: null, operation: 'ListUserTags', ...denied }],
    complete: false,
    staleAfter: { status: 'Inactive', tags: [STALE_TAG] },
  },
  {
    name: 'the user is deleted while its tags are read: passed over, as IAM deletes a user only without keys',
    failures: [{ operation: 'iam:ListUserTags', params: { UserName: 'stale-sam' }, code: 'NoSuchEntity' }],
    errors: [],
    complete: true,
    staleAfter: { status: 'Inactive', tags: [STALE_TAG] },
  },
  {
    name: 'ListAccessKeys fails: the key failed, untouched, tag kept',
    failures: [{ operation: 'iam:ListAccessKeys', params: { UserName: 'stale-sam' }, code: 'AccessDenied' }],
    staleAction: {
      status: 'failed',
      reason: 'could not list the user’s keys; key left untouched',
      error: denied,
    },
    complete: true,
    staleAfter: { status: 'Inactive', tags: [STALE_TAG] },
  },
  {
    name: 'the user is deleted right before its keys are listed: skipped, nothing to reactivate',
    failures: [{ operation: 'iam:ListAccessKeys', params: { UserName: 'stale-sam' }, code: 'NoSuchEntity' }],
    staleAction: {
      status: 'skipped',
      reason: 'the user no longer exists; nothing to reactivate',
      error: null,
    },
    complete: true,
    staleAfter: { status: 'Inactive', tags: [STALE_TAG] },
  },
  {
    name: 'GetAccessKeyLastUsed fails: the key failed, left Inactive',
    failures: [
      { operation: 'iam:GetAccessKeyLastUsed', params: { AccessKeyId: KEYS.stale }, code: 'AccessDenied' },
    ],
    staleAction: {
      status: 'failed',
      reason: 'could not read when the key was last used; key left Inactive',
      error: denied,
    },
    complete: true,
    staleAfter: { status: 'Inactive', tags: [STALE_TAG] },
  },
  {
    name: 'UpdateAccessKey fails: the key failed, still Inactive, tag kept for a rerun',
    failures: [
      { operation: 'iam:UpdateAccessKey', params: { AccessKeyId: KEYS.stale }, code: 'AccessDenied' },
    ],
    staleAction: {
      status: 'failed',
      reason: 'UpdateAccessKey failed; key still Inactive (tag kept, so the undo can be run again)',
      error: denied,
    },
    complete: true,
    staleAfter: { status: 'Inactive', tags: [STALE_TAG] },
  },
  {
    name: 'UntagUser fails after the reactivation: reactivated, saying which tag to remove by hand',
    failures: [{ operation: 'iam:UntagUser', params: { UserName: 'stale-sam' }, code: 'AccessDenied' }],
    staleAction: {
      status: 'reactivated',
      reason: `reactivated, but removing the ${STALE_TAG} tag failed; remove it by hand`,
      error: denied,
    },
    complete: true,
    staleAfter: { status: 'Active', tags: [STALE_TAG] },
  },
  {
    name: 'UntagUser fails on a key deleted since the run: skipped, saying the stale tag is still there',
    prepare: async () => {
      await env.iam.send(new DeleteAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale }));
    },
    failures: [{ operation: 'iam:UntagUser', params: { UserName: 'stale-sam' }, code: 'AccessDenied' }],
    staleAction: {
      status: 'skipped',
      reason: `the key was deleted since the run; nothing to reactivate (removing the stale tag failed; remove ${STALE_TAG} by hand)`,
      error: denied,
    },
    complete: true,
    staleAfter: { status: undefined, tags: [STALE_TAG] },
  },
  {
    name: 'UntagUser fails on a key reactivated by hand: skipped, saying the stale tag is still there',
    prepare: async () => {
      await env.iam.send(
        new UpdateAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale, Status: 'Active' }),
      );
    },
    failures: [{ operation: 'iam:UntagUser', params: { UserName: 'stale-sam' }, code: 'AccessDenied' }],
    staleAction: {
      status: 'skipped',
      reason: `the key is Active already (reactivated since the run); left as it is (removing the stale tag failed; remove ${STALE_TAG} by hand)`,
      error: denied,
    },
    complete: true,
    staleAfter: { status: 'Active', tags: [STALE_TAG] },
  },
  {
    name: 'the owner of a key not listed under the user cannot be read: failed, untouched, tag kept',
    prepare: async () => {
      await env.iam.send(new DeleteAccessKeyCommand({ UserName: 'stale-sam', AccessKeyId: KEYS.stale }));
    },
    failures: [
      { operation: 'iam:GetAccessKeyLastUsed', params: { AccessKeyId: KEYS.stale }, code: 'AccessDenied' },
    ],
    staleAction: {
      status: 'failed',
      reason: 'the key is not listed under the user, and whose it is could not be read; left untouched',
      error: denied,
    },
    complete: true,
    staleAfter: { status: undefined, tags: [STALE_TAG] },
  },
];

describe('Undo is as careful as apply: every AWS failure is in its report', () => {
  it.each(FAILURE_CASES)('$name', async (failureCase) => {
    // Prepare
    const { handler, run } = await enforced();
    await failureCase.prepare?.();
    for (const failure of failureCase.failures) env.sandbox.faults.add({ times: 1, ...failure });
    // Act
    const undone = await undo(handler, run.runId);
    // Assess: the failure is reported, where a reader looks for it.
    expect(undone.complete).toBe(failureCase.complete);
    expect(undone.errors).toEqual(failureCase.errors ?? []);
    const stale = undone.actions.find((a) => a.accessKeyId === KEYS.stale);
    if (failureCase.staleAction) expect(stale).toMatchObject(failureCase.staleAction);
    else expect(stale).toBeUndefined();
    expect(undone.summary.failed).toBe(undone.actions.filter((a) => a.status === 'failed').length);
    expect(env.sandbox.state.calls().failed).toBe(failureCase.failures.length);
    // The key of the run that met no failure is undone all the same (unless the listing failed).
    const ninaUndone = failureCase.failures.every((failure) => failure.operation !== 'iam:ListUsers');
    expect(await statusOf('never-nina', KEYS.neverUsedOld)).toBe(ninaUndone ? 'Active' : 'Inactive');
    expect({
      status: await statusOf('stale-sam', KEYS.stale),
      tags: await tagKeysOf('stale-sam'),
    }).toEqual(failureCase.staleAfter);
    if (!failureCase.complete)
      expect(renderUndoText(undone)).toMatch(/^INCOMPLETE: some users could not be read/m);
  });
});
