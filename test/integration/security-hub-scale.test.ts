import { type AwsSecurityFinding, GetFindingsCommand } from '@aws-sdk/client-securityhub';
import { afterEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { type AwsClients, createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { renderOcsfJsonLines } from '../../src/export/ocsf.js';
import type { AuditReport } from '../../src/model.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { asffProblem } from '../../src/sandbox/securityhub.js';
import { OcsfSchema } from '../support/ocsf-schema.js';
import { sandboxAuditDeps } from '../support/sandbox-lifecycle.js';

const REGION = 'us-east-1';
const NOW = '2026-11-20T03:00:00.000Z';
const OLD = '2025-01-01T00:00:00Z';
const running: RunningSandbox[] = [];

afterEach(async () => {
  for (const sandbox of running.splice(0)) await sandbox.close();
});

async function sandboxWith(
  options: Parameters<typeof startSandbox>[0],
): Promise<[RunningSandbox, AwsClients]> {
  const sandbox = await startSandbox(options);
  running.push(sandbox);
  sandbox.state.clock.set(NOW);
  const clients = createClients({
    endpoint: sandbox.url,
    region: REGION,
    credentials: { accessKeyId: 'AKIAUNKNOWNCALLER001', secretAccessKey: 'sandbox-placeholder' },
    maxAttempts: 1,
  });
  return [sandbox, clients];
}

function audit(
  sandbox: RunningSandbox,
  clients: AwsClients,
  env: Record<string, string> = {},
): Promise<AuditReport> {
  return runAudit(sandboxAuditDeps(sandbox, clients, { region: REGION }), {
    settings: loadSettings({ SECURITY_HUB: 'on', ...env }),
  });
}

async function everyFinding(clients: AwsClients): Promise<AwsSecurityFinding[]> {
  const found: AwsSecurityFinding[] = [];
  let token: string | undefined;
  do {
    const page = await clients.securityHub.send(new GetFindingsCommand({ NextToken: token }));
    found.push(...(page.Findings ?? []));
    token = page.NextToken;
  } while (token);
  return found;
}

/** `count` users, each with one active key last used long ago: one unused-key and one rotation finding each. */
function staleUsers(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `user-${String(i).padStart(3, '0')}`,
    createDate: OLD,
    accessKeys: [
      {
        id: `AKIASTALE${String(i).padStart(11, '0')}`,
        status: 'Active' as const,
        createDate: OLD,
        lastUsed: { date: '2025-06-01T00:00:00Z', service: 's3', region: 'us-east-1' },
      },
    ],
  }));
}

describe('Security Hub export at scale and with hostile data', () => {
  it('sends 250 findings in batches of at most 100, and archives 250 in batches the next night', async () => {
    // Prepare: 125 stale users, two findings each (and the blast-radius cap's finding: 250 planned)
    const [sandbox, clients] = await sandboxWith({
      fixture: { now: NOW, accounts: [{ id: '111111111111', alias: 'big', users: staleUsers(125) }] },
    });
    // Act
    const report = await audit(sandbox, clients);
    const imports = sandbox.state.calls().services.securityhub?.actions.BatchImportFindings;
    const stored = await everyFinding(clients);
    // the keys are all exempted before the next night: every finding is archived
    sandbox.state.clock.set('2026-11-21T03:00:00.000Z');
    const next = await audit(sandbox, clients, { EXEMPT_USERS: 'user-*' });
    const afterNext = await everyFinding(clients);
    const importsAfter = sandbox.state.calls().services.securityhub?.actions.BatchImportFindings;
    // Assess
    expect(report.findings.filter((f) => f.userName !== null)).toHaveLength(250);
    expect(report.findings).toHaveLength(251);
    expect(report.errors).toEqual([]);
    expect(imports).toMatchObject({ total: 3, errors: 0 });
    expect(stored).toHaveLength(251);
    expect(next.findings).toHaveLength(0);
    expect(next.errors).toEqual([]);
    expect(importsAfter).toMatchObject({ total: 6, errors: 0 });
    expect(afterNext.every((f) => f.RecordState === 'ARCHIVED' && f.Compliance?.Status === 'PASSED')).toBe(
      true,
    );
  });

  it('keeps hostile user names and tags intact in Security Hub and in the OCSF lines, and both stay valid', async () => {
    // Prepare: a name with every character IAM allows besides letters, and tags a careless admin
    // might write (the fixture, like IAM through a careless tool, takes any text there), on the
    // keys a finding carries (key-hygiene's own and the team)
    const name = 'eve+ops=root,admin.x@evil-corp_1';
    const tags = {
      team: '<script>alert("pwned")</script> "quoted" \\ back\nCRITICAL (0)\n\u202Eevil\u2028 \t 漢字 🔑',
      'key-hygiene:note': 'ü漢🔑'.repeat(64),
      'key-hygiene:exempt-reason': 'nothing here is an exemption',
    };
    const [sandbox, clients] = await sandboxWith({
      fixture: {
        now: NOW,
        accounts: [
          {
            id: '111111111111',
            alias: 'hostile',
            users: [
              {
                name,
                createDate: OLD,
                tags,
                accessKeys: [
                  {
                    id: 'AKIAHOSTILE000000001',
                    status: 'Active',
                    createDate: OLD,
                    lastUsed: { date: '2025-06-01T00:00:00Z', service: 's3', region: 'us-east-1' },
                  },
                ],
              },
            ],
          },
        ],
      },
    });
    // Act
    const report = await audit(sandbox, clients, { INVENTORY_SOURCE: 'live' });
    const stored = await everyFinding(clients);
    const lines = renderOcsfJsonLines(report, { region: REGION })
      .split('\n')
      .filter((l) => l !== '');
    // Assess
    expect(report.errors).toEqual([]);
    expect(stored).toHaveLength(report.findings.length);
    expect(stored.length).toBeGreaterThan(0);
    for (const finding of stored) {
      expect(finding.Title).toContain(name);
      expect(finding.Description).toContain(name);
      const [key, user] = finding.Resources ?? [];
      expect(key?.Details?.AwsIamAccessKey?.PrincipalName).toBe(name);
      expect(user).toMatchObject({
        Type: 'AwsIamUser',
        Tags: tags,
        Details: { AwsIamUser: { UserName: name } },
      });
      expect(asffProblem(finding as unknown as Record<string, unknown>)).toBeNull();
    }
    const schema = new OcsfSchema(new URL('../fixtures/ocsf-schema-1.8.0/', import.meta.url));
    expect(lines).toHaveLength(report.findings.length);
    for (const line of lines) {
      const event = JSON.parse(line) as { resources: { name: string }[] };
      expect(event.resources[1]?.name).toBe(name);
      expect(schema.validate(event, 'events/findings/detection_finding.json')).toEqual([]);
    }
  });
});
