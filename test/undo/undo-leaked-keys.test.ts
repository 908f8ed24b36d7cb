import { readFileSync } from 'node:fs';
import { ListUserTagsCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { describe, expect, it, vi } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport } from '../../src/model.js';
import type { ActionsToConfirm } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { renderUndoText, undoReportSchema } from '../../src/undo/report.js';
import { runUndo } from '../../src/undo/run-undo.js';
import type { UndoReport } from '../../src/undo/types.js';
import { ALERT_TOPIC_ARN, POLICIES_FIXTURE, POLICY_ACCOUNT } from '../sandbox/policies-fixture.js';
import { ACCOUNT_ID, KEYS, relativeFixture } from '../support/relative-fixture.js';
import {
  coldStart,
  type Handler,
  keyStatuses,
  lambdaContext,
  type SandboxHandle,
  sandboxAuditDeps,
  useSandbox,
} from '../support/sandbox-lifecycle.js';

const LEAKED = 'AKIAPOLICY0000000006';
const SAMPLE = JSON.parse(readFileSync(new URL('../../events/exposed-key.json', import.meta.url), 'utf8'));
const HOUR_MS = 3_600_000;

/** The text with its lines joined, to find a wrapped sentence. */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ');

const undo = async (handler: Handler, event: Record<string, unknown>): Promise<UndoReport> =>
  undoReportSchema.parse(await handler(event, lambdaContext)) as UndoReport;

/** An undo of the run on the tags, as on a terminal: `asked` records each prompt, answered yes. */
async function undoAtPrompt(
  env: SandboxHandle,
  undoneRunId: string,
): Promise<{ report: UndoReport; asked: ActionsToConfirm[] }> {
  const asked: ActionsToConfirm[] = [];
  const clients = createClients({ endpoint: env.sandbox.url, region: 'us-east-1' });
  const deps = sandboxAuditDeps(env.sandbox, clients, {
    clock: () => new Date(),
    confirmActions: async (request) => {
      asked.push(request);
      return true;
    },
  });
  const report = await runUndo(deps, { undoneRunId, settings: loadSettings({}), trustTags: true });
  return { report, asked };
}

describe('Undo never revives a key the responder deactivated because it was exposed', () => {
  /**
   * The policies account on the real clock; AWS Health named the leaked user's key before AWS
   * attached its quarantine policy, so only the exposure keeps the key off.
   */
  function fixture(): FixtureInput {
    const base = structuredClone(POLICIES_FIXTURE);
    base.now = null;
    const leaked = base.accounts[0]?.users?.find((user) => user.name === 'leaked');
    if (!leaked?.accessKeys?.[0]) throw new Error('fixture without the leaked user');
    leaked.attachedPolicies = ['PowerUserAccess'];
    leaked.accessKeys[0].lastUsed = {
      date: new Date(Date.now() - 0.2 * HOUR_MS).toISOString(),
      service: 'ec2',
      region: 'eu-west-1',
    };
    return base;
  }
  const env = useSandbox(fixture);

  async function respond(): Promise<string> {
    vi.resetModules();
    vi.stubEnv('AWS_ENDPOINT_URL', env.sandbox.url);
    vi.stubEnv('REPORT_TOPIC_ARN', ALERT_TOPIC_ARN);
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'SILENT');
    vi.stubEnv('MODE', 'report');
    const { handler } = await import('../../handlers/exposed-key-responder.js');
    const event = structuredClone(SAMPLE);
    event.account = POLICY_ACCOUNT;
    event.detail.affectedEntities = [{ entityValue: LEAKED }];
    await (handler as unknown as Handler)(event, lambdaContext);
    // The responder's run id is in its deactivation record.
    const { Tags = [] } = await env.iam.send(new ListUserTagsCommand({ UserName: 'leaked' }));
    const value = Tags.find((tag) => tag.Key === `key-hygiene:deactivated-${LEAKED}`)?.Value ?? '';
    return value.split(' ').at(-1) ?? '';
  }

  it("leaves the responder's leaked key inactive even when told to trust the tags, and says why", async () => {
    // Prepare
    const runId = await respond();
    expect(await keyStatuses(env.iam, 'leaked')).toMatchObject({ [LEAKED]: 'Inactive' });
    const handler = await coldStart(env.sandbox, 'adhoc-audit');
    // Act
    const undone = await undo(handler, { undo: runId, trustTags: true });
    // Assess
    expect(undone.actions.map((a) => [a.userName, a.accessKeyId, a.status, a.reason])).toEqual([
      [
        'leaked',
        LEAKED,
        'skipped',
        'not reactivated: deactivated because it was exposed (its deactivation tag records rule exposed-key); rotate it: create a new key, move the workloads to it, delete this one',
      ],
    ]);
    expect(await keyStatuses(env.iam, 'leaked')).toMatchObject({ [LEAKED]: 'Inactive' });
    expect(oneLine(renderUndoText(undone))).toContain('not reactivated: deactivated because it was exposed');
  });

  it('does not ask to reactivate a key that will stay off because it was exposed', async () => {
    // Prepare
    const runId = await respond();
    // Act
    const { report, asked } = await undoAtPrompt(env, runId);
    // Assess: the only key of the run stays off, so there is nothing to say yes to.
    expect(asked).toEqual([]);
    expect(report.actions.map((a) => [a.accessKeyId, a.status])).toEqual([[LEAKED, 'skipped']]);
    expect(report.actions[0]?.reason).toMatch(/^not reactivated: deactivated because it was exposed/);
    expect(await keyStatuses(env.iam, 'leaked')).toMatchObject({ [LEAKED]: 'Inactive' });
  });

  it("leaves the key inactive when its tag's rule was rewritten but the responder's exposed record names it", async () => {
    // Prepare: someone allowed to tag users rewrites the rule in the deactivation record.
    const runId = await respond();
    await env.iam.send(
      new TagUserCommand({
        UserName: 'leaked',
        Tags: [{ Key: `key-hygiene:deactivated-${LEAKED}`, Value: `2026-06-01 unused-key ${runId}` }],
      }),
    );
    const handler = await coldStart(env.sandbox, 'adhoc-audit');
    // Act
    const undone = await undo(handler, { undo: runId, trustTags: true });
    // Assess
    expect(undone.actions.map((a) => [a.accessKeyId, a.status, a.reason])).toEqual([
      [
        LEAKED,
        'skipped',
        `not reactivated: deactivated because it was exposed (the user carries key-hygiene:exposed-${LEAKED}); rotate it: create a new key, move the workloads to it, delete this one`,
      ],
    ]);
    expect(await keyStatuses(env.iam, 'leaked')).toMatchObject({ [LEAKED]: 'Inactive' });
  });
});

describe('Undo never revives a key of a user AWS quarantined', () => {
  const env = useSandbox(() => {
    const fixture = relativeFixture();
    const sam = fixture.accounts[0]?.users?.find((user) => user.name === 'stale-sam');
    if (!sam) throw new Error('fixture without stale-sam');
    sam.attachedPolicies = ['AWSCompromisedKeyQuarantineV2'];
    return fixture;
  });

  it('reactivates the other keys of the run and leaves the quarantined user’s key inactive, saying so', async () => {
    // Prepare: an unused-key run deactivates never-nina's and stale-sam's keys.
    const handler = await coldStart(env.sandbox, 'adhoc-audit');
    const run = (await handler({ mode: 'enforce' }, lambdaContext)) as AuditReport;
    expect(
      run.actions
        .filter((a) => a.status === 'applied')
        .map((a) => a.accessKeyId)
        .sort(),
    ).toEqual([KEYS.neverUsedOld, KEYS.stale].sort());
    // Act
    const undone = await undo(handler, { undo: run.runId, trustTags: true });
    // Assess
    expect(undone.actions.map((a) => [a.userName, a.status, a.reason])).toEqual([
      ['never-nina', 'reactivated', null],
      [
        'stale-sam',
        'skipped',
        'not reactivated: user is quarantined by AWS (AWSCompromisedKeyQuarantineV2 attached: one of its keys was found in public); left Inactive',
      ],
    ]);
    expect(await keyStatuses(env.iam, 'stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
    expect(await keyStatuses(env.iam, 'never-nina')).toEqual({ [KEYS.neverUsedOld]: 'Active' });
  });

  it('asks to reactivate only the keys it will reactivate, not the quarantined user’s', async () => {
    // Prepare: an unused-key run deactivates never-nina's and stale-sam's keys.
    const handler = await coldStart(env.sandbox, 'adhoc-audit');
    const run = (await handler({ mode: 'enforce' }, lambdaContext)) as AuditReport;
    // Act
    const { report, asked } = await undoAtPrompt(env, run.runId);
    // Assess
    expect(asked).toEqual([{ accountId: ACCOUNT_ID, deactivations: 0, deletions: 0, reactivations: 1 }]);
    expect(report.actions.map((a) => [a.userName, a.status])).toEqual([
      ['never-nina', 'reactivated'],
      ['stale-sam', 'skipped'],
    ]);
    expect(report.actions[1]?.reason).toMatch(/^not reactivated: user is quarantined by AWS/);
    expect(await keyStatuses(env.iam, 'stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
  });
});

describe('Undo does not guess from the tags when the archived report cannot confirm them', () => {
  const BUCKET = 'key-hygiene-undo-reports';
  const env = useSandbox(() => {
    const fixture = relativeFixture();
    const account = fixture.accounts[0];
    if (!account) throw new Error('fixture without an account');
    account.buckets = [{ name: BUCKET }];
    return fixture;
  });
  const refusal = (why: string) =>
    `not reactivated: ${why}. Undo does not guess from user tags alone (anyone allowed to tag users can write one): check the keys, then run the undo again with "trustTags": true in the event (key-hygiene undo --trust-tags)`;

  it('reactivates nothing without a report bucket, naming trustTags and --trust-tags', async () => {
    // Prepare
    const handler = await coldStart(env.sandbox, 'adhoc-audit');
    const run = (await handler({ mode: 'enforce' }, lambdaContext)) as AuditReport;
    // Act
    const undone = await undo(handler, { undo: run.runId });
    // Assess
    const why =
      'no report bucket is set, so the archived report of the undone run could not confirm the tags';
    expect(undone.actions.map((a) => [a.userName, a.status, a.reason])).toEqual([
      ['never-nina', 'skipped', refusal(why)],
      ['stale-sam', 'skipped', refusal(why)],
    ]);
    expect(undone.summary.reactivated).toBe(0);
    expect(undone.tagsTrusted).toBe(false);
    expect(await keyStatuses(env.iam, 'stale-sam')).toEqual({ [KEYS.stale]: 'Inactive' });
    expect(oneLine(renderUndoText(undone))).toContain(
      `Nothing reactivated: the archived report of the undone run could not confirm the tags: ${why}.`,
    );
  });

  it('reactivates nothing when the archived report cannot be read, and everything the tags name when told to trust them', async () => {
    // Prepare: the run was not archived (no bucket then); the undo has one, without that report.
    const run = (await (
      await coldStart(env.sandbox, 'adhoc-audit')
    )({ mode: 'enforce' }, lambdaContext)) as AuditReport;
    const handler = await coldStart(env.sandbox, 'adhoc-audit', { REPORT_BUCKET: BUCKET });
    // Act
    const refused = await undo(handler, { undo: run.runId });
    const trusted = await undo(handler, { undo: run.runId, trustTags: true });
    // Assess
    expect(refused.summary).toMatchObject({ found: 2, reactivated: 0, skipped: 2 });
    expect(refused.tagsOnly).toMatch(/could not be read \(NoSuchKey: /);
    expect(refused.actions[0]?.reason).toBe(refusal(refused.tagsOnly ?? ''));
    expect(trusted.summary).toMatchObject({ found: 2, reactivated: 2 });
    expect(trusted.tagsTrusted).toBe(true);
    expect(await keyStatuses(env.iam, 'stale-sam')).toEqual({ [KEYS.stale]: 'Active' });
  });
});
