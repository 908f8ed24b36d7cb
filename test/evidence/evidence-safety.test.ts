import { readFileSync } from 'node:fs';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport } from '../../src/model.js';
import type { AuditDeps } from '../../src/run-start.js';
import { type FixtureInput, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { ACME_FIXTURE, AUDITOR_KEY, PROD } from '../sandbox/helpers.js';

// bob's key: IAM says last used 2026-07-22 (121 days before the fixture's now, so due for
// deactivation); CloudTrail has a call made with it yesterday.
const BOB_KEY = 'AKIABOB0000000000001';
const CAROL_KEY = 'AKIACAROL00000000001';
const YESTERDAY = '2026-11-19T08:00:00Z';

function fixtureWithBobInUse(): FixtureInput {
  const fixture = JSON.parse(readFileSync(ACME_FIXTURE, 'utf8')) as FixtureInput & {
    accounts: { id: string; cloudTrailEvents?: unknown[] }[];
  };
  const prod = fixture.accounts.find((account) => account.id === PROD);
  prod?.cloudTrailEvents?.push({
    eventTime: YESTERDAY,
    eventName: 'DescribeInstances',
    eventSource: 'ec2.amazonaws.com',
    accessKeyId: BOB_KEY,
    userName: 'bob',
    sourceIPAddress: '203.0.113.80',
    awsRegion: 'us-west-2',
    userAgent: 'aws-cli/2.17.50 md/awscrt#0.21.2 ua/2.0 os/macos#23.6.0',
    readOnly: true,
    requestParameters: null,
    responseElements: null,
    resources: [],
  });
  return fixture;
}

describe('Usage evidence before apply (EVIDENCE=on)', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: fixtureWithBobInUse() });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    sandbox.faults.reset();
  });

  const deps = (): AuditDeps => {
    const credentials = { accessKeyId: AUDITOR_KEY, secretAccessKey: 'x' };
    const clients = createClients({
      endpoint: sandbox.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials,
    });
    return {
      ...clients,
      evidenceTrail: (region: string) =>
        new CloudTrailClient({ region, endpoint: sandbox.url, maxAttempts: 1, credentials }),
      region: 'us-east-1',
      clock: () => sandbox.state.clock.now(),
      // The pacing waits move the sandbox clock: CloudTrail's bucket refills without a real wait.
      sleep: async (ms) => {
        sandbox.state.clock.advance(ms);
      },
      selfAccessKeyId: AUDITOR_KEY,
      logger: { info: () => undefined, warn: () => undefined },
    };
  };
  // Notices off: the key's owner is taken as told, so CloudTrail's check alone decides tonight (the
  // notice gate after it has its own night-by-night tests).
  const enforce = (extra: Record<string, string> = {}) =>
    loadSettings({ MODE: 'enforce', INVENTORY_SOURCE: 'live', EVIDENCE: 'on', NOTICES: 'off', ...extra });
  const actionOn = (report: AuditReport, keyId: string) =>
    report.actions.find((action) => action.accessKeyId === keyId);

  it('leaves a key due on its IAM last-used date alone when CloudTrail saw it used since, and says so with both dates', async () => {
    // Act
    const report = await runAudit(deps(), { settings: enforce() });
    // Assess: bob's key stays active, with the disagreement in the report; carol's key (no
    // CloudTrail event) is deactivated as before.
    expect(sandbox.state.findKey(BOB_KEY)?.status).toBe('Active');
    const bob = actionOn(report, BOB_KEY);
    expect(bob?.status).toBe('skipped');
    expect(bob?.reason).toContain('2026-11-19T08:00:00.000Z');
    expect(bob?.reason).toContain('2026-07-22T14:30:00.000Z');
    expect(actionOn(report, CAROL_KEY)?.status).toBe('applied');
    expect(sandbox.state.findKey(CAROL_KEY)?.status).toBe('Inactive');
    expect(report.complete).toBe(true);
    // The key in use gets its full profile after apply, although its finding is about disuse.
    expect(report.evidence?.find((e) => e.accessKeyId === BOB_KEY)?.lastSeen).toBe(
      '2026-11-19T08:00:00.000Z',
    );
  });

  it('still deactivates on IAM last-used alone when CloudTrail cannot be read, and reports the key it could not check', async () => {
    // Prepare
    sandbox.faults.add({ operation: 'cloudtrail:LookupEvents', code: 'AccessDenied' });
    // Act
    const report = await runAudit(deps(), { settings: enforce() });
    // Assess
    expect(actionOn(report, CAROL_KEY)?.status).toBe('applied');
    expect(actionOn(report, BOB_KEY)?.status).toBe('applied');
    const unchecked = report.errors.find(
      (e) => e.accessKeyId === BOB_KEY && e.operation === 'cloudtrail:LookupEvents',
    );
    expect(unchecked?.code).toBe('denied');
    expect(unchecked?.message).toContain('cloudtrail:LookupEvents');
    expect(report.complete).toBe(true);
  });
});
