import { ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport, KeyFinding } from '../../src/model.js';
import type { AuditDeps } from '../../src/run-start.js';
import type { FixtureInput } from '../../src/sandbox/index.js';
import { POLICIES_FIXTURE } from '../sandbox/policies-fixture.js';
import { sandboxAuditDeps, useSandbox } from '../support/sandbox-lifecycle.js';

const RECORDED = 'AKIAPOLICY0000000006';
const UNNAMED = 'AKIAPOLICY0000000007';
const EXEMPT_KEY = 'AKIAEXEMPTLEAK000001';

/** The policies account, where the responder recorded the leaked user's first key and an exempt user is quarantined too. */
function fixture(): FixtureInput {
  const base = structuredClone(POLICIES_FIXTURE);
  const account = base.accounts[0];
  if (!account?.users) throw new Error('fixture without users');
  const leaked = account.users.find((user) => user.name === 'leaked');
  if (!leaked?.accessKeys?.[0]) throw new Error('fixture without the leaked user');
  leaked.tags = { [`key-hygiene:exposed-${RECORDED}`]: '2026-06-01 20260601T100700Z-a1b2c3' };
  // In use an hour ago, by whoever found it: the live re-check must not spare it.
  leaked.accessKeys[0].lastUsed = { date: '2026-06-01T11:00:00Z', service: 'ec2', region: 'eu-west-1' };
  account.users.push({
    name: 'exempt-leaker',
    createDate: '2024-01-01T00:00:00Z',
    tags: {
      'key-hygiene:exempt': 'true',
      [`key-hygiene:exposed-${EXEMPT_KEY}`]: '2026-06-01 20260601T100700Z-d4e5f6',
    },
    attachedPolicies: ['AWSCompromisedKeyQuarantineV2'],
    accessKeys: [{ id: EXEMPT_KEY, status: 'Active', createDate: '2026-05-01T00:00:00Z', lastUsed: null }],
  });
  return base;
}

const env = useSandbox(fixture);
let deps: AuditDeps;

const exposedFindings = (report: AuditReport) =>
  report.findings.filter((f): f is KeyFinding => f.ruleId === 'exposed-key' && f.userName !== null);

async function status(userName: string, accessKeyId: string): Promise<string | undefined> {
  const { AccessKeyMetadata = [] } = await env.iam.send(new ListAccessKeysCommand({ UserName: userName }));
  return AccessKeyMetadata.find((key) => key.AccessKeyId === accessKeyId)?.Status;
}

describe('The exposed-key rule in an audit, against the sandbox', () => {
  beforeAll(() => {
    const clients = createClients({ endpoint: env.sandbox.url, region: 'us-east-1', maxAttempts: 1 });
    deps = sandboxAuditDeps(env.sandbox, clients);
  });

  it.each(['live', 'credential-report'])(
    'sees the quarantine policy through the %s inventory and reports each active key, critical',
    async (source) => {
      // Act
      const report = await runAudit(deps, { settings: loadSettings({ INVENTORY_SOURCE: source }) });
      // Assess
      // (The exempt user is never acted on, so the credential-report run never reads its key ids.)
      const exempt = exposedFindings(report).filter((f) => f.userName === 'exempt-leaker');
      expect(exempt.map((f) => [f.severity, f.action])).toEqual([['critical', 'notify']]);
      const leaked = exposedFindings(report).filter((f) => f.userName === 'leaked');
      expect(leaked.map((f) => [f.userName, f.accessKeyId, f.severity, f.action])).toEqual([
        ['leaked', RECORDED, 'critical', 'deactivate'],
        ['leaked', UNNAMED, 'critical', 'notify'],
      ]);
    },
  );

  it('deactivates in enforce mode the key the responder recorded, in use or not, and only that one', async () => {
    // Act
    const report = await runAudit(deps, { settings: loadSettings({ MODE: 'enforce', NOTICES: 'off' }) });
    // Assess
    const action = report.actions.find((a) => a.accessKeyId === RECORDED);
    expect(action).toMatchObject({ ruleId: 'exposed-key', status: 'applied' });
    expect(await status('leaked', RECORDED)).toBe('Inactive');
    expect(report.actions.find((a) => a.accessKeyId === UNNAMED)?.ruleId).not.toBe('exposed-key');
  });

  it("reports an exempt user's exposed key as critical, to deactivate by hand, and leaves it", async () => {
    // Act
    const report = await runAudit(deps, { settings: loadSettings({ MODE: 'enforce', NOTICES: 'off' }) });
    // Assess
    const finding = exposedFindings(report).find((f) => f.userName === 'exempt-leaker');
    expect(finding?.message).toMatch(
      /exempt-leaker is exempt \(tag true\), so key-hygiene does not touch its keys: deactivate it by hand\.$/,
    );
    expect(report.actions.filter((a) => a.userName === 'exempt-leaker')).toEqual([]);
    expect(await status('exempt-leaker', EXEMPT_KEY)).toBe('Active');
  });
});
