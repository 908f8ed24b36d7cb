import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { operatorEnv, REPO_ROOT } from '../support/cli-process.js';

// `npm run demo` as a newcomer runs it after `npm ci`: the acme account audited in enforce mode,
// the email report printed. The text wraps at 78 columns, so it is read with whitespace collapsed.

const run = promisify(execFile);

async function demo(...args: string[]): Promise<string> {
  const { stdout } = await run('npm', ['run', '--silent', 'demo', '--', ...args], {
    cwd: REPO_ROOT,
    env: operatorEnv(),
    timeout: 90_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

const collapse = (output: string) => output.replace(/\s+/g, ' ');

/** Each run has its own id (`20261120T000000Z-6b43d1`): the part that differs is masked. */
const maskRunId = (line: string) => line.replace(/(\d{8}T\d{6}Z)-[0-9a-f]{6}/g, '$1-<run>');

/**
 * The `text` blocks of one section of a docs page (from its heading to the next `## `), without
 * their `[... ...]` elisions: the README's short sample and docs/report.md's full one.
 */
function textSamples(page: string, heading: string): string[][] {
  const markdown = readFileSync(new URL(`../../${page}`, import.meta.url), 'utf8');
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no "${heading}" in ${page}`);
  const end = markdown.indexOf('\n## ', start + 1);
  const blocks = [...markdown.slice(start, end < 0 ? undefined : end).matchAll(/```text\n([\s\S]*?)```/g)];
  return blocks.map(([, body = '']) =>
    body
      .trimEnd()
      .split('\n')
      .filter((line) => !line.startsWith('[...')),
  );
}

/** The printed text from one heading up to the next. */
function between(text: string, from: string, to: string): string {
  const start = text.indexOf(from);
  const end = text.indexOf(to, start + 1);
  if (start < 0 || end < 0) throw new Error(`the demo printed no "${from}" followed by "${to}"`);
  return text.slice(start, end);
}

/** The findings of one severity section of the printed report, up to the next section. */
function section(text: string, heading: string): string {
  const start = text.indexOf(` ${heading} (`);
  if (start < 0) throw new Error(`no ${heading} section in the demo's report`);
  const next = text.slice(start + 1).search(/ (CRITICAL|HIGH|MEDIUM|LOW|INFO|EXEMPT) \(\d+\) - /);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

describe('npm run demo', { timeout: 120_000 }, () => {
  let output: string;
  let text: string;

  beforeAll(async () => {
    output = await demo();
    text = collapse(output);
  }, 120_000);

  it('audits the whole acme account and says what it found', () => {
    expect(text).toContain(
      'Account 111111111111 (enforce, as of 2026-11-20): no keys deactivated, 21 findings to review, 3 critical.',
    );
    expect(text).toContain('Audited 22 users and 24 keys (22 active): 21 findings, 2 exemptions, 0 errors.');
  });

  it('tells the owners first on the first enforce night: notices with a deadline, nothing past its threshold deactivated', () => {
    expect(text).toContain(
      "Owners' notices: 6 messages sent tonight (7 key stages). Owners were emailed from key-hygiene@acme.example; keys without an owner address went to the report topic.",
    );
    expect(text).toContain(
      "- frank, AKIAFRANK00000000001: deactivate (unused-key) Why: owner notified 2026-11-20 (tonight's notice); deadline 2026-11-27: not deactivated before then",
    );
    expect(text).toContain(
      'To frank@acme.example: key-hygiene: 1 access key of yours in AWS account 111111111111 will be deactivated unless used',
    );
    expect(text).not.toMatch(/AKIAFRANK00000000001 deactivated 2026-11-20/);
  });

  it('lets an owner answer through the page it serves: the link from her notice shows the key and its deadline, and keeps the key', () => {
    // Assess: the link is the one SES recorded in carol's notice, served on 127.0.0.1
    const answer = between(text, 'The owner answers: carol@acme.example', 'Night of 2026-11-26');
    expect(text).toMatch(/Answer: http:\/\/127\.0\.0\.1:\d+\/\?p=[\w-]+&s=[\w-]+ /);
    expect(answer).toContain(
      'GET 200: what the owner sees An access key you own is due to be deactivated Key: AKIACAROL00000000001 User: carol Account: 111111111111 Last used: 2026-05-03 09:15 UTC (sqs in eu-west-1) Deadline: 2026-11-27 00:00 UTC',
    );
    expect(answer).toContain(
      'POST 200: keep it 30 more days, "Quarterly export job; moving it to a role in December" Key kept The key AKIACAROL00000000001 of carol stays active until 2026-12-20',
    );
  });

  it('reminds the other owners the day before the deadline, not the one who answered, and deactivates nothing', () => {
    const reminder = between(text, 'Night of 2026-11-26', 'Night of 2026-11-27');
    expect(reminder).toContain("Deactivated: 0 Owners' notices: 4 messages; key stages: 5 final-reminder");
    expect(reminder.match(/ To \S+@acme\.example: /g)).toHaveLength(3);
    expect(reminder).not.toContain('carol@acme.example');
  });

  it('at the deadline deactivates the five noticed keys, keeps the snoozed one, and tells their owners what was done', () => {
    const deadline = between(text, 'Night of 2026-11-27', 'The HTML report');
    expect(deadline).toContain(
      "Deactivated: 5 bob AKIABOB0000000000001 erin AKIAERIN000000000001 frank AKIAFRANK00000000001 old-vendor AKIAOLDVENDOR0000001 svc-reporting AKIAREPORTING0000001 Owners' notices: 4 messages; key stages: 5 action",
    );
    expect(
      deadline.match(
        / To \S+@acme\.example: key-hygiene: 1 access key of yours in AWS account 111111111111 \(deactivated: 1\)/g,
      ),
    ).toHaveLength(3);
    expect(deadline).toContain(
      'Kept: carol AKIACAROL00000000001 is Active (snoozed until 2026-12-20 by carol@acme.example (answered 2026-11-20 on the answer page): Quarterly export job; moving it to a role in December)',
    );
    expect(deadline).toMatch(
      /Deactivated: Key: AKIAFRANK00000000001 User: frank .* To get it back: key-hygiene undo 20261127T000000Z-[0-9a-f]{6}/,
    );
  });

  it("leads with the administrator's stale key, raised to critical, naming the privilege and where it comes from", () => {
    // Assess: frank is in the group Admins (AdministratorAccess) and his key has not been used for 162 days
    const critical = section(text, 'CRITICAL');
    expect(critical).toMatch(/^ CRITICAL \(3\) - frank, AKIAFRANK00000000001 \[unused-key\]/);
    expect(critical).toContain(
      'Privilege: admin: AdministratorAccess via group Admins; severity raised from high.',
    );
    expect(section(text, 'HIGH')).toContain(
      '- frank, AKIAFRANK00000000001 [rotation-overdue] Age 654 days, last used 162 days ago via cloudformation in us-east-1. Privilege: admin: AdministratorAccess via group Admins; severity raised from medium.',
    );
  });

  it('reports the quarantined user as an exposed key, critical, and says what to do', () => {
    const critical = section(text, 'CRITICAL');
    expect(critical).toContain(
      '- ci-publisher, access key 1 (created 2026-10-05) [exposed-key] Age 45 days, last used today via ec2 in eu-west-1. Privilege: write: publish-artifacts.',
    );
    expect(critical).toContain(
      'AWS attached AWSCompromisedKeyQuarantineV3 to ci-publisher: one of its keys was found in public.',
    );
    expect(critical).toContain('The AWS Health event AWS_RISK_CREDENTIALS_EXPOSED names the exposed one');
    expect(text).toContain('Subject: [key-hygiene] 111111111111: 3 critical, 21 to review');
  });

  it("names each flagged key's owner and how it was found, and lists the keys nobody owns", () => {
    // Assess: an owner tag, the team directory, the Identity Center session that created the key
    expect(text).toContain('Owner: frank@acme.example (tag:owner).');
    expect(text).toContain('Owner: data-team@acme.example (team-directory:data).');
    expect(text).toContain('Owner: grace.hopper@acme.example (cloudtrail:CreateAccessKey).');
    expect(text).toContain(' UNOWNED KEYS (2) - bob, AKIABOB0000000000001 - erin, AKIAERIN000000000001 ');
  });

  it('weighs each finding by what its user can do, as in a real account: most keep their severity', () => {
    // Assess: the deployer can pass roles to the Lambda functions it creates (raised), developers
    // and analysts keep their rules' severities, and only the vendor left with no policy is lowered
    expect(section(text, 'HIGH')).toMatch(/^ HIGH \(6\) - /);
    expect(section(text, 'HIGH')).toContain(
      '- svc-deployer, access key 1 (created 2024-02-01) [rotation-overdue] Age 1022 days, last used today via sts in us-east-1. Privilege: privilege-escalation: deploy-functions (iam:PassRole with lambda:CreateFunction); severity raised from medium.',
    );
    expect(section(text, 'HIGH')).toContain(
      '- bob, AKIABOB0000000000001 [unused-key] Age 619 days, last used 120 days ago via ec2 in us-west-2. Privilege: write: PowerUserAccess via group Developers. Owner: unowned: the security team (security-team). Notice: sent 2026-11-20 to the report topic; deadline 2026-11-27 (tonight: notice). Controls',
    );
    expect(section(text, 'HIGH')).toContain(
      '- carol, AKIACAROL00000000001 [unused-key] Age 747 days, last used 200 days ago via sqs in eu-west-1. Privilege: read-only: ReadOnlyAccess via group Analysts. Owner: carol@acme.example (tag:owner). Notice: sent 2026-11-20 by email; deadline 2026-11-27 (tonight: notice). Controls',
    );
    expect(section(text, 'MEDIUM')).toMatch(/^ MEDIUM \(9\) - /);
    expect(section(text, 'LOW')).toMatch(/^ LOW \(2\) - /);
    expect(text).not.toContain(' INFO (');
    expect(text.match(/severity raised from/g)).toHaveLength(3);
    const lowered = [...text.matchAll(/- ([\w-]+), \S+ \[([\w-]+)\][^[]*?severity lowered from (\w+)\./g)];
    expect(lowered.map(([, user, rule, from]) => `${user} ${rule} ${from}`)).toEqual([
      'old-vendor unused-key high',
      'old-vendor rotation-overdue medium',
    ]);
  });

  it('says how each key in use is used, from CloudTrail, and the way off it, keys named by slot included', () => {
    // Assess: the CI key (a credential-report slot), the laptop key and the Lambda key
    expect(section(text, 'HIGH')).toContain(
      'Owner: platform@acme.example (tag:owner). Usage: pipeline (100 % of calls from infrastructure or CI tools; tools: Terraform; CI: GitHub Actions). Way off: Replace the key with an IAM OIDC identity provider and a role the pipeline assumes (GitHub Actions). https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html',
    );
    expect(section(text, 'MEDIUM')).toContain(
      'Usage: person (100 % of calls from AWS CLI, Console or browser;',
    );
    expect(section(text, 'MEDIUM')).toContain(
      'Way off: Replace the key with the Lambda function execution role',
    );
  });

  it.each([
    { page: 'README.md', heading: '## What the demo does', count: 1 },
    { page: 'README.md', heading: '## Owners and notices', count: 1 },
    { page: 'docs/report.md', heading: '## What the demo prints', count: 2 },
  ])('prints the samples of $page, line for line', ({ page, heading, count }) => {
    // Prepare
    const printed = output.split('\n').map(maskRunId);
    const samples = textSamples(page, heading);
    // Assess: each sample's lines are printed in that order (elided lines aside)
    expect(samples).toHaveLength(count);
    for (const sample of samples) {
      let at = 0;
      for (const line of sample.map(maskRunId)) {
        const found = printed.indexOf(line, at);
        expect(found, `${page} line not printed by the demo (in this order): ${line}`).toBeGreaterThanOrEqual(
          0,
        );
        at = found + 1;
      }
    }
  });

  it('runs the organization demo too (npm run demo -- --org)', async () => {
    // Act
    const organization = collapse(await demo('--org'));
    // Assess
    expect(organization).toContain(
      '111111111111 acme-prod [audited]: 21 findings (3 critical, 6 high, 9 medium, 3 low), 6 deactivated',
    );
  });
});
