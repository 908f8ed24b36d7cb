/**
 * Audits the demo account (events/sandbox/acme.json) through the sandbox and the real pipeline,
 * and returns the report with the account's key rows: what the HTML report is rendered from.
 * Used by the HTML report's browser test, the screenshot script and the demo.
 */
import { readFile } from 'node:fs/promises';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { auditAccount } from '../src/audit.js';
import { createClients, signingAccessKeyId } from '../src/aws/clients.js';
import { createOwnerClients } from '../src/aws/owner-clients.js';
import { loadSettings } from '../src/config/settings.js';
import type { AuditReport } from '../src/model.js';
import { buildKeyRows, type KeyRow } from '../src/report/key-rows.js';
import type { FaultRule } from '../src/sandbox/faults.js';
import type { FixtureInput } from '../src/sandbox/fixture.js';
import { startSandbox } from '../src/sandbox/index.js';

export const ACME_FIXTURE = 'events/sandbox/acme.json';
export const ACME_ACCOUNT_ID = '111111111111';
const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACME_ACCOUNT_ID}:key-hygiene-demo-reports`;
/** The fixture's team directory (an SSM String parameter). */
export const ACME_TEAM_DIRECTORY = 'ssm:/key-hygiene/owners/teams';
// The fixture's `key-hygiene-auditor` user; the secret is a placeholder the sandbox does not check.
const CREDENTIALS = { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'sandbox-placeholder' };

export interface AcmeAuditOptions {
  /** Changes the fixture before the sandbox starts (a test adds hostile tag values). */
  edit?: (fixture: FixtureInput) => FixtureInput;
  /** Settings environment on top of `MODE=report`. */
  env?: Record<string, string>;
  /** Fault rules the sandbox answers with (a permission never granted). */
  faults?: readonly FaultRule[];
}

/** The acme fixture as an object, to edit before starting a sandbox with it. */
export async function loadAcmeFixture(): Promise<FixtureInput> {
  return JSON.parse(await readFile(ACME_FIXTURE, 'utf8')) as FixtureInput;
}

/**
 * Runs one report-mode audit of the acme account in a fresh sandbox, at the fixture's fixed clock;
 * the rows are built from the users the audit itself judged, as its archived HTML report is.
 *
 * @example
 * const { report, rows } = await auditAcme();
 * renderHtml(report, rows);
 */
export async function auditAcme(
  options: AcmeAuditOptions = {},
): Promise<{ report: AuditReport; rows: KeyRow[] }> {
  const loaded = await loadAcmeFixture();
  const fixture = options.edit ? options.edit(loaded) : loaded;
  const now = (fixture as { now?: string }).now;
  const sandbox = await startSandbox({ fixture });
  sandbox.faults.add(...(options.faults ?? []));
  try {
    const clients = {
      ...createClients({ endpoint: sandbox.url, region: 'us-east-1', credentials: CREDENTIALS }),
      // The team directory and CloudTrail's key creators, as the audit functions read them.
      ...createOwnerClients({ endpoint: sandbox.url, region: 'us-east-1', credentials: CREDENTIALS }),
    };
    const settings = loadSettings({
      MODE: 'report',
      REPORT_TOPIC_ARN: TOPIC_ARN,
      TEAM_DIRECTORY: ACME_TEAM_DIRECTORY,
      ...options.env,
    });
    // With evidence on, CloudTrail is read by region; its pacing waits move the sandbox clock (which
    // starts at the fixture's now), so the 2 lookups a second cost no real time.
    const evidence =
      settings.evidence === 'on'
        ? {
            clock: () => sandbox.state.clock.now(),
            evidenceTrail: (region: string) =>
              new CloudTrailClient({ region, endpoint: sandbox.url, credentials: CREDENTIALS }),
            sleep: async (ms: number) => {
              sandbox.state.clock.advance(ms);
            },
          }
        : {};
    // The users as the audit judged them: findings name keys as it did (by slot where the
    // credential report was all it read of a user), so every finding meets its key's row.
    const { report, users } = await auditAccount(
      {
        ...clients,
        region: 'us-east-1',
        clock: () => (now ? new Date(now) : new Date()),
        ...evidence,
        selfAccessKeyId: await signingAccessKeyId(clients.iam),
        logger: { info: () => {}, warn: () => {} },
      },
      { settings },
    );
    return { report, rows: buildKeyRows(users, report) };
  } finally {
    await sandbox.close();
  }
}
