/**
 * The main job on a fresh machine: start the sandbox with the demo account, run the audit in
 * enforce mode through the same code the Lambda runs, and print what the security team would get.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListAccessKeysCommand, ListUserTagsCommand, paginateListUsers } from '@aws-sdk/client-iam';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { auditAccount } from '../src/audit.js';
import { createClients, createCloudTrailByRegion, signingAccessKeyId } from '../src/aws/clients.js';
import { createOwnerClients } from '../src/aws/owner-clients.js';
import { loadSettings } from '../src/config/settings.js';
import { deliverReport } from '../src/deliver.js';
import { renderHtml } from '../src/render/html.js';
import { renderText } from '../src/render/text.js';
import { buildKeyRows } from '../src/report/key-rows.js';
import { startSandbox } from '../src/sandbox/index.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const FIXTURE = 'events/sandbox/acme.json';
const ACCOUNT_ID = '111111111111';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT_ID}:key-hygiene-demo-reports`;
// The acme fixture's empty bucket; the run archives its full report there before publishing.
const REPORT_BUCKET = 'acme-key-hygiene-reports';
// The fixture's team directory (docs/owners.md): who answers for a team's keys.
const TEAM_DIRECTORY = 'ssm:/key-hygiene/owners/teams';
// The acme fixture's verified SES identity: the owners' notices are emailed from it.
const NOTICE_SENDER = 'key-hygiene@acme.example';
// The demo signs as the fixture's `key-hygiene-auditor` user; the secret is a placeholder the
// sandbox does not check.
const CREDENTIALS = { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'sandbox-placeholder' };

interface PublishedMessage {
  topicArn: string;
  subject: string;
  messageAttributes: Record<string, { DataType: string; StringValue: string }>;
  bodies: Record<string, string>;
}

const rule = (title: string) => `\n${'='.repeat(78)}\n${title}\n${'='.repeat(78)}\n`;

async function main(): Promise<void> {
  const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as { now?: string };
  const sandbox = await startSandbox({ fixture: FIXTURE });
  try {
    const clients = {
      ...createClients({ endpoint: sandbox.url, region: 'us-east-1', credentials: CREDENTIALS }),
      // The team directory and CloudTrail's key creators, as the audit functions read them.
      ...createOwnerClients({ endpoint: sandbox.url, region: 'us-east-1', credentials: CREDENTIALS }),
    };
    const settings = loadSettings({
      MODE: 'enforce',
      REPORT_TOPIC_ARN: TOPIC_ARN,
      REPORT_BUCKET,
      TEAM_DIRECTORY,
      // How each key in use is used, from CloudTrail (the fixture's keys have histories), and the way off.
      EVIDENCE: 'on',
      NOTICE_SENDER,
    });
    // The fixture fixes the sandbox's clock; the audit's clock follows it so the demo reads the same
    // on any day. CloudTrail's pacing waits move it on: 2 lookups a second cost no real time.
    const clock = () => (fixture.now ? sandbox.state.clock.now() : new Date());
    const logger = {
      info: (message: string, extra: Record<string, unknown>) => {
        if (message === 'audit started') console.error(`audit started (${extra.mode}, as of ${extra.asOf})`);
      },
      warn: (message: string, extra: Record<string, unknown>) =>
        console.error(message, JSON.stringify(extra)),
    };
    const deps = {
      ...clients,
      region: 'us-east-1',
      clock,
      evidenceTrail: createCloudTrailByRegion({
        endpoint: sandbox.url,
        region: 'us-east-1',
        credentials: CREDENTIALS,
      }),
      sleep: async (ms: number) => {
        sandbox.state.clock.advance(ms);
      },
      selfAccessKeyId: await signingAccessKeyId(clients.iam),
      logger,
    };

    // The keys as the audit judged them (read before enforce mode changed any): the HTML report's rows.
    const { report, users } = await auditAccount(deps, { settings });
    await deliverReport(deps, settings, report);
    const htmlDir = join(tmpdir(), 'key-hygiene-demo');
    await mkdir(htmlDir, { recursive: true });
    const htmlPath = join(htmlDir, `${report.runId}.html`);
    await writeFile(htmlPath, renderHtml(report, buildKeyRows(users, report)));

    process.stdout.write(rule('The report (as email subscribers receive it)'));
    process.stdout.write(`${renderText(report)}\n`);

    const response = await fetch(`${sandbox.url}/_sandbox/published`);
    const { messages } = (await response.json()) as { messages: PublishedMessage[] };
    process.stdout.write(rule(`The SNS message the sandbox received (${messages.length})`));
    for (const message of messages) {
      // Per-team copies: one line each, the full report above has every detail.
      const team = message.messageAttributes.team?.StringValue;
      if (team !== undefined) {
        process.stdout.write(`Team copy:  ${message.subject} (attribute team = ${team})\n`);
        continue;
      }
      process.stdout.write(`Topic:      ${message.topicArn}\nSubject:    ${message.subject}\n`);
      for (const [name, value] of Object.entries(message.messageAttributes)) {
        process.stdout.write(`Attribute:  ${name} = ${value.StringValue} (${value.DataType})\n`);
      }
      for (const [protocol, body] of Object.entries(message.bodies)) {
        const preview = body.replace(/\s+/g, ' ').slice(0, 90);
        process.stdout.write(`Body ${protocol.padEnd(10)} ${body.length} bytes: ${preview}...\n`);
      }
    }

    // The first enforce night: owners are told, nothing past its threshold is deactivated yet.
    const sent = await fetch(`${sandbox.url}/_sandbox/emails`);
    const { emails } = (await sent.json()) as {
      emails: { to: string[]; subject: string | null; text: string | null }[];
    };
    process.stdout.write(rule(`The owners' notices SES received (${emails.length})`));
    for (const email of emails) process.stdout.write(`To ${email.to.join(', ')}: ${email.subject}\n`);
    const [first] = emails;
    if (first) process.stdout.write(`\nThe first of them, as text:\n\n${first.text}\n`);

    process.stdout.write(rule(`The archive in s3://${REPORT_BUCKET}`));
    for await (const page of paginateListObjectsV2({ client: clients.s3 }, { Bucket: REPORT_BUCKET })) {
      for (const object of page.Contents ?? []) {
        process.stdout.write(
          `${String(object.Size).padStart(8)} bytes  s3://${REPORT_BUCKET}/${object.Key}\n`,
        );
      }
    }

    process.stdout.write(rule('IAM afterwards: inactive keys and why'));
    for await (const page of paginateListUsers({ client: clients.iam }, {})) {
      for (const user of page.Users ?? []) {
        const userName = user.UserName ?? '';
        const { AccessKeyMetadata = [] } = await clients.iam.send(
          new ListAccessKeysCommand({ UserName: userName }),
        );
        const { Tags = [] } = await clients.iam.send(new ListUserTagsCommand({ UserName: userName }));
        for (const key of AccessKeyMetadata.filter((k) => k.Status === 'Inactive')) {
          const why = Tags.find((t) => t.Key === `key-hygiene:deactivated-${key.AccessKeyId}`)?.Value;
          process.stdout.write(
            `${userName.padEnd(22)} ${key.AccessKeyId}  ${why ? `deactivated ${why}` : 'inactive before this run'}\n`,
          );
        }
      }
    }
    process.stdout.write(rule('The HTML report (open it in a browser)'));
    process.stdout.write(`${htmlPath}\n`);
  } finally {
    await sandbox.close();
  }
}

// `npm run demo -- --org`: the organization run instead (scripts/demo-organization.ts).
const demo = process.argv.includes('--org')
  ? import('./demo-organization.js').then((m) => m.organizationDemo())
  : main();
demo.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
