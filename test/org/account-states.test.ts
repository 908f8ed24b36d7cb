import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/program.js';
import { listAccounts } from '../../src/org/list-accounts.js';
import { type OrganizationReport, organizationReportSchema } from '../../src/org/organization-report.js';
import {
  accountStatesFixture,
  STATES_AUDITOR_KEY,
  STATES_TOPIC_ARN,
} from '../support/organization-fixture.js';
import { useSandbox } from '../support/sandbox-lifecycle.js';

// Organizations retires an account's `Status` (2026-09-09) for `State`. Only ACTIVE accounts are
// audited; every other state, one the SDK does not know yet, or none at all is skipped and named.

const env = useSandbox(() => accountStatesFixture());

const NO_FILTERS = { accounts: [], includeAccounts: [], excludeAccounts: [], organizationUnitIds: [] };

describe('Function: listAccounts (account states)', () => {
  it('reads each account’s State, falls back to a lone Status, and gives null when neither is listed', async () => {
    // Prepare
    const organizations = new OrganizationsClient({
      region: 'us-east-1',
      endpoint: env.sandbox.url,
      maxAttempts: 1,
      credentials: { accessKeyId: STATES_AUDITOR_KEY, secretAccessKey: 'sandbox-secret' },
    });
    // Act
    const accounts = await listAccounts(organizations, NO_FILTERS);
    // Assess
    expect(accounts.map((a) => [a.name, a.status])).toEqual([
      ['active', 'ACTIVE'],
      ['suspended', 'SUSPENDED'],
      ['pending-closure', 'PENDING_CLOSURE'],
      ['pending-activation', 'PENDING_ACTIVATION'],
      ['closed', 'CLOSED'],
      ['future', 'ARCHIVED'],
      ['older-active', 'ACTIVE'],
      ['older-suspended', 'SUSPENDED'],
      ['stateless', null],
    ]);
  });
});

describe('Organization run (account states)', () => {
  beforeEach(() => {
    vi.stubEnv('AWS_ENDPOINT_URL', env.sandbox.url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', STATES_AUDITOR_KEY);
    vi.stubEnv('MODE', '');
    vi.stubEnv('REPORT_TOPIC_ARN', STATES_TOPIC_ARN);
  });

  it('audits only ACTIVE accounts and skips every other state, naming it, and an account without one', async () => {
    // Act
    let stdout = '';
    const code = await runCli(['org', '--notify'], process.env, {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stdout += text;
      },
    });
    // Assess
    expect(code, stdout).toBe(0);
    const message = env.sandbox.state.published.find(
      (m) => m.messageAttributes.scope?.StringValue === 'organization',
    );
    const report: OrganizationReport = organizationReportSchema.parse(JSON.parse(message?.bodies.sqs ?? ''));
    const outcomes = Object.fromEntries(report.accounts.map((a) => [a.name, [a.status, a.reason]]));
    expect(outcomes).toEqual({
      active: ['audited', null],
      'older-active': ['audited', null],
      suspended: ['skipped', 'the account is SUSPENDED in the organization'],
      'pending-closure': ['skipped', 'the account is PENDING_CLOSURE in the organization'],
      'pending-activation': ['skipped', 'the account is PENDING_ACTIVATION in the organization'],
      closed: ['skipped', 'the account is CLOSED in the organization'],
      future: ['skipped', 'the account is ARCHIVED in the organization'],
      'older-suspended': ['skipped', 'the account is SUSPENDED in the organization'],
      stateless: [
        'skipped',
        "the account's state is unknown (Organizations listed neither State nor Status)",
      ],
    });
  });
});
