import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetAccessKeyLastUsedCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCsvRecords } from '../../src/collect/csv.js';
import { OCSF_VERSION } from '../../src/export/ocsf.js';
import { CSV_COLUMNS } from '../../src/render/csv.js';
import { auditReportSchema } from '../../src/report/schema.js';
import { operatorEnv, REPO_ROOT, runKeyHygiene } from '../support/cli-process.js';
import { OcsfSchema } from '../support/ocsf-schema.js';
import { ACCOUNT_ID, AUDITOR_KEY, KEYS, relativeFixture, TOPIC_ARN } from '../support/relative-fixture.js';
import { keyStatuses, useSandbox } from '../support/sandbox-lifecycle.js';

// The built command as a person runs it (`npx key-hygiene ...` is `node bin/key-hygiene.js ...`),
// a subprocess with no terminal, against the sandbox, with AWS profiles from temporary files.

const env = useSandbox(() => relativeFixture());
let home: string;

/** Writes `~/.aws/config` and `~/.aws/credentials` in a temporary home, pointed at by the AWS_* variables. */
function awsFiles(config: string, credentials: string): Record<string, string> {
  const configFile = join(home, 'config');
  const credentialsFile = join(home, 'credentials');
  writeFileSync(configFile, config);
  writeFileSync(credentialsFile, credentials);
  return { HOME: home, AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile };
}

/** A profile `audit` with static keys (the auditor's) and a region, as `aws configure` writes it. */
function auditProfile(accessKeyId = AUDITOR_KEY): Record<string, string> {
  return awsFiles(
    '[profile audit]\nregion = us-east-1\n',
    `[audit]\naws_access_key_id = ${accessKeyId}\naws_secret_access_key = not-a-real-secret\n`,
  );
}

function sandboxFlags(): string[] {
  return ['--endpoint-url', env.sandbox.url];
}

// NOTICES=off: written before notices, these expect enforce to act on the first run (test/notices/).
const commandEnv = (extra: Record<string, string>) =>
  operatorEnv({ REPORT_TOPIC_ARN: TOPIC_ARN, NOTICES: 'off', ...extra });

/** When the key was last used, as IAM tells it. */
async function lastUsed(accessKeyId: string): Promise<Date | undefined> {
  const { AccessKeyLastUsed } = await env.iam.send(
    new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }),
  );
  return AccessKeyLastUsed?.LastUsedDate;
}

const MINUTE = 60_000;

describe('Command line: key-hygiene as a subprocess', { timeout: 120_000 }, () => {
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'key-hygiene-cli-'));
  });
  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
  });

  it('shows examples and the exit codes in each subcommand --help, exit code 0', async () => {
    // Act
    const [top, audit, undo, sandbox] = await Promise.all(
      [['--help'], ['audit', '--help'], ['undo', '--help'], ['sandbox', '--help']].map((args) =>
        runKeyHygiene(args, operatorEnv()),
      ),
    );
    // Assess
    expect(top?.code).toBe(0);
    expect(top?.stdout).toMatch(/audit \[options\][\s\S]*undo \[options\] <runId>[\s\S]*sandbox/);
    for (const help of [audit, undo]) {
      expect(help?.code).toBe(0);
      expect(help?.stdout).toContain('Examples:');
      expect(help?.stdout).toMatch(/Exit codes:\n {2}0 [^\n]*\n {2}1 [\s\S]*\n {2}2 [^\n]*\n {2}3 /);
    }
    expect(audit?.stdout).toMatch(/--profile <name>[\s\S]*--role-arn <arn>[\s\S]*--external-id <id>/);
    expect(audit?.stdout).toContain('key-hygiene audit --fail-on high');
    expect(sandbox?.code).toBe(0);
    expect(sandbox?.stdout).toMatch(/^Usage: key-hygiene sandbox[\s\S]*Examples:/);
  });

  it('signs with the --profile of the shared files, its region too, and prints JSON that parses as the report', async () => {
    // Prepare
    const files = auditProfile(KEYS.fresh);
    const before = Date.now();
    // Act
    const result = await runKeyHygiene(
      ['audit', '--profile', 'audit', ...sandboxFlags(), '--output', 'json'],
      commandEnv(files),
    );
    // Assess
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const report = auditReportSchema.parse(JSON.parse(result.stdout));
    expect(report.accountId).toBe(ACCOUNT_ID);
    expect(report.summary.usersAudited).toBeGreaterThan(5);
    // The sandbox records a key's use when a request is signed with it: the profile's key was used.
    expect((await lastUsed(KEYS.fresh))?.getTime()).toBeGreaterThan(before - 20 * MINUTE);
  });

  it("runs a profile's credential_process, as the AWS CLI does", async () => {
    // Prepare
    const script = join(home, 'credentials.cjs');
    writeFileSync(
      script,
      `process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: '${KEYS.twinNew}', SecretAccessKey: 'x' }));`,
    );
    const files = awsFiles(
      `[profile tooling]\nregion = us-east-1\ncredential_process = ${process.execPath} ${script}\n`,
      '',
    );
    const before = Date.now();
    // Act
    const result = await runKeyHygiene(
      ['audit', '--profile', 'tooling', ...sandboxFlags(), '--users', 'stale-sam'],
      commandEnv(files),
    );
    // Assess
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^KEY-HYGIENE AUDIT\n/);
    expect((await lastUsed(KEYS.twinNew))?.getTime()).toBeGreaterThan(before - 20 * MINUTE);
  });

  it('assumes --role-arn with --external-id first, then audits as that role', async () => {
    // Prepare
    const files = auditProfile();
    const roleArn = `arn:aws:iam::${ACCOUNT_ID}:role/key-hygiene-audit`;
    // Act
    const result = await runKeyHygiene(
      ['audit', '--profile', 'audit', '--role-arn', roleArn, '--external-id', 'acme', ...sandboxFlags()],
      commandEnv(files),
    );
    // Assess
    expect(result.code, result.stderr).toBe(0);
    const sessions = [...env.sandbox.state.sessions.values()];
    expect(sessions.map((s) => [s.roleArn, s.sessionName, s.externalId])).toEqual([
      [roleArn, 'key-hygiene-cli', 'acme'],
    ]);
    expect(result.stdout).toContain(`Account ${ACCOUNT_ID}`);
  });

  it('writes text, CSV and HTML that parse back, to stdout or to --out FILE', async () => {
    // Prepare
    const files = auditProfile();
    const htmlFile = join(home, 'report.html');
    // Act
    const [text, csv, html] = await Promise.all([
      runKeyHygiene(['audit', '--profile', 'audit', ...sandboxFlags()], commandEnv(files)),
      runKeyHygiene(['audit', '--profile', 'audit', ...sandboxFlags(), '--output', 'csv'], commandEnv(files)),
      runKeyHygiene(
        ['audit', '--profile', 'audit', ...sandboxFlags(), '--output', 'html', '--out', htmlFile],
        commandEnv(files),
      ),
    ]);
    // Assess: text is the email report, without colours off a terminal
    expect(text?.code).toBe(0);
    expect(text?.stdout).toMatch(/^KEY-HYGIENE AUDIT\n/);
    expect(text?.stdout).toContain(`- stale-sam, ${KEYS.stale} (unused-key)`);
    expect(text?.stdout).not.toContain('\u001b[');
    // CSV: the archive's columns, one row per key
    expect(csv?.code).toBe(0);
    const [header, ...rows] = [...readCsvRecords(csv?.stdout ?? '')];
    expect(header).toEqual([...CSV_COLUMNS]);
    const stale = rows.find((row) => row[1] === KEYS.stale);
    expect(stale?.[0]).toBe('stale-sam');
    expect(rows.length).toBeGreaterThan(10);
    // HTML: the self-contained page, in the file; stdout stays empty
    expect(html?.code).toBe(0);
    expect(html?.stdout).toBe('');
    expect(html?.stderr).toContain(`Wrote ${htmlFile} (html).`);
    const page = readFileSync(htmlFile, 'utf8');
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain(KEYS.stale);
    expect(page).not.toMatch(/<script src=|<link [^>]*href="http/);
  });

  it('writes OCSF Detection Findings with --output ocsf: one valid line per finding of the report', async () => {
    // Prepare
    const files = auditProfile();
    const schema = new OcsfSchema(new URL(`../fixtures/ocsf-schema-${OCSF_VERSION}/`, import.meta.url));
    // Act
    const [ocsf, json] = await Promise.all([
      runKeyHygiene(
        ['audit', '--profile', 'audit', ...sandboxFlags(), '--output', 'ocsf'],
        commandEnv(files),
      ),
      runKeyHygiene(
        ['audit', '--profile', 'audit', ...sandboxFlags(), '--output', 'json'],
        commandEnv(files),
      ),
    ]);
    // Assess
    expect(ocsf?.code).toBe(0);
    const lines = (ocsf?.stdout ?? '')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const report = JSON.parse(json?.stdout ?? '{}') as { findings: unknown[] };
    expect(lines).toHaveLength(report.findings.length);
    for (const line of lines) {
      expect(schema.validate(line, 'events/findings/detection_finding.json')).toEqual([]);
      expect(line).toMatchObject({ class_uid: 2004, cloud: { region: 'us-east-1' } });
    }
    expect(ocsf?.stdout).toContain(KEYS.stale);
  });

  it('exits 2 with --fail-on high when a finding is high or critical, 0 with --fail-on none', async () => {
    // Prepare: the fixture's root user has an access key (critical)
    const files = auditProfile();
    // Act
    const [high, none] = await Promise.all(
      ['high', 'none'].map((level) =>
        runKeyHygiene(
          ['audit', '--profile', 'audit', ...sandboxFlags(), '--fail-on', level],
          commandEnv(files),
        ),
      ),
    );
    // Assess
    expect(high?.code).toBe(2);
    expect(high?.stdout).toContain('CRITICAL (1)');
    expect(none?.code).toBe(0);
  });

  it('exits 3 for an incomplete run, naming each refused action and the permissions table in the docs', async () => {
    // Prepare: the users cannot be listed at all
    const files = auditProfile();
    env.sandbox.faults.add(
      { operation: 'iam:GetAccountAuthorizationDetails', code: 'AccessDenied' },
      { operation: 'iam:ListUsers', code: 'AccessDenied' },
    );
    // Act
    const result = await runKeyHygiene(['audit', '--profile', 'audit', ...sandboxFlags()], commandEnv(files));
    // Assess
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('INCOMPLETE');
    expect(result.stderr).toMatch(
      /iam:ListUsers was refused \(AccessDenied\)\. To audit fully, allow iam:ListUsers .*docs\/deploy\.md, "The role's permissions"/,
    );
  });

  it('signs in through an SSO profile whose session `aws sso login` cached', async () => {
    // Prepare: a current token in ~/.aws/sso/cache, as `aws sso login` leaves it
    const startUrl = 'https://example.awsapps.com/start';
    const cache = join(home, '.aws', 'sso', 'cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(
      join(cache, `${createHash('sha1').update(startUrl).digest('hex')}.json`),
      JSON.stringify({
        startUrl,
        region: 'us-east-1',
        accessToken: 'a-current-token',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    );
    const files = awsFiles(
      `[profile sso-audit]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = ${ACCOUNT_ID}\nsso_role_name = SecurityAudit\nregion = us-east-1\n`,
      '',
    );
    // Act: the portal is the sandbox's by the SDK's own setting for SSO, not by --endpoint-url
    const result = await runKeyHygiene(
      ['audit', '--profile', 'sso-audit', ...sandboxFlags()],
      commandEnv({ ...files, AWS_ENDPOINT_URL_SSO: env.sandbox.url }),
    );
    // Assess: the audit ran as the SSO role session
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Account ${ACCOUNT_ID}`);
    const sessions = [...env.sandbox.state.sessions.values()];
    expect(sessions.map((s) => s.roleArn)).toEqual([`arn:aws:iam::${ACCOUNT_ID}:role/SecurityAudit`]);
  });

  it('never sends the SSO bearer token or a credential request to --endpoint-url', async () => {
    // Prepare: the SSO portal is the sandbox's; --endpoint-url is a server that records what reaches it
    const startUrl = 'https://example.awsapps.com/start';
    const cache = join(home, '.aws', 'sso', 'cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(
      join(cache, `${createHash('sha1').update(startUrl).digest('hex')}.json`),
      JSON.stringify({
        startUrl,
        region: 'us-east-1',
        accessToken: 'the-bearer-token',
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      }),
    );
    const files = awsFiles(
      `[profile sso-audit]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = ${ACCOUNT_ID}\nsso_role_name = SecurityAudit\nregion = us-east-1\n`,
      '',
    );
    const seen: { path: string; headers: string }[] = [];
    const recorder = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: JSON.stringify(req.headers) });
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
    const { port } = recorder.address() as AddressInfo;
    try {
      // Act
      const result = await runKeyHygiene(
        ['audit', '--profile', 'sso-audit', '--endpoint-url', `http://127.0.0.1:${port}`],
        commandEnv({ ...files, AWS_ENDPOINT_URL_SSO: env.sandbox.url }),
      );
      // Assess: the credentials came from the portal; the recorder got only the audit's signed calls
      expect(result.code).toBe(1);
      expect([...env.sandbox.state.sessions.values()].map((s) => s.roleArn)).toEqual([
        `arn:aws:iam::${ACCOUNT_ID}:role/SecurityAudit`,
      ]);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.filter((request) => request.path.startsWith('/federation/'))).toEqual([]);
      expect(seen.filter((request) => /sso_bearer_token|the-bearer-token/i.test(request.headers))).toEqual(
        [],
      );
    } finally {
      await new Promise((resolve) => recorder.close(resolve));
    }
  });

  it('exits 1 with the next step for an expired SSO session: aws sso login --profile NAME', async () => {
    // Prepare: an SSO profile whose cached token expired (the SDK reads ~/.aws/sso/cache)
    const startUrl = 'https://example.awsapps.com/start';
    const cache = join(home, '.aws', 'sso', 'cache');
    mkdirSync(cache, { recursive: true });
    writeFileSync(
      join(cache, `${createHash('sha1').update(startUrl).digest('hex')}.json`),
      JSON.stringify({
        startUrl,
        region: 'us-east-1',
        accessToken: 'expired',
        expiresAt: '2020-01-01T00:00:00Z',
      }),
    );
    const files = awsFiles(
      `[profile sso-dev]\nsso_start_url = ${startUrl}\nsso_region = us-east-1\nsso_account_id = ${ACCOUNT_ID}\nsso_role_name = Audit\nregion = us-east-1\n`,
      '',
    );
    // Act
    const result = await runKeyHygiene(
      ['audit', '--profile', 'sso-dev', ...sandboxFlags()],
      commandEnv(files),
    );
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/SSO session .* expired/);
    expect(result.stderr).toContain('Run `aws sso login --profile sso-dev`, then run this command again.');
    expect(result.stdout).toBe('');
  });

  it('reads IAM through its global endpoint when no region is configured (AWS_REGION empty too), saying so once', async () => {
    // Prepare: a profile without a region, and none in the environment (or an empty one)
    const files = awsFiles(
      '[profile audit]\n',
      `[audit]\naws_access_key_id = ${AUDITOR_KEY}\naws_secret_access_key = x\n`,
    );
    const args = ['audit', '--profile', 'audit', '--output', 'json', ...sandboxFlags()];
    // Act
    const [unset, empty] = await Promise.all([
      runKeyHygiene(args, commandEnv(files)),
      runKeyHygiene(args, commandEnv({ ...files, AWS_REGION: '' })),
    ]);
    // Assess
    for (const result of [unset, empty]) {
      expect(result.stderr).toBe(
        'No region configured: reading IAM through its global endpoint (us-east-1).\n',
      );
      expect(result.code).toBe(0);
      expect(auditReportSchema.parse(JSON.parse(result.stdout)).accountId).toBe(ACCOUNT_ID);
    }
    // Act: an empty AWS_REGION does not hide the profile's region either
    const profiled = await runKeyHygiene(args, commandEnv({ ...auditProfile(), AWS_REGION: '' }));
    // Assess
    expect(profiled).toMatchObject({ code: 0, stderr: '' });
  });

  it('exits 1 naming --region and the flag when a regional service is asked for without a region', async () => {
    // Prepare
    const files = awsFiles(
      '[profile audit]\n',
      `[audit]\naws_access_key_id = ${AUDITOR_KEY}\naws_secret_access_key = x\n`,
    );
    // Act
    const result = await runKeyHygiene(
      ['audit', '--profile', 'audit', '--notify', ...sandboxFlags()],
      commandEnv({ ...files, AWS_REGION: '' }),
    );
    // Assess
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'No AWS region configured, and --notify (SNS) uses a regional AWS service: pass --region, or set AWS_REGION (or a region in profile audit).',
    );
    expect(result.stdout).toBe('');
  });

  it('runs as `npx key-hygiene` from the clone, offline (--no: never from the registry)', async () => {
    // Act
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      execFile(
        'npx',
        ['--no', 'key-hygiene', 'audit', '--help'],
        { cwd: REPO_ROOT, env: operatorEnv(), timeout: 90_000 },
        (error, stdout) => {
          if (error && typeof error.code !== 'number') reject(error);
          else resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout });
        },
      );
    });
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: key-hygiene audit \[options\]/);
  });

  it('answers `npm run audit -- <args>` as `key-hygiene audit <args>`', async () => {
    // Prepare
    const files = auditProfile();
    // Act
    const result = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      execFile(
        'npm',
        ['run', '--silent', 'audit', '--', '--profile', 'audit', ...sandboxFlags(), '--output', 'json'],
        { cwd: REPO_ROOT, env: commandEnv(files), timeout: 90_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout) => {
          if (error && typeof error.code !== 'number') reject(error);
          else resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout });
        },
      );
    });
    // Assess
    expect(result.code).toBe(0);
    expect(auditReportSchema.parse(JSON.parse(result.stdout)).accountId).toBe(ACCOUNT_ID);
  });

  it('refuses enforce without --yes when not on a terminal, and enforces with it', async () => {
    // Prepare
    const files = auditProfile();
    const args = [
      'audit',
      '--profile',
      'audit',
      ...sandboxFlags(),
      '--mode',
      'enforce',
      '--users',
      'stale-sam',
    ];
    // Act
    const refused = await runKeyHygiene(args, commandEnv(files));
    const afterRefusal = await keyStatuses(env.iam, 'stale-sam');
    const confirmed = await runKeyHygiene([...args, '--yes'], commandEnv(files));
    // Assess
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/needs a yes: run it on a terminal to confirm, or pass --yes/);
    expect(afterRefusal[KEYS.stale]).toBe('Active');
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stdout).toContain(`Deactivated (1):\n- stale-sam, ${KEYS.stale} (unused-key)`);
    expect((await keyStatuses(env.iam, 'stale-sam'))[KEYS.stale]).toBe('Inactive');
  });
});
