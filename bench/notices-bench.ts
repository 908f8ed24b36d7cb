/**
 * `npm run bench -- --only notices`: what the owners' notices cost on a 10,000-user account with
 * 500 flagged keys (unused for 120 days; 450 owned by 90 owners through their `owner` tag, five keys
 * each, and 50 with no owner: the security team's copy on the report topic). Three nights on the
 * sandbox clock: report mode (no notices), the first enforce night (every flagged key noticed,
 * none deactivated) and the next night (the ledger read, nothing due). Counts SES SendEmail, the
 * owner notices on SNS and the ledger's S3 calls (notices/ only; the archive's are apart), and
 * fails when the report path leaves its call budget: at most one SES call per owner per night, and
 * ledger reads no more than one listing page per 1,000 records plus one GetObject per flagged key.
 * Writes the `notices` section of bench/results.md and prints the rows (`--quick`: prints only).
 */
import { readFile, writeFile } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { auditAccount } from '../src/audit.js';
import { createClients } from '../src/aws/clients.js';
import { createOwnerClients } from '../src/aws/owner-clients.js';
import { loadSettings } from '../src/config/settings.js';
import { type FixtureInput, startSandbox } from '../src/sandbox/index.js';
import { withSection } from './results-sections.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const NOW = '2026-11-20T00:00:00Z';
const ACCOUNT = '123456789012';
const USERS = 10_000;
const FLAGGED = 500;
const UNOWNED = 50;
const KEYS_PER_OWNER = 5;
const OWNERS = (FLAGGED - UNOWNED) / KEYS_PER_OWNER;
const BUCKET = 'bench-reports';
const SENDER = 'key-hygiene@bench.example';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:key-hygiene-reports`;
const AUDITOR = { accessKeyId: 'AKIABENCHNOTICES0001', secretAccessKey: 'sandbox-placeholder' };
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * DAY).toISOString();
const keyId = (prefix: string, i: number) => `AKIA${prefix}${String(i).padStart(16 - prefix.length, '0')}`;

function fixture(): FixtureInput {
  // Keys 60 days old: younger than rotation-overdue's 90, so only the stale ones have a finding.
  const user = (name: string, id: string, lastUsedDays: number, tags?: Record<string, string>) => ({
    name,
    createDate: daysAgo(200),
    ...(tags ? { tags } : {}),
    accessKeys: [
      {
        id,
        status: 'Active' as const,
        createDate: daysAgo(lastUsedDays > 60 ? 150 : 60),
        lastUsed: { date: daysAgo(lastUsedDays), service: 's3', region: 'us-east-1' },
      },
    ],
  });
  const owner = (i: number) => ({ owner: `owner-${Math.floor(i / KEYS_PER_OWNER)}@bench.example` });
  return {
    now: NOW,
    accounts: [
      {
        id: ACCOUNT,
        buckets: [{ name: BUCKET }],
        topics: [{ name: 'key-hygiene-reports' }],
        ses: { identities: [SENDER] },
        users: [
          {
            name: 'bench-auditor',
            createDate: daysAgo(30),
            accessKeys: [
              { id: AUDITOR.accessKeyId, status: 'Active', createDate: daysAgo(30), lastUsed: null },
            ],
          },
          ...Array.from({ length: FLAGGED }, (_, i) =>
            user(`stale-${i}`, keyId('OLD', i), 120, i < FLAGGED - UNOWNED ? owner(i) : undefined),
          ),
          ...Array.from({ length: USERS - FLAGGED - 1 }, (_, i) => user(`svc-${i}`, keyId('USE', i), 1)),
        ],
      },
    ],
  };
}

interface Row {
  label: string;
  flagged: number;
  owners: number;
  sesCalls: number;
  topicNotices: number;
  ledgerList: number;
  ledgerGet: number;
  ledgerPut: number;
  deactivated: number;
  realSeconds: number;
}

const NIGHTS = [
  { label: 'report mode (no notices)', day: 0, env: { MODE: 'report' } },
  { label: 'first enforce night', day: 0, env: { MODE: 'enforce' } },
  { label: 'next night (nothing due)', day: 1, env: { MODE: 'enforce' } },
] as const;

async function nights(): Promise<Row[]> {
  const sandbox = await startSandbox({ fixture: fixture() });
  try {
    const options = { endpoint: sandbox.url, region: 'us-east-1', credentials: AUDITOR };
    const clients = createClients(options);
    const ledger = { list: 0, get: 0, put: 0 };
    // The ledger's calls, told from the archive's by their key: notices/ only.
    const s3: Pick<S3Client, 'send'> = {
      send: ((command: { constructor: { name: string }; input: { Key?: string; Prefix?: string } }) => {
        const key = command.input.Key ?? command.input.Prefix ?? '';
        if (key.startsWith('notices/')) {
          const name = command.constructor.name;
          if (name === 'ListObjectsV2Command') ledger.list += 1;
          else if (name === 'GetObjectCommand') ledger.get += 1;
          else if (name === 'PutObjectCommand') ledger.put += 1;
        }
        return clients.s3.send(command as never);
      }) as S3Client['send'],
    };
    const deps = {
      ...clients,
      ...createOwnerClients(options),
      s3,
      region: 'us-east-1',
      clock: () => sandbox.state.clock.now(),
      selfAccessKeyId: AUDITOR.accessKeyId,
      logger: { info: () => {}, warn: () => {} },
    };
    const rows: Row[] = [];
    let sesBefore = 0;
    let topicBefore = 0;
    for (const night of NIGHTS) {
      if (night.day > 0) sandbox.state.clock.advance(night.day * DAY);
      Object.assign(ledger, { list: 0, get: 0, put: 0 });
      const settings = loadSettings({
        REPORT_BUCKET: BUCKET,
        REPORT_TOPIC_ARN: TOPIC_ARN,
        NOTICE_SENDER: SENDER,
        // Owners come from their tags here; CloudTrail's key creators are another bench's cost.
        OWNER_TRAIL_PAGES: '0',
        // The live inventory knows every key's id; the credential report's slots are read live only
        // for the keys a capped plan would act on (see docs/owners.md, "Cost").
        INVENTORY_SOURCE: 'live',
        ...night.env,
      });
      const started = performance.now();
      const { report } = await auditAccount(deps, { settings });
      const realSeconds = (performance.now() - started) / 1000;
      const ses = sandbox.state.calls().services.ses?.actions.SendEmail?.total ?? 0;
      const topic = sandbox.state.published.filter(
        (m) => m.messageAttributes.kind?.StringValue === 'owner-notice',
      ).length;
      const flagged = report.findings.filter((f) => f.ruleId === 'unused-key').length;
      const owners = new Set(
        report.findings.flatMap((f) =>
          f.userName !== null && f.ruleId === 'unused-key' && f.notice?.tonight
            ? [f.owner?.emails.join(',') ?? '']
            : [],
        ),
      );
      rows.push({
        label: night.label,
        flagged,
        owners: owners.size,
        sesCalls: ses - sesBefore,
        topicNotices: topic - topicBefore,
        ...{ ledgerList: ledger.list, ledgerGet: ledger.get, ledgerPut: ledger.put },
        deactivated: report.summary.actionsApplied,
        realSeconds,
      });
      sesBefore = ses;
      topicBefore = topic;
    }
    return rows;
  } finally {
    await sandbox.close();
  }
}

/** The budget the report path must stay within; each miss named. */
function budgetMisses(rows: readonly Row[]): string[] {
  return rows.flatMap((r) => {
    const misses: string[] = [];
    // Owners with an address get email; the security team's copy goes to the topic.
    if (r.sesCalls > r.owners) misses.push(`${r.label}: ${r.sesCalls} SES calls for ${r.owners} owners`);
    if (r.topicNotices > 1) misses.push(`${r.label}: ${r.topicNotices} notices on the topic, more than one`);
    const pages = Math.max(1, Math.ceil(r.flagged / 1000));
    if (r.ledgerList > pages || r.ledgerGet > r.flagged) {
      misses.push(
        `${r.label}: ${r.ledgerList} listings and ${r.ledgerGet} reads of the ledger for ${r.flagged} flagged keys`,
      );
    }
    // Two writes a stage: the claim, then the mark sent.
    if (r.ledgerPut > 2 * r.flagged)
      misses.push(`${r.label}: ${r.ledgerPut} ledger writes for ${r.flagged} keys`);
    return misses;
  });
}

function table(rows: readonly Row[]): string {
  const lines = [
    '| night | flagged keys | owners noticed | SES SendEmail | owner notices on SNS | ledger ListObjectsV2 | ledger GetObject | ledger PutObject | deactivated | real time |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${r.flagged} | ${r.owners} | ${r.sesCalls} | ${r.topicNotices} | ${r.ledgerList} | ${r.ledgerGet} | ${r.ledgerPut} | ${r.deactivated} | ${r.realSeconds.toFixed(1)} s |`,
    ),
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const rows = await nights();
  const body = [
    `### Owners' notices: ${USERS.toLocaleString('en')} users, ${FLAGGED} flagged keys (${OWNERS} owners with five keys each, ${UNOWNED} unowned)`,
    '',
    `\`npm run bench -- --only notices\` on Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; the sandbox in the same process.`,
    '',
    table(rows),
  ].join('\n');
  process.stdout.write(`\n${body}\n`);
  const misses = budgetMisses(rows);
  for (const miss of misses) process.stderr.write(`over budget: ${miss}\n`);
  if (misses.length > 0) process.exitCode = 1;
  // A quick sanity run never rewrites a committed results file; nor does one over budget.
  if (process.argv.includes('--quick') || misses.length > 0) return;
  const results = new URL('./results.md', import.meta.url);
  const current = await readFile(results, 'utf8').catch(() => '');
  await writeFile(results, withSection(current, 'notices', body));
  process.stdout.write(`\nWritten to ${results.pathname}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`notices bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
