import { type AwsSecurityFinding, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { type AwsClients, createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { accountFinding } from '../../src/evaluate/key-facts.js';
import { findingUid } from '../../src/export/finding-facts.js';
import { exportToSecurityHub } from '../../src/export/security-hub.js';
import type { AuditReport } from '../../src/model.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';

const PROD = '111111111111';
const REGION = 'eu-west-1';
const NIGHT = '2026-11-20T03:00:00.000Z';
const LATER = '2026-11-21T03:00:00.000Z';
const PRODUCT = `arn:aws:securityhub:${REGION}:${PROD}:product/${PROD}/default`;
const id = (rule: string, subject: string) => `key-hygiene/${PROD}/${rule}/${subject}`;
const BOB_UNUSED = id('unused-key', 'bob/2025-03-10T12:00:00.000Z');
const CAROL_UNUSED = id('unused-key', 'carol/2024-11-02T16:20:00.000Z');
const JUDY_TWO_KEYS = id('two-active-keys', 'judy');
const THRESHOLDS = loadSettings({}).rules;

interface LogLine {
  level: 'info' | 'warn';
  message: string;
  extra: Record<string, unknown>;
}

describe('Function: exportToSecurityHub', () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;
  /** The acme fixture's nightly report, made once with the export off. */
  let nightly: AuditReport;
  let logs: LogLine[];

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: 'events/sandbox/acme.json' });
    clients = createClients({
      endpoint: sandbox.url,
      region: REGION,
      credentials: { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'sandbox-placeholder' },
      maxAttempts: 1,
    });
    sandbox.state.clock.set(NIGHT);
    nightly = await runAudit(
      {
        ...clients,
        region: REGION,
        clock: () => sandbox.state.clock.now(),
        selfAccessKeyId: 'AKIAAUDITOR000000001',
        logger: { info: () => undefined, warn: () => undefined },
      },
      { settings: loadSettings({ PRIVILEGE_WEIGHTING: 'off', NOTICES: 'off' }) },
    );
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    sandbox.faults.reset();
    sandbox.state.clock.set(NIGHT);
    logs = [];
  });

  const deps = () => ({
    securityHub: clients.securityHub,
    clock: () => sandbox.state.clock.now(),
    logger: {
      info: (message: string, extra: Record<string, unknown>) => logs.push({ level: 'info', message, extra }),
      warn: (message: string, extra: Record<string, unknown>) => logs.push({ level: 'warn', message, extra }),
    },
  });
  const send = (report: AuditReport, targetedUsers?: readonly string[]) =>
    exportToSecurityHub(deps(), {
      report,
      users: [],
      thresholds: THRESHOLDS,
      region: REGION,
      ...(targetedUsers ? { targetedUsers } : {}),
    });
  /** The report of a later night on which the findings with these ids were no longer found. */
  const laterWithout = (report: AuditReport, ...ids: string[]): AuditReport => ({
    ...report,
    runId: 'run-later',
    asOf: LATER,
    findings: report.findings.filter((f) => !ids.includes(findingUid(PROD, f))),
  });
  /** A safeguard's finding, about the account as a whole (no user, no key). */
  const CAP_FINDING = accountFinding({
    ruleId: 'blast-radius-cap',
    severity: 'critical',
    controls: [],
    message: '40 keys are due for deactivation, more than the blast-radius cap of 10 per run.',
    action: 'notify',
  });
  const CAP = id('blast-radius-cap', '').slice(0, -1);
  async function hub(): Promise<Map<string, AwsSecurityFinding>> {
    const found = new Map<string, AwsSecurityFinding>();
    let token: string | undefined;
    do {
      const page = await clients.securityHub.send(new GetFindingsCommand({ NextToken: token }));
      for (const f of page.Findings ?? []) found.set(f.Id ?? '', f);
      token = page.NextToken;
    } while (token);
    return found;
  }

  it('archives the active findings a later run no longer found, keeps the others active, and logs the counts', async () => {
    // Prepare
    await send(nightly);
    sandbox.state.clock.set(LATER);
    logs = [];
    // Act
    const later = await send(laterWithout(nightly, BOB_UNUSED));
    const found = await hub();
    // Assess
    expect(found.get(BOB_UNUSED)?.RecordState).toBe('ARCHIVED');
    expect(found.get(CAROL_UNUSED)).toMatchObject({ RecordState: 'ACTIVE', UpdatedAt: LATER });
    expect([...found.values()].filter((f) => f.RecordState === 'ARCHIVED').map((f) => f.Id)).toEqual([
      BOB_UNUSED,
    ]);
    expect({ imported: later.imported, archived: later.archived, failed: later.failed }).toEqual({
      imported: 20,
      archived: 1,
      failed: 0,
    });
    expect(logs).toEqual([
      {
        level: 'info',
        message: 'findings sent to security hub',
        extra: { runId: 'run-later', imported: 20, archived: 1, failed: 0, retried: 0 },
      },
    ]);
  });

  it('leaves alone what is not its own active finding: other tools, other products, other accounts, findings already archived', async () => {
    // Prepare: findings another tool, another product and another account keep in the hub, and one
    // of ours archived long ago, none of them in tonight's report
    const base = {
      SchemaVersion: '2018-10-08',
      CreatedAt: '2026-10-01T00:00:00.000Z',
      UpdatedAt: '2026-10-01T00:00:00.000Z',
      Severity: { Label: 'HIGH' },
      Title: 'not for key-hygiene to close',
      Description: 'seeded',
      Types: ['Software and Configuration Checks'],
      Resources: [{ Type: 'AwsAccount', Id: `AWS::::Account:${PROD}` }],
      RecordState: 'ACTIVE',
    };
    const seeded = [
      {
        ...base,
        Id: 'other-tool/1',
        ProductArn: PRODUCT,
        GeneratorId: 'other-tool/check',
        AwsAccountId: PROD,
      },
      {
        ...base,
        Id: 'key-hygiene/guardduty',
        ProductArn: `arn:aws:securityhub:${REGION}::product/aws/guardduty`,
        GeneratorId: 'key-hygiene/unused-key',
        AwsAccountId: PROD,
      },
      {
        ...base,
        Id: 'key-hygiene/222222222222/unused-key/zed/key',
        ProductArn: PRODUCT,
        GeneratorId: 'key-hygiene/unused-key',
        AwsAccountId: '222222222222',
      },
      {
        ...base,
        Id: id('unused-key', 'zed/key'),
        ProductArn: PRODUCT,
        GeneratorId: 'key-hygiene/unused-key',
        AwsAccountId: PROD,
        RecordState: 'ARCHIVED',
      },
    ];
    for (const finding of seeded) sandbox.state.securityHub.put(PROD, structuredClone(finding));
    // Act
    const result = await send(nightly);
    // Assess
    expect(result.report.errors).toEqual([]);
    expect(result.archived).toBe(0);
    for (const finding of seeded) {
      expect(sandbox.state.securityHub.find(PROD, finding.ProductArn, finding.Id)).toEqual(finding);
    }
  });

  it('does not archive the finding of a user the run could not read, nor any when the run stopped short', async () => {
    // Prepare
    await send(nightly);
    sandbox.state.clock.set(LATER);
    const unread: AuditReport = {
      ...laterWithout(nightly, CAROL_UNUSED),
      errors: [
        {
          userName: 'carol',
          accessKeyId: null,
          operation: 'ListAccessKeys',
          code: 'AccessDenied',
          message: 'could not list carol',
        },
      ],
    };
    // Act
    const afterUnread = await send(unread);
    const stopped = await send({ ...laterWithout(nightly, BOB_UNUSED), complete: false });
    const found = await hub();
    // Assess
    expect([afterUnread.archived, stopped.archived]).toEqual([0, 0]);
    expect(found.get(CAROL_UNUSED)?.RecordState).toBe('ACTIVE');
    expect(found.get(BOB_UNUSED)?.RecordState).toBe('ACTIVE');
  });

  it("does not let a targeted audit close a safeguard's account-level finding, which it did not look at", async () => {
    // Prepare
    await send({ ...nightly, findings: [...nightly.findings, CAP_FINDING] });
    sandbox.state.clock.set(LATER);
    // Act: an ad-hoc audit of bob alone, which finds neither his unused key nor the cap
    const targeted = await send(laterWithout(nightly, BOB_UNUSED), ['bob']);
    const found = await hub();
    // Assess
    expect(targeted.archived).toBe(1);
    expect(found.get(BOB_UNUSED)?.RecordState).toBe('ARCHIVED');
    expect(found.get(CAP)?.RecordState).toBe('ACTIVE');
  });

  it('sends a refused finding once more, and reports each finding refused twice by its user and key', async () => {
    // Prepare: last night's report also held a safeguard's account-level finding
    await send({ ...nightly, findings: [...nightly.findings, CAP_FINDING] });
    sandbox.state.clock.set(LATER);
    const refused = (ids: string[]) =>
      sandbox.state.securityHub.failImports({
        ids,
        times: 2 * ids.length,
        errorCode: 'LimitExceededException',
        errorMessage: 'Finding quota reached',
      });
    refused([BOB_UNUSED, JUDY_TWO_KEYS, CAP]);
    const message = (findingId: string) =>
      `Security Hub did not take finding ${findingId} after a retry: Finding quota reached. The report still lists the finding; the next run sends it again.`;
    // Act: tonight bob, carol and the safeguard are gone (three to archive); bob's and the
    // safeguard's archives are refused, and so is judy's finding, still found
    const result = await send(laterWithout(nightly, BOB_UNUSED, CAROL_UNUSED));
    // Assess
    expect(result.report.errors).toEqual([
      {
        userName: 'judy',
        accessKeyId: null,
        operation: 'BatchImportFindings',
        code: 'LimitExceededException',
        message: message(JUDY_TWO_KEYS),
      },
      {
        userName: 'bob',
        accessKeyId: 'AKIABOB0000000000001',
        operation: 'BatchImportFindings',
        code: 'LimitExceededException',
        message: message(BOB_UNUSED),
      },
      {
        userName: null,
        accessKeyId: null,
        operation: 'BatchImportFindings',
        code: 'LimitExceededException',
        message: message(CAP),
      },
    ]);
    expect(result.report.summary.errors).toBe(3);
    expect({ imported: result.imported, archived: result.archived, failed: result.failed }).toEqual({
      imported: 18,
      archived: 1,
      failed: 3,
    });
  });

  it('turns a BatchImportFindings refusal into an error entry per finding, and keeps the run', async () => {
    // Prepare
    sandbox.faults.add({ operation: 'securityhub:BatchImportFindings', code: 'AccessDenied' });
    // Act
    const result = await send(nightly);
    // Assess
    expect(result.report.errors).toHaveLength(nightly.findings.length);
    expect(result.report.errors.find((e) => e.userName === 'bob' && e.message.includes(BOB_UNUSED))).toEqual({
      userName: 'bob',
      accessKeyId: 'AKIABOB0000000000001',
      operation: 'BatchImportFindings',
      code: 'AccessDeniedException',
      message: `Security Hub did not take finding ${BOB_UNUSED} after a retry: User: arn:aws:iam::${PROD}:user/service/key-hygiene-auditor is not authorized to perform: securityhub:BatchImportFindings. The report still lists the finding; the next run sends it again.`,
    });
    expect([result.imported, result.failed]).toEqual([0, nightly.findings.length]);
  });

  it('says in the report and the log why nothing was sent when the active findings cannot be read', async () => {
    // Prepare
    sandbox.faults.add({ operation: 'securityhub:GetFindings', code: 'AccessDenied' });
    // Act
    const result = await send(nightly);
    // Assess
    expect(result.report.errors).toEqual([
      {
        userName: null,
        accessKeyId: null,
        operation: 'GetFindings',
        code: 'AccessDeniedException',
        message: `Could not read the active key-hygiene findings from Security Hub (User: arn:aws:iam::${PROD}:user/service/key-hygiene-auditor is not authorized to perform: securityhub:GetFindings), so none were sent or archived this run; the next run tries again. Check that Security Hub is enabled in ${REGION} and that the role may call securityhub:GetFindings.`,
      },
    ]);
    expect(logs).toEqual([
      {
        level: 'warn',
        message: 'security hub export skipped: active findings could not be read',
        extra: { runId: nightly.runId, code: 'AccessDeniedException' },
      },
    ]);
    expect(sandbox.state.calls().services.securityhub?.actions.BatchImportFindings).toBeUndefined();
  });

  it('makes no import call when there is nothing to send or archive', async () => {
    // Act
    const result = await send({ ...nightly, findings: [] });
    // Assess
    expect(result.imported).toBe(0);
    expect(sandbox.state.calls().services.securityhub?.actions.BatchImportFindings).toBeUndefined();
  });
});
