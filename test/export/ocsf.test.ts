import { TagUserCommand } from '@aws-sdk/client-iam';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { type AwsClients, createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { OCSF_VERSION, renderOcsfJsonLines, toOcsfFindings } from '../../src/export/ocsf.js';
import type { AuditReport } from '../../src/model.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { OcsfSchema } from '../support/ocsf-schema.js';
import { sandboxAuditDeps } from '../support/sandbox-lifecycle.js';

/** The region of the fixture's report bucket. */
const REGION = 'us-east-1';
const BUCKET = 'acme-key-hygiene-reports';
const NOW = '2026-11-20T03:00:00.000Z';
const DETECTION_FINDING = 'events/findings/detection_finding.json';
const schema = new OcsfSchema(new URL(`../fixtures/ocsf-schema-${OCSF_VERSION}/`, import.meta.url));

describe('OCSF: the archived Detection Findings, validated against the OCSF schema', () => {
  let sandbox: RunningSandbox;
  let clients: AwsClients;

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
  });

  const audit = (env: Record<string, string>): Promise<AuditReport> =>
    runAudit(
      sandboxAuditDeps(sandbox, clients, { region: REGION, selfAccessKeyId: 'AKIAAUDITOR000000001' }),
      // The rules' own severities: privilege weighting is tested on its own (test/privilege).
      {
        settings: loadSettings({
          REPORT_BUCKET: BUCKET,
          CLEANUP_ENABLED: 'true',
          PRIVILEGE_WEIGHTING: 'off',
          ...env,
        }),
      },
    );

  /** The run's archived `.ocsf.jsonl`, one parsed finding per line. */
  async function archivedOcsf(report: AuditReport): Promise<Record<string, unknown>[]> {
    const key = `${report.archive?.prefix}.ocsf.jsonl`;
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const text = (await object.Body?.transformToString()) ?? '';
    expect(text.endsWith('\n')).toBe(true);
    return text
      .slice(0, -1)
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('pins the schema version it ships', () => {
    // Assess
    expect(schema.version).toBe(OCSF_VERSION);
  });

  it('archives one valid Detection Finding per finding of every rule and safeguard, next to the JSON report', async () => {
    // Act
    const report = await audit({});
    const capped = await audit({ MODE: 'enforce', MAX_ACTIONS_PER_RUN: '1' });
    const lines = [...(await archivedOcsf(report)), ...(await archivedOcsf(capped))];
    // Assess
    expect(report.archive?.ocsf?.s3Uri).toBe(`s3://${BUCKET}/${report.archive?.prefix}.ocsf.jsonl`);
    expect(lines).toHaveLength(report.findings.length + capped.findings.length);
    expect(new Set(lines.map((l) => (l.metadata as { event_code: string }).event_code))).toEqual(
      new Set([...report.findings, ...capped.findings].map((f) => f.ruleId)),
    );
    for (const line of lines) {
      const uid = (line.finding_info as { uid: string }).uid;
      expect(schema.validate(line, DETECTION_FINDING), uid).toEqual([]);
      expect(line).toMatchObject({ class_uid: 2004, category_uid: 2, type_uid: 200401, activity_id: 1 });
    }
  });

  it('says what the report says: severity, ids shared with Security Hub, first and last seen, the account', async () => {
    // Act
    const report = await audit({});
    const lines = await archivedOcsf(report);
    const bob = lines.find(
      (l) =>
        (l.finding_info as { uid: string }).uid ===
        'key-hygiene/111111111111/unused-key/bob/2025-03-10T12:00:00.000Z',
    );
    // Assess
    expect(bob).toMatchObject({
      severity_id: 4,
      severity: 'High',
      time: Date.parse(NOW),
      metadata: { version: '1.8.0', product: { name: 'key-hygiene' }, correlation_uid: report.runId },
      cloud: { provider: 'AWS', region: REGION, account: { uid: '111111111111', type_id: 10 } },
      finding_info: {
        title: 'Unused IAM access key: bob',
        first_seen_time: Date.parse('2026-10-06T14:30:00.000Z'),
        last_seen_time: Date.parse(NOW),
        analytic: { uid: 'unused-key', type_id: 1, type: 'Rule' },
      },
      resources: [
        { type: 'AWS::IAM::AccessKey', uid: 'AKIABOB0000000000001', region: REGION, cloud_partition: 'aws' },
        { type: 'AWS::IAM::User', name: 'bob', tags: [{ name: 'team', value: 'platform' }] },
      ],
      unmapped: { controls: ['CIS 1.12', 'IAM.8', 'IAM.22'], action_taken: 'planned', mode: 'report' },
    });
  });

  it("carries only key-hygiene's own, the team and the owner tags of a user, never a secret-looking one", async () => {
    // Prepare
    await clients.iam.send(
      new TagUserCommand({
        UserName: 'bob',
        Tags: [
          { Key: 'cost-center', Value: 'CC-4821' },
          { Key: 'ssn', Value: '078-05-1120' },
          { Key: 'OWNER', Value: 'bob@example.com' },
        ],
      }),
    );
    // Act
    const report = await audit({});
    const lines = await archivedOcsf(report);
    // Assess
    const bobTags = lines
      .flatMap((l) => l.resources as { type: string; name?: string; tags?: unknown }[])
      .filter((r) => r.type === 'AWS::IAM::User' && r.name === 'bob')
      .map((r) => r.tags);
    expect(bobTags.length).toBeGreaterThan(0);
    for (const tags of bobTags) {
      expect(tags).toEqual([
        { name: 'team', value: 'platform' },
        { name: 'OWNER', value: 'bob@example.com' },
      ]);
    }
    const everything = JSON.stringify(lines);
    expect(everything).not.toContain('CC-4821');
    expect(everything).not.toContain('078-05-1120');
  });

  it('renders a report alone (the command line has no inventory) as valid findings, one per line', async () => {
    // Prepare
    const report = await audit({});
    // Act
    const text = renderOcsfJsonLines(report);
    // Assess
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(report.findings.length);
    for (const line of lines) expect(schema.validate(JSON.parse(line), DETECTION_FINDING)).toEqual([]);
    expect(renderOcsfJsonLines({ ...report, findings: [] })).toBe('');
  });

  it('fails events the schema does not allow, so a passing validation means something', async () => {
    // Prepare
    const report = await audit({});
    const [valid] = toOcsfFindings(report, { region: REGION });
    if (!valid) throw new Error('no finding');
    const broken = (change: (event: Record<string, unknown>) => void) => {
      const event = structuredClone(valid);
      change(event);
      return schema.validate(event, DETECTION_FINDING);
    };
    // Act
    const problems = {
      missingFindingInfo: broken((e) => delete e.finding_info),
      unknownAttribute: broken((e) => Object.assign(e, { compliance_status: 'FAILED' })),
      unknownSeverity: broken((e) => Object.assign(e, { severity_id: 42 })),
      wrongCaption: broken((e) => Object.assign(e, { severity: 'Severe' })),
      wrongType: broken((e) => Object.assign(e, { time: NOW })),
      profileNotDeclared: broken((e) =>
        Object.assign(e, { metadata: { ...(e.metadata as object), profiles: [] } }),
      ),
      wrongClass: broken((e) => Object.assign(e, { type_uid: 200301 })),
      missingUidInside: broken((e) => Object.assign(e, { finding_info: { title: 'no uid' } })),
    };
    // Assess
    for (const [what, found] of Object.entries(problems)) expect(found, what).not.toEqual([]);
  });
});
