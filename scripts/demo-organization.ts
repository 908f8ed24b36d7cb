/**
 * `npm run demo -- --org`: an organization run on the sandbox. The demo fixture's organization
 * (acme-prod manages acme-dev) gets two more members for the show: one whose member role is missing
 * and one suspended. The run audits every account in enforce mode through the same code as
 * `npm run audit -- --org`, and prints what the security team and the account owners would get.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClients, signingAccessKeyId } from '../src/aws/clients.js';
import { loadSettings } from '../src/config/settings.js';
import { renderOrganizationHtml, renderOrganizationText } from '../src/org/render-organization.js';
import { runOrganizationAudit } from '../src/org/run-organization.js';
import { organizationRunDeps } from '../src/runtime/organization-deps.js';
import { type FixtureInput, startSandbox } from '../src/sandbox/index.js';

const FIXTURE = 'events/sandbox/acme.json';
const TOPIC_ARN = 'arn:aws:sns:us-east-1:111111111111:key-hygiene-demo-reports';
const REPORT_BUCKET = 'acme-key-hygiene-reports';
const CREDENTIALS = { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'sandbox-placeholder' };

const rule = (title: string) => `\n${'='.repeat(78)}\n${title}\n${'='.repeat(78)}\n`;

export async function organizationDemo(): Promise<void> {
  const fixture = JSON.parse(await readFile(FIXTURE, 'utf8')) as FixtureInput & { now: string };
  const extra: FixtureInput['accounts'] = [
    {
      id: '333333333333',
      alias: 'acme-analytics',
      roles: [],
      users: [{ name: 'etl', createDate: '2025-01-01T00:00:00Z' }],
    },
    { id: '444444444444', alias: 'acme-legacy', status: 'SUSPENDED' },
  ];
  const sandbox = await startSandbox({ fixture: { ...fixture, accounts: [...fixture.accounts, ...extra] } });
  try {
    const region = 'us-east-1';
    const options = { endpoint: sandbox.url, region, credentials: CREDENTIALS };
    const clients = createClients(options);
    const settings = loadSettings({
      MODE: 'enforce',
      // The organization demo shows the fan-out and its cap acting on the first night; the owners'
      // notices are the single-account demo's (npm run demo).
      NOTICES: 'off',
      REPORT_TOPIC_ARN: TOPIC_ARN,
      REPORT_BUCKET,
      NOTIFY_ACCOUNTS: 'true',
    });
    const deps = organizationRunDeps(
      {
        ...clients,
        region,
        // The sandbox clock is fixed; the audit follows it so the demo reads the same on any day.
        clock: () => new Date(fixture.now),
        selfAccessKeyId: await signingAccessKeyId(clients.iam),
        logger: { info: () => {}, warn: (message, extra) => console.error(message, JSON.stringify(extra)) },
      },
      options,
    );
    const { report } = await runOrganizationAudit(deps, settings, {
      notify: true,
      onAccount: (outcome) => console.error(`${outcome.accountId} ${outcome.name}: ${outcome.status}`),
    });
    process.stdout.write(rule('The organization report (as email subscribers receive it)'));
    process.stdout.write(renderOrganizationText(report));
    process.stdout.write(rule(`The SNS messages (${sandbox.state.published.length})`));
    for (const message of sandbox.state.published) {
      const attributes = Object.entries(message.messageAttributes)
        .filter(([name]) => ['scope', 'accountId', 'team'].includes(name))
        .map(([name, value]) => `${name}=${value.StringValue}`)
        .join(' ');
      process.stdout.write(`${attributes.padEnd(36)} ${message.subject}\n`);
    }
    const htmlDir = join(tmpdir(), 'key-hygiene-demo');
    await mkdir(htmlDir, { recursive: true });
    const htmlPath = join(htmlDir, `organization-${report.runId}.html`);
    await writeFile(htmlPath, renderOrganizationHtml(report));
    process.stdout.write(rule('The HTML organization report (open it in a browser)'));
    process.stdout.write(`${htmlPath}\n`);
  } finally {
    await sandbox.close();
  }
}
