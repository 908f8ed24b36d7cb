import { TagUserCommand } from '@aws-sdk/client-iam';
import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  GetFindingsCommand,
  type SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { type AwsClients, createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { toArchived } from '../../src/export/asff.js';
import { findingUid } from '../../src/export/finding-facts.js';
import type { AuditReport, Finding } from '../../src/model.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { asffProblem } from '../../src/sandbox/securityhub.js';
import { sandboxAuditDeps } from '../support/sandbox-lifecycle.js';

const PROD = '111111111111';
const REGION = 'eu-west-1';
const NOW = '2026-11-20T03:00:00.000Z';
const PRODUCT = `arn:aws:securityhub:${REGION}:${PROD}:product/${PROD}/default`;
/** Cleanup needs the archive (it deletes only what an archived report says was deactivated). */
const CLEANUP = { CLEANUP_ENABLED: 'true', REPORT_BUCKET: 'acme-key-hygiene-reports' };
const REQUIRED = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'Types',
  'CreatedAt',
  'UpdatedAt',
  'Severity',
  'Title',
  'Description',
  'Resources',
] as const;
/** The customers' triage: a provider never sends these. */
const TRIAGE = ['Note', 'UserDefinedFields', 'VerificationState', 'Workflow', 'WorkflowState'];
const BEST_PRACTICES = 'Software and Configuration Checks/AWS Security Best Practices';
const CIS =
  'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark';

/** When each condition of the acme fixture first held, worked out by hand from its dates. */
const FIRST_OBSERVED: Readonly<Record<string, string>> = {
  'root-access-key': '2019-01-01T00:00:00.000Z',
  // last use 2026-07-22T14:30 + 76 warning days
  'unused-key/bob/2025-03-10T12:00:00.000Z': '2026-10-06T14:30:00.000Z',
  // never used: creation 2026-06-01T09:00 + 76 days
  'unused-key/erin/2026-06-01T09:00:00.000Z': '2026-08-16T09:00:00.000Z',
  // in the warning window: last use 2026-08-31T11:00 + 76 days
  'unused-key/dave/2026-01-15T10:00:00.000Z': '2026-11-15T11:00:00.000Z',
  // creation 2026-11-10T13:00 + 7 days
  'never-used-key/grace/2026-11-10T13:00:00.000Z': '2026-11-17T13:00:00.000Z',
  // creation 2025-03-10T12:00 + 90 days
  'rotation-overdue/bob/2025-03-10T12:00:00.000Z': '2025-06-08T12:00:00.000Z',
  // the second active key's creation
  'two-active-keys/judy': '2026-11-01T09:00:00.000Z',
  // deactivated 2026-08-01 (tag) + 30 cleanup days
  'inactive-key-cleanup/mallory/2024-01-10T10:00:00.000Z': '2026-08-31T00:00:00.000Z',
  // no deactivation tag: last use 2024-02-01T10:00 + 30 days
  'inactive-key-cleanup/oscar/2023-05-01T10:00:00.000Z': '2024-03-02T10:00:00.000Z',
};

describe('ASFF: what each rule sends to Security Hub, field by field', () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  let sent: AwsSecurityFinding[];

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: 'events/sandbox/acme.json' });
    clients = createClients({
      endpoint: sandbox.url,
      region: REGION,
      credentials: { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'sandbox-placeholder' },
      maxAttempts: 1,
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    sandbox.state.clock.set(NOW);
    sent = [];
  });

  /** The real client, with every finding it sends kept for the assertions. */
  const recording = (client: SecurityHubClient): Pick<SecurityHubClient, 'send'> => ({
    send: ((command: BatchImportFindingsCommand | GetFindingsCommand) => {
      if (command instanceof BatchImportFindingsCommand) sent.push(...(command.input.Findings ?? []));
      return client.send(command as BatchImportFindingsCommand);
    }) as SecurityHubClient['send'],
  });

  const audit = (env: Record<string, string>): Promise<AuditReport> => {
    const deps = sandboxAuditDeps(sandbox, clients, {
      securityHub: recording(clients.securityHub),
      region: REGION,
      selfAccessKeyId: 'AKIAAUDITOR000000001',
    });
    // The rules' own severities: privilege weighting is tested on its own (test/privilege).
    return runAudit(deps, {
      settings: loadSettings({ SECURITY_HUB: 'on', PRIVILEGE_WEIGHTING: 'off', ...env }),
    });
  };

  /** The report finding each sent finding stands for, by the shared id. */
  const pairs = (report: AuditReport): [Finding, AwsSecurityFinding][] =>
    report.findings.map((finding) => {
      const asff = sent.find((f) => f.Id === findingUid(report.accountId, finding));
      if (!asff) throw new Error(`nothing sent for ${finding.ruleId} ${finding.userName}`);
      return [finding, asff];
    });

  it('sends every finding of every rule with the required fields, valid as Security Hub checks them', async () => {
    // Act
    const report = await audit(CLEANUP);
    const reported = pairs(report);
    sent = [];
    const capped = await audit({ MODE: 'enforce', MAX_ACTIONS_PER_RUN: '1', ...CLEANUP });
    const all = [...reported, ...pairs(capped)];
    // Assess: every rule and the cap's safeguard is covered
    expect(new Set(all.map(([f]) => f.ruleId))).toEqual(
      new Set([
        'unused-key',
        'never-used-key',
        'rotation-overdue',
        'two-active-keys',
        'root-access-key',
        'inactive-key-cleanup',
        'exposed-key',
        'blast-radius-cap',
      ]),
    );
    for (const [finding, asff] of all) {
      const label = `${finding.ruleId} ${finding.userName}`;
      for (const field of REQUIRED) expect(asff[field], `${label}: ${field}`).toBeTruthy();
      for (const field of TRIAGE) expect(asff, `${label}: ${field}`).not.toHaveProperty(field);
      expect(asffProblem(asff as unknown as Record<string, unknown>), label).toBeNull();
      expect(asff).toMatchObject({
        SchemaVersion: '2018-10-08',
        ProductArn: PRODUCT,
        GeneratorId: `key-hygiene/${finding.ruleId}`,
        AwsAccountId: PROD,
        UpdatedAt: NOW,
        LastObservedAt: NOW,
        RecordState: 'ACTIVE',
        Remediation: {
          Recommendation: {
            Url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html',
          },
        },
      });
      expect(asff.Id).toBe(findingUid(PROD, finding));
      expect(asff.Description?.startsWith(finding.message.slice(0, 1000)), label).toBe(true);
      expect(asff.ProductFields).toMatchObject({
        'key-hygiene/Rule': finding.ruleId,
        'key-hygiene/RequestedAction': finding.action,
      });
    }
  });

  it('maps severity, types, controls and resources rule by rule', async () => {
    // Act
    const report = await audit(CLEANUP);
    const byId = new Map(
      pairs(report).map(([f, asff]) => [asff.Id?.split(`${PROD}/`)[1] ?? '', { f, asff }]),
    );
    const at = (key: string) => {
      const entry = byId.get(key);
      if (!entry) throw new Error(`no finding ${key}`);
      return entry.asff;
    };
    // Assess: severity label and the provider's copy of it
    expect(at('root-access-key')).toMatchObject({
      Title: 'Root user has an active access key',
      Severity: { Label: 'CRITICAL', Original: 'critical' },
      FindingProviderFields: { Severity: { Label: 'CRITICAL' }, Types: [CIS, BEST_PRACTICES] },
      Compliance: { Status: 'FAILED', RelatedRequirements: ['CIS 1.4', 'Security Hub IAM.4'] },
    });
    expect(at('root-access-key').Resources?.map((r) => r.Type)).toEqual(['AwsIamAccessKey', 'AwsAccount']);
    const bob = at('unused-key/bob/2025-03-10T12:00:00.000Z');
    expect(bob).toMatchObject({
      Title: 'Unused IAM access key: bob',
      Severity: { Label: 'HIGH' },
      Types: [CIS, BEST_PRACTICES],
      Compliance: {
        Status: 'FAILED',
        RelatedRequirements: ['CIS 1.12', 'Security Hub IAM.8', 'Security Hub IAM.22'],
      },
      ProductFields: {
        'key-hygiene/ActionTaken': 'planned',
        'key-hygiene/Mode': 'report',
        'key-hygiene/Team': 'platform',
      },
      Resources: [
        {
          Type: 'AwsIamAccessKey',
          Id: 'AKIABOB0000000000001',
          Partition: 'aws',
          Region: REGION,
          Details: {
            AwsIamAccessKey: {
              PrincipalName: 'bob',
              PrincipalType: 'IAMUser',
              Status: 'Active',
              CreatedAt: '2025-03-10T12:00:00.000Z',
              AccessKeyId: 'AKIABOB0000000000001',
              AccountId: PROD,
            },
          },
        },
        {
          Type: 'AwsIamUser',
          Id: `arn:aws:iam::${PROD}:user/bob`,
          Tags: { team: 'platform' },
          Details: { AwsIamUser: { UserName: 'bob', Path: '/', CreateDate: '2025-03-01T00:00:00.000Z' } },
        },
      ],
    });
    expect(at('unused-key/dave/2026-01-15T10:00:00.000Z').Severity).toEqual({
      Label: 'LOW',
      Original: 'low',
    });
    expect(at('never-used-key/grace/2026-11-10T13:00:00.000Z').Severity?.Label).toBe('MEDIUM');
    expect(at('two-active-keys/judy').Resources?.map((r) => r.Type)).toEqual([
      'AwsIamUser',
      'AwsIamAccessKey',
    ]);
    expect(at('two-active-keys/judy').Compliance?.RelatedRequirements).toEqual(['CIS 1.13']);
    const cleanup = at('inactive-key-cleanup/oscar/2023-05-01T10:00:00.000Z');
    expect(cleanup).toMatchObject({
      Types: [BEST_PRACTICES],
      Compliance: { Status: 'FAILED' },
      Severity: { Label: 'LOW' },
    });
    expect(cleanup.Compliance).not.toHaveProperty('RelatedRequirements');
  });

  it("carries only key-hygiene's own, the team and the owner tags of a user, never a secret-looking one", async () => {
    // Prepare: bob (team platform) also carries tags nobody outside the account should read
    await clients.iam.send(
      new TagUserCommand({
        UserName: 'bob',
        Tags: [
          { Key: 'cost-center', Value: 'CC-4821' },
          { Key: 'ssn', Value: '078-05-1120' },
          { Key: 'Email', Value: 'bob@example.com' },
          { Key: 'contact', Value: 'platform-oncall' },
          { Key: 'key-hygiene:exempt-reason', Value: 'reviewed' },
        ],
      }),
    );
    // Act
    await audit({});
    // Assess
    const bob = sent.filter((f) => f.Resources?.some((r) => r.Id === `arn:aws:iam::${PROD}:user/bob`));
    expect(bob.length).toBeGreaterThan(0);
    for (const finding of bob) {
      expect(finding.Resources?.find((r) => r.Type === 'AwsIamUser')?.Tags).toEqual({
        team: 'platform',
        Email: 'bob@example.com',
        contact: 'platform-oncall',
        'key-hygiene:exempt-reason': 'reviewed',
      });
    }
    const everything = JSON.stringify(sent);
    expect(everything).not.toContain('CC-4821');
    expect(everything).not.toContain('078-05-1120');
    expect(everything).not.toContain('cost-center');
  });

  it('dates each finding from when its condition first held, not from the run', async () => {
    // Act
    const report = await audit(CLEANUP);
    const first = Object.fromEntries(
      pairs(report).map(([, asff]) => [asff.Id?.split(`${PROD}/`)[1] ?? '', asff.FirstObservedAt]),
    );
    // Assess
    for (const [key, expected] of Object.entries(FIRST_OBSERVED)) expect(first[key], key).toBe(expected);
  });

  it('names an account-level safeguard by the account, dated by its first run', async () => {
    // Act
    const report = await audit({ MODE: 'enforce', MAX_ACTIONS_PER_RUN: '1' });
    const cap = pairs(report).find(([f]) => f.ruleId === 'blast-radius-cap')?.[1];
    // Assess
    expect(cap).toMatchObject({
      Id: `key-hygiene/${PROD}/blast-radius-cap`,
      Title: 'key-hygiene blast-radius cap reached: no key was deactivated',
      Severity: { Label: 'CRITICAL' },
      FirstObservedAt: NOW,
      Resources: [{ Type: 'AwsAccount', Id: `AWS::::Account:${PROD}` }],
    });
  });

  it('archives a finding with only the fields a provider sends: the triage and what Security Hub added stay out', async () => {
    // Prepare
    await audit({});
    const [stored] =
      (await clients.securityHub.send(new GetFindingsCommand({ MaxResults: 1 }))).Findings ?? [];
    if (!stored) throw new Error('nothing stored');
    stored.ProductFields = { ...stored.ProductFields, 'aws/securityhub/FindingId': 'x' };
    // Act
    const archived = toArchived(stored, { runId: 'run-2', asOf: NOW, now: new Date('2026-11-21T03:00:00Z') });
    // Assess
    for (const field of [...TRIAGE, 'ProcessedAt', 'CompanyName', 'ProductName']) {
      expect(archived).not.toHaveProperty(field);
    }
    expect(archived).toMatchObject({
      Id: stored.Id,
      CreatedAt: stored.CreatedAt,
      FirstObservedAt: stored.FirstObservedAt,
      UpdatedAt: '2026-11-21T03:00:00.000Z',
      RecordState: 'ARCHIVED',
      Compliance: { Status: 'PASSED' },
    });
    expect(archived.ProductFields).not.toHaveProperty('aws/securityhub/FindingId');
    expect(asffProblem(archived as unknown as Record<string, unknown>)).toBeNull();
  });
});
