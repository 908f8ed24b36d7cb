import { GenerateCredentialReportCommand, GetCredentialReportCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { downloadCredentialReport } from '../../src/collect/credential-report-download.js';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';

let sandbox: RunningSandbox;
let iam: IAMClient;

describe('Function: downloadCredentialReport', () => {
  beforeAll(async () => {
    sandbox = await startSandbox({ synthetic: { users: 2_000, seed: 'download' } });
    iam = new IAMClient({ region: 'us-east-1', endpoint: sandbox.url, maxAttempts: 1 });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
  });

  it('returns the same report, byte for byte, as the plain SDK call, with its generation time and format', async () => {
    // Prepare
    await iam.send(new GenerateCredentialReportCommand({}));
    const plain = await iam.send(new GetCredentialReportCommand({}));

    // Act
    const downloaded = await downloadCredentialReport(iam);

    // Assess
    expect(plain.Content?.byteLength).toBeGreaterThan(100_000);
    expect(Buffer.from(downloaded.Content ?? new Uint8Array()).equals(Buffer.from(plain.Content ?? []))).toBe(
      true,
    );
    expect(downloaded.GeneratedTime).toEqual(plain.GeneratedTime);
    expect(downloaded.ReportFormat).toBe('text/csv');
  });

  it('leaves error answers to the SDK, so a missing report (ReportNotPresent) fails as the SDK names it', async () => {
    // Act
    const error = await downloadCredentialReport(iam).then(
      () => null,
      (failure: unknown) => failure as Error,
    );

    // Assess
    expect(error?.name).toBe('CredentialReportNotPresentException');
  });
});
