import {
  type AwsSecurityFinding,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  GetFindingsCommand,
  paginateGetFindings,
  SecurityHubClient,
} from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../src/sandbox/index.js';
import { type ClientOptions, DEV, errorOf, PROD, useAcmeSandbox } from './helpers.js';

const DEV_KEY = 'AKIADEVDANA000000001';
const REGION = 'eu-west-1';
const productArn = (account: string) => `arn:aws:securityhub:${REGION}:${account}:product/${account}/default`;

const securityHubClient = (sandbox: RunningSandbox, options: ClientOptions = {}) =>
  new SecurityHubClient({
    region: REGION,
    endpoint: sandbox.url,
    maxAttempts: options.maxAttempts ?? 1,
    credentials: {
      accessKeyId: options.accessKeyId ?? 'AKIAAUDITOR000000001',
      secretAccessKey: 'not-checked-by-the-sandbox',
    },
  });

/** A minimal valid finding of the caller's default product. */
function finding(
  id: string,
  overrides: Partial<AwsSecurityFinding> = {},
  account = PROD,
): AwsSecurityFinding {
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: productArn(account),
    GeneratorId: 'key-hygiene/unused-key',
    AwsAccountId: account,
    Types: ['Software and Configuration Checks/AWS Security Best Practices'],
    CreatedAt: '2026-11-20T00:00:00.000Z',
    UpdatedAt: '2026-11-20T00:00:00.000Z',
    Severity: { Label: 'HIGH' },
    Title: 'Unused access key',
    Description: 'Key AKIA... of alice has not been used for 120 days.',
    Resources: [{ Type: 'AwsIamUser', Id: `arn:aws:iam::${account}:user/alice` }],
    ...overrides,
  };
}

describe('Sandbox Security Hub', () => {
  const sandbox = useAcmeSandbox();

  it('imports findings and returns them from GetFindings, with what Security Hub adds', async () => {
    // Prepare
    const hub = securityHubClient(sandbox);
    // Act
    const imported = await hub.send(
      new BatchImportFindingsCommand({ Findings: [finding('a'), finding('b')] }),
    );
    const found = await hub.send(new GetFindingsCommand({}));
    // Assess
    expect(imported).toMatchObject({ SuccessCount: 2, FailedCount: 0, FailedFindings: [] });
    expect(found.Findings?.map((f) => f.Id)).toEqual(['a', 'b']);
    expect(found.Findings?.[0]).toMatchObject({
      RecordState: 'ACTIVE',
      Workflow: { Status: 'NEW' },
      CompanyName: 'Personal',
      ProductName: 'Default',
      FindingProviderFields: { Severity: { Label: 'HIGH' } },
    });
  });

  it.each([
    [
      'a finding missing Resources',
      { Resources: undefined },
      "data should have required property 'Resources'",
    ],
    [
      'a malformed ProductArn',
      { ProductArn: 'arn:aws:securityhub:eu-west-1:product/nope' },
      'data.ProductArn',
    ],
    ['an empty Resources list', { Resources: [] }, 'data.Resources should NOT have fewer than 1 items'],
    [
      'a Description over 1024 characters',
      { Description: 'x'.repeat(1025) },
      'data.Description should NOT be longer',
    ],
    ['a Type with four levels', { Types: ['a/b/c/d'] }, 'data.Types[0] should match pattern'],
    ['an unknown severity label', { Severity: { Label: 'SEVERE' as 'HIGH' } }, 'data.Severity.Label'],
  ])(
    'answers %s in FailedFindings with InvalidInput, and imports the rest',
    async (_what, override, message) => {
      // Prepare
      const hub = securityHubClient(sandbox);
      // Act
      const result = await hub.send(
        new BatchImportFindingsCommand({ Findings: [finding('good'), finding('bad', override)] }),
      );
      const stored = await hub.send(new GetFindingsCommand({}));
      // Assess
      expect(result.SuccessCount).toBe(1);
      expect(result.FailedCount).toBe(1);
      expect(result.FailedFindings?.[0]).toMatchObject({ Id: 'bad', ErrorCode: 'InvalidInput' });
      expect(result.FailedFindings?.[0]?.ErrorMessage).toContain(
        'Finding does not adhere to Amazon Finding Format.',
      );
      expect(result.FailedFindings?.[0]?.ErrorMessage).toContain(message);
      expect(stored.Findings?.map((f) => f.Id)).toEqual(['good']);
    },
  );

  it("refuses the whole request when a finding is another account's, under its product or its id", async () => {
    // Prepare
    const hub = securityHubClient(sandbox);
    // Act
    const foreignProduct = await errorOf(
      hub.send(new BatchImportFindingsCommand({ Findings: [finding('x', { ProductArn: productArn(DEV) })] })),
    );
    const foreignAccount = await errorOf(
      hub.send(
        new BatchImportFindingsCommand({ Findings: [finding('ok'), finding('x', { AwsAccountId: DEV })] }),
      ),
    );
    // Assess
    for (const error of [foreignProduct, foreignAccount]) {
      expect(error).toMatchObject({ name: 'AccessDeniedException', status: 403 });
      expect(error.message).toContain('securityhub:BatchImportFindings');
    }
    expect((await hub.send(new GetFindingsCommand({}))).Findings).toEqual([]);
  });

  it('refuses more than 100 findings in one request, as the API does', async () => {
    // Act
    const error = await errorOf(
      securityHubClient(sandbox).send(
        new BatchImportFindingsCommand({ Findings: Array.from({ length: 101 }, (_, i) => finding(`f${i}`)) }),
      ),
    );
    // Assess
    expect(error).toMatchObject({ name: 'InvalidInputException', status: 400 });
  });

  it('keeps findings per account: each account sees only its own', async () => {
    // Prepare
    const prod = securityHubClient(sandbox);
    const dev = securityHubClient(sandbox, { accessKeyId: DEV_KEY });
    // Act
    await prod.send(new BatchImportFindingsCommand({ Findings: [finding('prod-1')] }));
    await dev.send(new BatchImportFindingsCommand({ Findings: [finding('dev-1', {}, DEV)] }));
    // Assess
    expect((await prod.send(new GetFindingsCommand({}))).Findings?.map((f) => f.Id)).toEqual(['prod-1']);
    expect((await dev.send(new GetFindingsCommand({}))).Findings?.map((f) => f.Id)).toEqual(['dev-1']);
  });

  it('updates a finding in place, keeps the triage fields and takes new severity from FindingProviderFields', async () => {
    // Prepare
    const hub = securityHubClient(sandbox);
    await hub.send(new BatchImportFindingsCommand({ Findings: [finding('k')] }));
    const stored = sandbox.state.securityHub.find(PROD, productArn(PROD), 'k');
    if (!stored) throw new Error('not stored');
    stored.Workflow = { Status: 'NOTIFIED' };
    stored.Note = { Text: 'ticket SEC-1', UpdatedBy: 'analyst', UpdatedAt: '2026-11-20T08:00:00.000Z' };
    // Act
    await hub.send(
      new BatchImportFindingsCommand({
        Findings: [
          finding('k', {
            UpdatedAt: '2026-11-21T00:00:00.000Z',
            Workflow: { Status: 'SUPPRESSED' },
            Note: { Text: 'overwritten', UpdatedBy: 'provider', UpdatedAt: '2026-11-21T00:00:00.000Z' },
            FindingProviderFields: { Severity: { Label: 'CRITICAL' } },
          }),
        ],
      }),
    );
    const [updated] = (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
    // Assess
    expect(updated).toMatchObject({
      Id: 'k',
      UpdatedAt: '2026-11-21T00:00:00.000Z',
      Workflow: { Status: 'NOTIFIED' },
      Note: { Text: 'ticket SEC-1' },
      Severity: { Label: 'CRITICAL' },
      FindingProviderFields: { Severity: { Label: 'CRITICAL' } },
    });
  });

  it("takes an analyst's triage with BatchUpdateFindings: severity, note, workflow; UpdatedAt stays the provider's", async () => {
    // Prepare
    const hub = securityHubClient(sandbox);
    await hub.send(new BatchImportFindingsCommand({ Findings: [finding('k'), finding('j')] }));
    sandbox.state.clock.set('2026-11-20T08:00:00.000Z');
    // Act
    const answer = await hub.send(
      new BatchUpdateFindingsCommand({
        FindingIdentifiers: [
          { Id: 'k', ProductArn: productArn(PROD) },
          { Id: 'missing', ProductArn: productArn(PROD) },
        ],
        Severity: { Label: 'LOW' },
        Note: { Text: 'break-glass key, reviewed', UpdatedBy: 'analyst' },
        Workflow: { Status: 'NOTIFIED' },
      }),
    );
    const found = (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
    // Assess
    expect(answer).toMatchObject({
      ProcessedFindings: [{ Id: 'k', ProductArn: productArn(PROD) }],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: 'missing', ProductArn: productArn(PROD) },
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'Finding Not Found',
        },
      ],
    });
    expect(found.find((f) => f.Id === 'k')).toMatchObject({
      UpdatedAt: '2026-11-20T00:00:00.000Z',
      Severity: { Label: 'LOW', Normalized: 1 },
      FindingProviderFields: { Severity: { Label: 'HIGH' } },
      Note: {
        Text: 'break-glass key, reviewed',
        UpdatedBy: 'analyst',
        UpdatedAt: '2026-11-20T08:00:00.000Z',
      },
      Workflow: { Status: 'NOTIFIED' },
    });
    expect(found.find((f) => f.Id === 'j')?.Severity).toEqual({ Label: 'HIGH' });
  });

  it('refuses a BatchUpdateFindings with no identifiers, nothing to update, or an unknown label', async () => {
    // Prepare
    const hub = securityHubClient(sandbox);
    await hub.send(new BatchImportFindingsCommand({ Findings: [finding('k')] }));
    const k = [{ Id: 'k', ProductArn: productArn(PROD) }];
    // Act
    const errors = await Promise.all([
      hub
        .send(new BatchUpdateFindingsCommand({ FindingIdentifiers: [], Severity: { Label: 'LOW' } }))
        .catch((e: Error) => e.name),
      hub.send(new BatchUpdateFindingsCommand({ FindingIdentifiers: k })).catch((e: Error) => e.name),
      hub
        .send(
          new BatchUpdateFindingsCommand({ FindingIdentifiers: k, Severity: { Label: 'SEVERE' as 'LOW' } }),
        )
        .catch((e: Error) => e.name),
    ]);
    // Assess
    expect(errors).toEqual(['InvalidInputException', 'InvalidInputException', 'InvalidInputException']);
  });

  it.each([
    ['in FindingProviderFields', { FindingProviderFields: { Severity: { Label: 'CRITICAL' as const } } }],
    ['at the top level only', { Severity: { Label: 'CRITICAL' as const } }],
  ])(
    "keeps the analyst's severity when the provider later sends a new one %s (it goes to FindingProviderFields)",
    async (_where, update) => {
      // Prepare
      const hub = securityHubClient(sandbox);
      await hub.send(new BatchImportFindingsCommand({ Findings: [finding('k'), finding('j')] }));
      await hub.send(
        new BatchUpdateFindingsCommand({
          FindingIdentifiers: [{ Id: 'k', ProductArn: productArn(PROD) }],
          Severity: { Label: 'LOW' },
        }),
      );
      // Act
      const next = { UpdatedAt: '2026-11-21T00:00:00.000Z', ...update };
      await hub.send(new BatchImportFindingsCommand({ Findings: [finding('k', next), finding('j', next)] }));
      const found = (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
      // Assess: the triaged one keeps its severity; the other follows the provider
      expect(found.find((f) => f.Id === 'k')).toMatchObject({
        Severity: { Label: 'LOW', Normalized: 1 },
        FindingProviderFields: { Severity: { Label: 'CRITICAL' } },
      });
      expect(found.find((f) => f.Id === 'j')).toMatchObject({
        Severity: { Label: 'CRITICAL' },
        FindingProviderFields: { Severity: { Label: 'CRITICAL' } },
      });
    },
  );

  it('ignores an update that is not newer than the stored finding, and reopens one that comes back', async () => {
    // Prepare
    const hub = securityHubClient(sandbox);
    await hub.send(new BatchImportFindingsCommand({ Findings: [finding('k', { Title: 'first' })] }));
    // Act
    await hub.send(new BatchImportFindingsCommand({ Findings: [finding('k', { Title: 'same time' })] }));
    await hub.send(
      new BatchImportFindingsCommand({
        Findings: [
          finding('k', {
            UpdatedAt: '2026-11-22T00:00:00.000Z',
            RecordState: 'ARCHIVED',
            Compliance: { Status: 'PASSED' },
          }),
        ],
      }),
    );
    const [archived] = (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
    const stored = sandbox.state.securityHub.find(PROD, productArn(PROD), 'k');
    if (stored) stored.Workflow = { Status: 'RESOLVED' };
    await hub.send(
      new BatchImportFindingsCommand({
        Findings: [finding('k', { UpdatedAt: '2026-11-23T00:00:00.000Z', Compliance: { Status: 'FAILED' } })],
      }),
    );
    const [reopened] = (await hub.send(new GetFindingsCommand({}))).Findings ?? [];
    // Assess
    expect(archived).toMatchObject({
      Title: 'Unused access key',
      RecordState: 'ARCHIVED',
      Workflow: { Status: 'NEW' },
    });
    expect(reopened).toMatchObject({ RecordState: 'ACTIVE', Workflow: { Status: 'NEW' } });
  });

  it('filters on product, generator prefix, account and record state, and pages with NextToken', async () => {
    // Prepare
    const hub = securityHubClient(sandbox);
    await hub.send(
      new BatchImportFindingsCommand({
        Findings: [
          ...Array.from({ length: 7 }, (_, i) => finding(`active-${i}`)),
          finding('archived', { RecordState: 'ARCHIVED' }),
          finding('other-generator', { GeneratorId: 'prowler/iam' }),
        ],
      }),
    );
    // Act
    const pages = [];
    for await (const page of paginateGetFindings(
      { client: hub, pageSize: 3 },
      {
        Filters: {
          ProductArn: [{ Value: productArn(PROD), Comparison: 'EQUALS' }],
          GeneratorId: [{ Value: 'key-hygiene/', Comparison: 'PREFIX' }],
          AwsAccountId: [{ Value: PROD, Comparison: 'EQUALS' }],
          RecordState: [{ Value: 'ACTIVE', Comparison: 'EQUALS' }],
        },
      },
    )) {
      pages.push(page.Findings?.map((f) => f.Id));
    }
    // Assess
    expect(pages).toEqual([
      ['active-0', 'active-1', 'active-2'],
      ['active-3', 'active-4', 'active-5'],
      ['active-6'],
    ]);
  });

  it('answers bad paging and unknown filters with InvalidInputException', async () => {
    // Prepare
    const hub = securityHubClient(sandbox);
    // Act
    const errors = await Promise.all([
      errorOf(hub.send(new GetFindingsCommand({ MaxResults: 101 }))),
      errorOf(hub.send(new GetFindingsCommand({ NextToken: 'not-a-token' }))),
      errorOf(
        hub.send(new GetFindingsCommand({ Filters: { Title: [{ Value: 'x', Comparison: 'EQUALS' }] } })),
      ),
    ]);
    // Assess
    for (const error of errors) expect(error).toMatchObject({ name: 'InvalidInputException', status: 400 });
  });

  it('answers InvalidAccessException where Security Hub is not enabled, and fails planned findings', async () => {
    // Prepare
    const hub = securityHubClient(sandbox);
    sandbox.state.securityHub.failImports({ ids: ['flaky'] });
    // Act
    const partial = await hub.send(
      new BatchImportFindingsCommand({ Findings: [finding('flaky'), finding('steady')] }),
    );
    sandbox.state.securityHub.disabledAccounts.add(PROD);
    const disabled = await errorOf(hub.send(new GetFindingsCommand({})));
    // Assess
    expect(partial).toMatchObject({
      SuccessCount: 1,
      FailedCount: 1,
      FailedFindings: [{ Id: 'flaky', ErrorCode: 'InternalException' }],
    });
    expect(disabled).toMatchObject({ name: 'InvalidAccessException', status: 401 });
  });
});
