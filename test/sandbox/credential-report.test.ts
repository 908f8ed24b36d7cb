import {
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  type IAMClient,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREDENTIAL_REPORT_COLUMNS, startSandbox } from '../../src/sandbox/index.js';
import { ACME_FIXTURE, errorOf, iamClient, PROD, useAcmeSandbox } from './helpers.js';

function parseCsv(content: Uint8Array | undefined): Record<string, string>[] {
  const [header = '', ...rows] = new TextDecoder().decode(content).trimEnd().split('\n');
  const columns = header.split(',');
  return rows.map((row) =>
    Object.fromEntries(row.split(',').map((value, i) => [columns[i] ?? `#${i}`, value])),
  );
}

describe('Sandbox credential report', () => {
  const sandbox = useAcmeSandbox();
  let iam: IAMClient;

  beforeAll(() => {
    iam = iamClient(sandbox);
  });

  it('answers ReportNotPresent 410 before any generation', async () => {
    const error = await errorOf(iam.send(new GetCredentialReportCommand({})));
    expect(error).toMatchObject({ name: 'CredentialReportNotPresentException', status: 410 });
  });

  it('answers STARTED first, then COMPLETE', async () => {
    const first = await iam.send(new GenerateCredentialReportCommand({}));
    expect(first.State).toBe('STARTED');
    expect(first.Description).toBeTypeOf('string');
    const second = await iam.send(new GenerateCredentialReportCommand({}));
    expect(second.State).toBe('COMPLETE');
  });

  it('has the 22 documented columns, the root row first and IAM value vocabulary', async () => {
    // Prepare
    await iam.send(new GenerateCredentialReportCommand({}));
    // Act
    const report = await iam.send(new GetCredentialReportCommand({}));
    // Assess
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime).toEqual(new Date('2026-11-20T00:00:00Z'));
    const text = new TextDecoder().decode(report.Content);
    expect(text.split('\n')[0]?.split(',')).toEqual([...CREDENTIAL_REPORT_COLUMNS]);
    expect(CREDENTIAL_REPORT_COLUMNS).toHaveLength(22);
    const rows = parseCsv(report.Content);
    expect(rows).toHaveLength(23);
    expect(rows.every((row) => Object.keys(row).length === 22)).toBe(true);
    expect(rows[0]).toMatchObject({
      user: '<root_account>',
      arn: `arn:aws:iam::${PROD}:root`,
      password_enabled: 'not_supported',
      password_last_changed: 'not_supported',
      password_next_rotation: 'not_supported',
      access_key_1_active: 'true',
      access_key_1_last_rotated: '2019-01-01T00:00:00+00:00',
      access_key_1_last_used_date: 'N/A',
      access_key_2_active: 'false',
      access_key_2_last_rotated: 'N/A',
    });
    const oscar = rows.find((row) => row.user === 'oscar');
    expect(oscar).toMatchObject({
      arn: `arn:aws:iam::${PROD}:user/oscar`,
      user_creation_time: '2023-04-01T00:00:00+00:00',
      password_enabled: 'false',
      access_key_1_active: 'false',
      access_key_1_last_rotated: '2023-05-01T10:00:00+00:00',
      access_key_1_last_used_date: '2024-02-01T10:00:00+00:00',
      access_key_1_last_used_region: 'eu-central-1',
      access_key_1_last_used_service: 'ec2',
      access_key_2_active: 'true',
      access_key_2_last_rotated: '2026-10-01T10:00:00+00:00',
      cert_1_active: 'false',
      cert_1_last_rotated: 'N/A',
    });
    expect(rows.find((row) => row.user === 'erin')).toMatchObject({
      access_key_1_active: 'true',
      access_key_1_last_used_date: 'N/A',
      access_key_1_last_used_service: 'N/A',
    });
    expect(rows.find((row) => row.user === 'peggy')).toMatchObject({
      access_key_1_active: 'false',
      access_key_1_last_rotated: 'N/A',
    });
  });

  it('keeps the snapshot for four hours, then makes a new one', async () => {
    // Prepare
    await iam.send(new GenerateCredentialReportCommand({}));
    await iam.send(
      new UpdateAccessKeyCommand({
        UserName: 'bob',
        AccessKeyId: 'AKIABOB0000000000001',
        Status: 'Inactive',
      }),
    );
    // Act: within four hours IAM returns the last report
    const reused = await iam.send(new GenerateCredentialReportCommand({}));
    const stale = parseCsv((await iam.send(new GetCredentialReportCommand({}))).Content);
    sandbox.state.clock.advance(4 * 60 * 60 * 1000 + 1000);
    const renewed = await iam.send(new GenerateCredentialReportCommand({}));
    const fresh = parseCsv((await iam.send(new GetCredentialReportCommand({}))).Content);
    // Assess
    expect(reused.State).toBe('COMPLETE');
    expect(stale.find((row) => row.user === 'bob')?.access_key_1_active).toBe('true');
    expect(renewed.State).toBe('STARTED');
    expect(fresh.find((row) => row.user === 'bob')?.access_key_1_active).toBe('false');
  });

  it('is INPROGRESS and NotReady until a configured delay has passed', async () => {
    // An hour of delay: no test run lasts that long in real time, so only the clock moves it on.
    const delayMs = 60 * 60 * 1000;
    const slow = await startSandbox({ fixture: ACME_FIXTURE, credentialReportDelayMs: delayMs });
    try {
      const client = iamClient(slow);
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('STARTED');
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('INPROGRESS');
      const notReady = await errorOf(client.send(new GetCredentialReportCommand({})));
      expect(notReady).toMatchObject({ name: 'CredentialReportNotReadyException', status: 404 });
      slow.state.clock.advance(delayMs - 1000);
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('INPROGRESS');
      slow.state.clock.advance(1000);
      expect((await client.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
      expect((await client.send(new GetCredentialReportCommand({}))).Content?.byteLength).toBeGreaterThan(0);
    } finally {
      await slow.close();
    }
  });
  it('serves a given CSV verbatim and can hold a generation in INPROGRESS or refuse it (test aids)', async () => {
    // Prepare
    const csv = 'user,arn\n"a ""quoted"", name",x\n';
    const set = (body: unknown) =>
      fetch(`${sandbox.url}/_sandbox/credential-report`, { method: 'POST', body: JSON.stringify(body) });
    // Act
    expect((await set({ csv })).status).toBe(200);
    await iam.send(new GenerateCredentialReportCommand({}));
    const served = new TextDecoder().decode((await iam.send(new GetCredentialReportCommand({}))).Content);
    await set({ stuck: true });
    const held = await iam.send(new GenerateCredentialReportCommand({}));
    const notReady = await errorOf(iam.send(new GetCredentialReportCommand({})));
    const refused = await set({ stuck: 'yes' });
    await set({ refuseGeneration: true });
    const denied = await errorOf(iam.send(new GenerateCredentialReportCommand({})));
    sandbox.state.reset();
    // Assess
    expect(served).toBe(csv);
    expect(held.State).toBe('INPROGRESS');
    expect(notReady).toMatchObject({ name: 'CredentialReportNotReadyException', status: 404 });
    expect(refused.status).toBe(400);
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(sandbox.state.credentialReportAid).toEqual({ csv: null, stuck: false, refuseGeneration: false });
  });
});
