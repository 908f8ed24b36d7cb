import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients } from '../../src/aws/clients.js';
import { renderText } from '../../src/render/text.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { ACME_ACCOUNT, appliedRefs, enforce, FIXTURE_NOW, iamState } from '../support/fault-audit.js';

let sandbox: RunningSandbox;

const BOB_KEY = 'AKIABOB0000000000001';

async function setClock(now: string): Promise<void> {
  await fetch(`${sandbox.url}/_sandbox/clock`, { method: 'POST', body: JSON.stringify({ now }) });
}

describe('Fault suite: a credential report that disagrees with the live last use', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: 'events/sandbox/acme.json' });
  });

  afterAll(async () => {
    await sandbox.close();
  });

  it('takes no action on a key the report calls unused but that was used an hour ago, and says why', async () => {
    // Prepare: a report-mode run has IAM generate the credential report (reused for four hours).
    const preview = await enforce(sandbox.url, ACME_ACCOUNT, { env: { MODE: 'report' } });
    expect(preview.source.kind).toBe('credential-report');
    expect(preview.actions.map((a) => a.userName)).toContain('bob');
    // bob's "unused" key signs a request an hour before the run; the report does not know.
    await setClock(new Date(FIXTURE_NOW.getTime() - 3_600_000).toISOString());
    const asBob = createClients({
      endpoint: sandbox.url,
      region: 'us-east-1',
      credentials: { accessKeyId: BOB_KEY, secretAccessKey: 'sandbox-placeholder' },
    });
    await asBob.sts.send(new GetCallerIdentityCommand({}));
    await setClock(FIXTURE_NOW.toISOString());
    // Act
    const report = await enforce(sandbox.url, ACME_ACCOUNT);
    // Assess: the report path ran, bob's key is untouched, and the report says why.
    expect(report.source.kind).toBe('credential-report');
    expect(iamState(sandbox, [ACME_ACCOUNT])[`${ACME_ACCOUNT}/bob/${BOB_KEY}`]).toEqual({
      status: 'Active',
      tag: null,
    });
    expect(appliedRefs(report)).not.toContain(`${ACME_ACCOUNT}/bob/${BOB_KEY}`);
    expect(appliedRefs(report)).toHaveLength(5);
    expect(report.actions.filter((a) => a.userName === 'bob')).toEqual([
      expect.objectContaining({
        accessKeyId: BOB_KEY,
        status: 'skipped',
        reason:
          'the credential report shows this key (slot 1) unused, but the live GetAccessKeyLastUsed shows it used 60 minutes ago (2026-11-19T23:00:00.000Z, sts); the live data wins, so it was not deactivated',
      }),
    ]);
    expect(report.findings.some((f) => f.userName === 'bob' && f.ruleId === 'unused-key')).toBe(false);
    expect(renderText(report).replace(/\s+/g, ' ')).toContain(
      'the live GetAccessKeyLastUsed shows it used 60 minutes ago',
    );
  });
});
