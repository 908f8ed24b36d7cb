import { IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectFromCredentialReport } from '../../src/collect/credential-report-collector.js';
import { CredentialReportUnavailableError } from '../../src/collect/credential-report-fetch.js';
import { buildCredentialReportCsv, type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';

const ACME = 'events/sandbox/acme.json';
const HOUR_MS = 3_600_000;
let sandbox: RunningSandbox;
let iam: IAMClient;

const deps = (overrides: { maxWaitMs?: number; maxAgeMs?: number } = {}) => ({
  iam,
  clock: () => sandbox.state.clock.now(),
  maxAgeMs: overrides.maxAgeMs ?? 4 * HOUR_MS,
  maxWaitMs: overrides.maxWaitMs ?? 10_000,
  concurrency: 4,
  // The collector's pauses pass on the sandbox clock: no real waiting.
  sleep: async (ms: number) => sandbox.state.clock.advance(ms),
});

const iamCalls = () => sandbox.state.calls().services.iam?.actions ?? {};

async function failure(call: Promise<unknown>): Promise<Error> {
  try {
    await call;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected the collector to fail, but it succeeded');
}

describe('Function: collectFromCredentialReport', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: ACME });
    iam = new IAMClient({ region: 'us-east-1', endpoint: sandbox.url, maxAttempts: 1 });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
  });

  it('reads the whole account in a handful of calls: keys by slot, tags and paths, the root key', async () => {
    // Act
    const result = await collectFromCredentialReport(deps(), { accountId: '111111111111' });
    // Assess
    expect(result.complete).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.generatedAt).toEqual(new Date('2026-11-20T00:00:00Z'));
    expect(result.users.filter((u) => !u.isRoot)).toHaveLength(22);
    const judy = result.users.find((u) => u.userName === 'judy');
    expect(judy?.keys).toEqual([
      expect.objectContaining({
        accessKeyId: null,
        slot: 1,
        status: 'Active',
        createDate: new Date('2026-08-01T09:00:00Z'),
      }),
      expect.objectContaining({
        accessKeyId: null,
        slot: 2,
        status: 'Active',
        createDate: new Date('2026-11-01T09:00:00Z'),
      }),
    ]);
    const breakGlass = result.users.find((u) => u.userName === 'break-glass');
    expect(breakGlass?.path).toBe('/system/');
    expect(breakGlass?.tags['key-hygiene:exempt']).toBe('true');
    expect(result.users.find((u) => u.userName === 'oscar')?.keys.map((k) => k.status)).toEqual([
      'Inactive',
      'Active',
    ]);
    const root = result.users.find((u) => u.isRoot);
    expect(root?.keys).toEqual([
      {
        accessKeyId: null,
        slot: 1,
        status: 'Active',
        createDate: new Date('2019-01-01T00:00:00Z'),
        lastUsed: null,
      },
    ]);
    // Generate (STARTED), Generate (COMPLETE), Get, and one page of authorization details.
    expect(Object.fromEntries(Object.entries(iamCalls()).map(([action, s]) => [action, s.total]))).toEqual({
      GenerateCredentialReport: 2,
      GetCredentialReport: 1,
      GetAccountAuthorizationDetails: 1,
    });
  });

  it('reads quoted fields and extra columns by header name, and reports a missing root row', async () => {
    // Prepare: a new column with awkward quoted values, the columns reordered, no root row.
    const [header = '', ...rows] = buildCredentialReportCsv(sandbox.state.defaultAccount)
      .trimEnd()
      .split('\n');
    const reorder = (line: string, extra: string) => {
      const fields = line.split(',');
      return [extra, ...fields.slice(1), fields[0]].join(',');
    };
    const csv = [
      reorder(header, 'note'),
      ...rows
        .filter((row) => !row.startsWith('<root_account>'))
        .map((row, i) => reorder(row, `"line ${i}, with ""quotes""\nand a break"`)),
    ].join('\r\n');
    sandbox.state.credentialReportAid.csv = csv;
    // Act
    const result = await collectFromCredentialReport(deps(), { accountId: '111111111111' });
    // Assess
    expect(result.users.filter((u) => !u.isRoot)).toHaveLength(22);
    expect(result.users.find((u) => u.userName === 'bob')?.keys[0]?.lastUsed).toEqual({
      date: new Date('2026-07-22T14:30:00Z'),
      service: 'ec2',
      region: 'us-west-2',
    });
    expect(result.users.some((u) => u.isRoot)).toBe(false);
    expect(result.errors).toEqual([
      expect.objectContaining({ userName: '<root_account>', code: 'RootRowMissing' }),
    ]);
    expect(result.warnings.join(' ')).toMatch(/no <root_account> row/);
  });

  it('refuses a truncated report with a clear error', async () => {
    // Prepare
    sandbox.state.credentialReportAid.csv = buildCredentialReportCsv(sandbox.state.defaultAccount).slice(
      0,
      900,
    );
    // Act
    const error = await failure(collectFromCredentialReport(deps(), {}));
    // Assess
    expect(error).toBeInstanceOf(CredentialReportUnavailableError);
    expect(error.message).toMatch(/the credential report cannot be used: Row \d+ .* truncated or damaged/);
  });

  it('gives up on a report stuck INPROGRESS after the wait, saying so', async () => {
    // Prepare
    sandbox.state.credentialReportAid.stuck = true;
    // Act
    const error = await failure(collectFromCredentialReport(deps({ maxWaitMs: 60_000 }), {}));
    // Assess
    expect(error).toBeInstanceOf(CredentialReportUnavailableError);
    expect(error.message).toBe(
      'the credential report was still INPROGRESS after 60 s (CREDENTIAL_REPORT_WAIT_SECONDS); raise that setting for a large account',
    );
    // The first call, then one after each pause of the backoff (0.25, 0.5, 1, then 2 s, the last
    // cut to what is left of the minute): 33 pauses on the sandbox clock, none in real time.
    expect(iamCalls().GenerateCredentialReport?.total).toBe(34);
  });

  it('names ReportNotPresent when generation is refused and no report exists', async () => {
    // Prepare
    sandbox.state.credentialReportAid.refuseGeneration = true;
    // Act
    const error = await failure(collectFromCredentialReport(deps(), {}));
    // Assess
    expect(error).toBeInstanceOf(CredentialReportUnavailableError);
    expect(error.message).toMatch(
      /^GenerateCredentialReport failed \(AccessDenied: .*\) and no credential report exists \(ReportNotPresent\); grant iam:GenerateCredentialReport/,
    );
  });

  it('regenerates a report older than the maximum age', async () => {
    // Prepare
    await collectFromCredentialReport(deps(), {});
    sandbox.state.clock.advance(5 * HOUR_MS);
    // Act
    const result = await collectFromCredentialReport(deps(), {});
    // Assess
    expect(result.generatedAt).toEqual(new Date('2026-11-20T05:00:00Z'));
    expect(result.warnings).toEqual([]);
  });

  it('uses an old report with a warning when IAM refuses to make a new one', async () => {
    // Prepare
    await collectFromCredentialReport(deps(), {});
    sandbox.state.clock.advance(5 * HOUR_MS);
    sandbox.state.credentialReportAid.refuseGeneration = true;
    // Act
    const refused = await collectFromCredentialReport(deps(), {});
    sandbox.state.credentialReportAid.refuseGeneration = false;
    // IAM keeps a report for four hours, so a maximum age of one hour cannot be met either.
    const renewed = await collectFromCredentialReport(deps({ maxAgeMs: HOUR_MS }), {});
    sandbox.state.clock.advance(2 * HOUR_MS);
    const kept = await collectFromCredentialReport(deps({ maxAgeMs: HOUR_MS }), {});
    // Assess
    expect(refused.generatedAt).toEqual(new Date('2026-11-20T00:00:00Z'));
    expect(refused.warnings).toEqual([
      expect.stringMatching(/^GenerateCredentialReport failed \(AccessDenied/),
      'the credential report is 5 hours old, older than CREDENTIAL_REPORT_MAX_AGE_HOURS (4), and IAM refused to generate a new one; every planned action is still checked on live data',
    ]);
    expect(renewed.generatedAt).toEqual(new Date('2026-11-20T05:00:00Z'));
    expect(kept.generatedAt).toEqual(new Date('2026-11-20T05:00:00Z'));
    expect(kept.warnings).toEqual([
      'the credential report is 2 hours old, older than CREDENTIAL_REPORT_MAX_AGE_HOURS (1), and IAM returned it again instead of a new one (it makes at most one every 4 hours); every planned action is still checked on live data',
    ]);
  });
});
