import { CloudTrailClient, type LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClients, signingAccessKeyId } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { AuditReport } from '../../src/model.js';
import { runOrganizationAudit } from '../../src/org/run-organization.js';
import { organizationRunDeps } from '../../src/runtime/organization-deps.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  MANAGEMENT,
  ORG_AUDITOR_KEY,
  ORG_BUCKET,
  ORG_TOPIC_ARN,
  organizationFixture,
  PAYMENTS,
} from '../support/organization-fixture.js';

describe('Usage evidence in an organization run', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    // A key in daily use and overdue for rotation in the auditor account and in a member.
    const fixture = organizationFixture();
    const daysAgo = (days: number) =>
      new Date(Date.parse(fixture.now ?? '') - days * 86_400_000).toISOString();
    const overdue = (name: string, id: string) => ({
      name,
      createDate: daysAgo(401),
      accessKeys: [
        {
          id,
          status: 'Active' as const,
          createDate: daysAgo(400),
          lastUsed: { date: daysAgo(1), service: 's3', region: 'us-east-1' },
        },
      ],
    });
    fixture.accounts
      .find((a) => a.id === MANAGEMENT)
      ?.users?.push(overdue('mgmt-daily', 'AKIAMGMTDAILY0000001'));
    const payments = fixture.accounts.find((a) => a.id === PAYMENTS);
    payments?.users?.push(overdue('pay-daily', 'AKIAPAYDAILY00000001'));
    // The member's key is used by a Lambda function: its calls are in the member's CloudTrail only.
    if (payments) {
      payments.cloudTrailHistories = [
        {
          accessKeyId: 'AKIAPAYDAILY00000001',
          userName: 'pay-daily',
          from: daysAgo(30),
          to: daysAgo(1),
          events: 30,
          sourceIPs: ['AWS Internal'],
          userAgents: [
            'aws-sdk-js/3.700.0 ua/2.1 os/linux#5.10 lang/js md/nodejs#22.11.0 api/s3#3.700.0 exec-env/AWS_Lambda_nodejs22.x',
          ],
          calls: [{ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets' }],
          regions: ['us-east-1'],
        },
      ];
    }
    sandbox = await startSandbox({ fixture });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  /** One organization run with evidence on: the keys the auditor's own trail looked up, and each account's report. */
  async function organizationRun(): Promise<{ lookedUp: string[]; reports: Map<string, AuditReport> }> {
    const region = 'us-east-1';
    const credentials = { accessKeyId: ORG_AUDITOR_KEY, secretAccessKey: 'sandbox-placeholder' };
    const options = { endpoint: sandbox.url, region, credentials, maxAttempts: 1 };
    const clients = createClients(options);
    const lookedUp: string[] = [];
    const trail = new CloudTrailClient(options);
    const deps = organizationRunDeps(
      {
        ...clients,
        evidenceTrail: () => ({
          send: (command: LookupEventsCommand) => {
            lookedUp.push(command.input.LookupAttributes?.[0]?.AttributeValue ?? '');
            return trail.send(command);
          },
        }),
        region,
        clock: () => sandbox.state.clock.now(),
        sleep: async (ms) => {
          sandbox.state.clock.advance(ms);
        },
        selfAccessKeyId: await signingAccessKeyId(clients.iam),
        logger: { info: () => {}, warn: () => {} },
      },
      options,
    );
    const settings = loadSettings({
      EVIDENCE: 'on',
      INVENTORY_SOURCE: 'live',
      REPORT_TOPIC_ARN: ORG_TOPIC_ARN,
      REPORT_BUCKET: ORG_BUCKET,
    });
    const reports = new Map<string, AuditReport>();
    await runOrganizationAudit(deps, settings, {
      notify: false,
      onAudit: (accountId, audit) => reports.set(accountId, audit.report),
    });
    return { lookedUp, reports };
  }

  it("reads the auditor account's keys with its own CloudTrail, and no member's key through it", async () => {
    // Act
    const { lookedUp } = await organizationRun();
    // Assess
    const accounts = new Set(lookedUp.map((keyId) => sandbox.state.findKey(keyId)?.accountId));
    expect(lookedUp).toContain('AKIAMGMTDAILY0000001');
    expect(lookedUp).not.toContain('AKIAPAYDAILY00000001');
    expect([...accounts]).toEqual([MANAGEMENT]);
  });

  it("gives a member's key its profile from the member's own CloudTrail, read through the member role", async () => {
    // Act
    const { reports } = await organizationRun();
    // Assess: the auditor's CloudTrail holds none of the member key's calls; the member's does.
    const member = reports.get(PAYMENTS)?.evidence?.find((e) => e.accessKeyId === 'AKIAPAYDAILY00000001');
    expect(member).toMatchObject({ profile: 'workload-on-aws', events: 30, gap: null });
  });
});
