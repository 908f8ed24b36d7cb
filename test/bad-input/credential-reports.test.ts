import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { loadSettings } from '../../src/config/settings.js';
import { buildCredentialReportCsv, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  ACME_ACCOUNT,
  auditDeps,
  callStats,
  enforce,
  type RecordingLogger,
  resetSandbox,
} from '../support/fault-audit.js';

let sandbox: RunningSandbox;
let goodCsv: string;

/** Pseudo-random bytes from a fixed seed, read as text the way a broken download would be. */
function garbage(length: number): string {
  let state = 42;
  let text = '';
  for (let i = 0; i < length; i++) {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    text += String.fromCharCode(state % 256);
  }
  return text;
}

/** Bad credential reports: each makes the audit fall back to the live API, saying why. */
const CASES: readonly { name: string; csv: () => string; why: RegExp }[] = [
  { name: 'an empty report', csv: () => '', why: /The credential report is empty/ },
  {
    name: 'a wrong header',
    csv: () => `name,arn,created\nbob,arn:aws:iam::111111111111:user/bob,2024-01-01T00:00:00+00:00\n`,
    why: /header lacks user, .*it is not a credential report or is damaged/,
  },
  {
    name: 'a report truncated mid-row',
    csv: () => goodCsv.slice(0, Math.floor(goodCsv.length * 0.6)),
    why: /Row \d+ of the credential report has \d+ fields where the header has 22; the report is truncated or damaged/,
  },
  {
    name: 'binary garbage',
    csv: () => garbage(4096),
    why: /header lacks user, arn, .*it is not a credential report or is damaged/,
  },
  {
    name: 'a garbled boolean',
    csv: () => goodCsv.replace(/^(bob,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,)true/m, '$1yes'),
    why: /access_key_1_active of bob \(row \d+\) is "yes", not true or false; the report is damaged/,
  },
  {
    name: 'a garbled date',
    csv: () => goodCsv.replace(/^(bob,[^,]*,)[^,]*/m, '$1last tuesday'),
    why: /user_creation_time of bob \(row \d+\) is "last tuesday", not a date/,
  },
  {
    name: 'an unterminated quote',
    csv: () => goodCsv.replace(/^bob,/m, '"bob,'),
    why: /The credential report is not valid CSV/,
  },
  {
    name: 'a user listed twice',
    csv: () => {
      const bob = goodCsv.split('\n').find((line) => line.startsWith('bob,')) ?? '';
      return `${goodCsv.trimEnd()}\n${bob}\n`;
    },
    why: /User bob appears twice in the credential report/,
  },
];

describe('Bad input: credential reports', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: 'events/sandbox/acme.json' });
    const account = sandbox.state.account(ACME_ACCOUNT);
    if (!account) throw new Error('acme is missing from the sandbox');
    goodCsv = buildCredentialReportCsv(account);
  });

  afterAll(async () => {
    await sandbox.close();
  });

  beforeEach(async () => {
    await resetSandbox(sandbox.url);
  });

  it('audits from the good report without falling back (the cases below differ only by their CSV)', async () => {
    // Prepare
    await fetch(`${sandbox.url}/_sandbox/credential-report`, {
      method: 'POST',
      body: JSON.stringify({ csv: goodCsv }),
    });
    // Act
    const report = await enforce(sandbox.url, ACME_ACCOUNT, { env: { MODE: 'report' } });
    // Assess
    expect(report.source.kind).toBe('credential-report');
  });

  it.each(CASES)(
    'falls back to the live API on $name, with a warning that says why',
    async ({ csv, why }) => {
      // Prepare
      await fetch(`${sandbox.url}/_sandbox/credential-report`, {
        method: 'POST',
        body: JSON.stringify({ csv: csv() }),
      });
      const deps = await auditDeps(sandbox.url, ACME_ACCOUNT);
      // Act
      const report = await runAudit(deps, { settings: loadSettings({ MODE: 'report' }) });
      // Assess: the live path ran and found what it always finds; the reason is in the report and the log.
      expect(report.source.kind).toBe('live-api');
      expect(report.source.reason).toMatch(why);
      expect(report.source.reason).toMatch(/fell back to the live IAM API/);
      expect(report.actions.filter((a) => a.status === 'planned')).toHaveLength(6);
      const warnings = (deps.logger as RecordingLogger).lines.filter((line) => line.level === 'warn');
      expect(warnings.map((line) => String(line.extra.message))).toEqual([expect.stringMatching(why)]);
      const stats = await callStats(sandbox.url);
      for (const mutation of ['UpdateAccessKey', 'TagUser', 'UntagUser', 'DeleteAccessKey']) {
        expect(stats.services.iam?.actions[mutation], mutation).toBeUndefined();
      }
      expect(stats.services.sns).toBeUndefined();
    },
  );
});
