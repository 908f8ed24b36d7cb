import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
  type LookupEventsCommandOutput,
  paginateLookupEvents,
} from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { AUDITOR_KEY, errorOf, useAcmeSandbox } from './helpers.js';
import { POLICIES_FIXTURE } from './policies-fixture.js';

const LEAKED = 'AKIAPOLICY0000000006';

describe('Sandbox CloudTrail LookupEvents', () => {
  let sandbox: RunningSandbox;
  let trail: CloudTrailClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: POLICIES_FIXTURE });
    trail = new CloudTrailClient({
      region: 'us-east-1',
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIAPOLICY0000000001', secretAccessKey: 'x' },
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  // Each test starts with full lookup buckets (2 a second per account and region).
  beforeEach(() => {
    sandbox.state.reset();
  });

  it("answers a key's events of a time range, newest first, with the CloudTrail record as JSON", async () => {
    // Act
    const answer = await trail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: LEAKED }],
        StartTime: new Date('2026-05-31T12:00:00Z'),
        EndTime: new Date('2026-06-01T12:00:00Z'),
      }),
    );
    // Assess
    expect(answer.Events?.map((e) => e.EventName)).toEqual(['RunInstances', 'RunInstances', 'ListBuckets']);
    const [newest] = answer.Events ?? [];
    expect(newest?.EventTime).toEqual(new Date('2026-06-01T10:06:00Z'));
    expect(newest).toMatchObject({ EventSource: 'ec2.amazonaws.com', Username: 'leaked', ReadOnly: 'false' });
    expect(JSON.parse(newest?.CloudTrailEvent ?? '{}')).toMatchObject({
      sourceIPAddress: '198.51.100.23',
      awsRegion: 'eu-west-1',
      userIdentity: { type: 'IAMUser', accessKeyId: LEAKED, userName: 'leaked' },
    });
    expect(answer.NextToken).toBeUndefined();
  });

  it('pages with MaxResults and NextToken through the SDK paginator', async () => {
    // Act
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateLookupEvents(
      { client: trail, pageSize: 2 },
      { LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: LEAKED }] },
    )) {
      sandbox.state.clock.advance(500);
      pages++;
      names.push(...(page.Events ?? []).map((e) => e.EventName ?? ''));
    }
    // Assess
    expect(pages).toBe(2);
    expect(names).toEqual(['RunInstances', 'RunInstances', 'ListBuckets', 'GetCallerIdentity']);
  });

  it('refuses two lookup attributes, a start after the end and a made-up token, with their CloudTrail errors', async () => {
    // Act
    const two = await errorOf(
      trail.send(
        new LookupEventsCommand({
          LookupAttributes: [
            { AttributeKey: 'AccessKeyId', AttributeValue: LEAKED },
            { AttributeKey: 'Username', AttributeValue: 'leaked' },
          ],
        }),
      ),
    );
    sandbox.state.clock.advance(500);
    const range = await errorOf(
      trail.send(
        new LookupEventsCommand({ StartTime: new Date('2026-06-02'), EndTime: new Date('2026-06-01') }),
      ),
    );
    sandbox.state.clock.advance(500);
    const token = await errorOf(trail.send(new LookupEventsCommand({ NextToken: 'nope' })));
    // Assess
    expect(two.name).toBe('InvalidLookupAttributesException');
    expect(range.name).toBe('InvalidTimeRangeException');
    expect(token.name).toBe('InvalidNextTokenException');
  });
});

describe('Sandbox CloudTrail: who created a key', () => {
  let sandbox: RunningSandbox;
  let trail: CloudTrailClient;

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: 'events/sandbox/acme.json' });
    trail = new CloudTrailClient({
      region: 'us-east-1',
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIAAUDITOR000000001', secretAccessKey: 'x' },
    });
  });
  afterAll(async () => {
    await sandbox.close();
  });

  it('finds CreateAccessKey by event name, with the Identity Center session and the new key in the record', async () => {
    // Act
    const answer = await trail.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateAccessKey' }],
      }),
    );
    // Assess: as CloudTrail records a call made in an IAM Identity Center session
    expect(answer.Events).toHaveLength(1);
    const [event] = answer.Events ?? [];
    expect(event).toMatchObject({ EventName: 'CreateAccessKey', Username: 'grace.hopper@acme.example' });
    expect(JSON.parse(event?.CloudTrailEvent ?? '{}')).toMatchObject({
      userIdentity: {
        type: 'AssumedRole',
        arn: 'arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_MobileDeveloper_5f2c9a1b3d4e6f70/grace.hopper@acme.example',
        sessionContext: {
          sessionIssuer: { type: 'Role', userName: 'AWSReservedSSO_MobileDeveloper_5f2c9a1b3d4e6f70' },
        },
      },
      requestParameters: { userName: 'grace' },
      responseElements: {
        accessKey: { userName: 'grace', accessKeyId: 'AKIAGRACE00000000001', status: 'Active' },
      },
    });
  });
});

describe('Sandbox CloudTrail: the rate limit and the acme histories', () => {
  const sandbox = useAcmeSandbox();
  const trailIn = (region: string) =>
    new CloudTrailClient({
      region,
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'x' },
    });
  const byKey = (accessKeyId: string, extra: Partial<LookupEventsCommandInput> = {}) =>
    new LookupEventsCommand({
      LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: accessKeyId }],
      ...extra,
    });
  /** Every event of a key, a page at a time, half a second of sandbox time apart (2 lookups a second). */
  async function allEvents(accessKeyId: string, region = 'us-east-1') {
    const client = trailIn(region);
    const events: NonNullable<LookupEventsCommandOutput['Events']> = [];
    let pages = 0;
    let token: string | undefined;
    do {
      sandbox.state.clock.advance(500);
      const page = await client.send(byKey(accessKeyId, token ? { NextToken: token } : {}));
      pages++;
      events.push(...(page.Events ?? []));
      token = page.NextToken;
    } while (token);
    return { events, pages };
  }
  const records = (events: NonNullable<LookupEventsCommandOutput['Events']>) =>
    events.map((e) => JSON.parse(e.CloudTrailEvent ?? '{}') as Record<string, unknown>);

  it('answers a third lookup within a second of the same account and region with ThrottlingException, as CloudTrail does', async () => {
    // Prepare
    const east = trailIn('us-east-1');
    const byKeyId = {
      LookupAttributes: [{ AttributeKey: 'AccessKeyId' as const, AttributeValue: 'AKIAIVAN000000000001' }],
    };
    // Act
    await east.send(new LookupEventsCommand({ ...byKeyId, MaxResults: 1 }));
    await east.send(new LookupEventsCommand({ ...byKeyId, MaxResults: 1 }));
    const third = await errorOf(east.send(new LookupEventsCommand({ ...byKeyId, MaxResults: 1 })));
    const otherRegion = await trailIn('eu-west-1').send(
      new LookupEventsCommand({ ...byKeyId, MaxResults: 1 }),
    );
    const raw = await fetch(`${sandbox.url}/`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-amz-json-1.1',
        'X-Amz-Target': 'CloudTrail_20131101.LookupEvents',
        Authorization: `AWS4-HMAC-SHA256 Credential=${AUDITOR_KEY}/20261120/us-east-1/cloudtrail/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: '{}',
    });
    sandbox.state.clock.advance(500);
    const afterHalfASecond = await east.send(new LookupEventsCommand({ ...byKeyId, MaxResults: 1 }));
    // Assess
    expect(third).toMatchObject({ name: 'ThrottlingException', status: 400, message: 'Rate exceeded' });
    expect(otherRegion.Events).toHaveLength(1);
    expect(raw.status).toBe(400);
    expect(await raw.json()).toEqual({ __type: 'ThrottlingException', message: 'Rate exceeded' });
    expect(afterHalfASecond.Events).toHaveLength(1);
    expect(sandbox.state.calls().services.cloudtrail?.actions.LookupEvents).toMatchObject({
      total: 6,
      throttled: 2,
    });
  });

  it('keeps the 2 lookups a second per account: another account signing in the same region has its own', async () => {
    // Prepare
    const dev = new CloudTrailClient({
      region: 'us-east-1',
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIADEVDANA000000001', secretAccessKey: 'x' },
    });
    const prod = trailIn('us-east-1');
    // Act
    await prod.send(new LookupEventsCommand({ MaxResults: 1 }));
    await prod.send(new LookupEventsCommand({ MaxResults: 1 }));
    const devAnswer = await dev.send(new LookupEventsCommand({ MaxResults: 1 }));
    // Assess
    expect(devAnswer.Events).toBeDefined();
    expect(await errorOf(prod.send(new LookupEventsCommand({ MaxResults: 1 })))).toMatchObject({
      name: 'ThrottlingException',
    });
  });

  it('refuses a page size outside 1..50 and answers 50 events a page by default', async () => {
    // Act
    const zero = await errorOf(trailIn('us-east-1').send(byKey('AKIADEPLOYER00000001', { MaxResults: 0 })));
    sandbox.state.clock.advance(500);
    const tooMany = await errorOf(
      trailIn('us-east-1').send(byKey('AKIADEPLOYER00000001', { MaxResults: 51 })),
    );
    sandbox.state.clock.advance(500);
    const firstPage = await trailIn('us-east-1').send(byKey('AKIADEPLOYER00000001'));
    // Assess
    expect(zero.name).toBe('InvalidMaxResultsException');
    expect(tooMany.name).toBe('InvalidMaxResultsException');
    expect(firstPage.Events).toHaveLength(50);
    expect(firstPage.NextToken).toBeDefined();
  });

  it("gives the CI key 140 events from three CI addresses with Terraform and GitHub Actions agents, the last at the key's last use", async () => {
    // Act
    const { events, pages } = await allEvents('AKIADEPLOYER00000001');
    // Assess
    expect(events).toHaveLength(140);
    expect(pages).toBe(3);
    expect(events[0]?.EventTime).toEqual(new Date('2026-11-19T22:00:00Z'));
    const times = events.map((e) => e.EventTime?.getTime() ?? 0);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const parsed = records(events);
    expect(new Set(parsed.map((r) => r.sourceIPAddress))).toEqual(
      new Set(['198.51.100.14', '198.51.100.37', '198.51.100.52']),
    );
    expect(parsed.every((r) => /Terraform\/|exec-env\/GitHubActions/.test(String(r.userAgent)))).toBe(true);
    expect(parsed[0]).toMatchObject({
      userIdentity: { type: 'IAMUser', accessKeyId: 'AKIADEPLOYER00000001', userName: 'svc-deployer' },
      eventTime: '2026-11-19T22:00:00Z',
      awsRegion: 'us-east-1',
    });
    expect(events.every((e) => (e.EventTime?.getTime() ?? 0) >= Date.parse('2026-08-22T06:00:00Z'))).toBe(
      true,
    );
  });

  it('gives the laptop key IPv6 and IPv4 home addresses, the workload key AWS-internal sources, each key only its own events', async () => {
    // Act
    const laptop = records((await allEvents('AKIAIVAN000000000001')).events);
    const workload = records((await allEvents('AKIAJUDY000000000001')).events);
    // Assess
    const laptopIps = new Set(laptop.map((r) => r.sourceIPAddress));
    expect(laptopIps).toContain('2001:db8:4a7:1c00::1f');
    expect(laptopIps).toContain('203.0.113.17');
    expect(
      laptop.every((r) => (r.userIdentity as { accessKeyId: string }).accessKeyId === 'AKIAIVAN000000000001'),
    ).toBe(true);
    expect(new Set(workload.map((r) => r.sourceIPAddress))).toEqual(
      new Set(['AWS Internal', 'lambda.amazonaws.com']),
    );
    expect(workload.every((r) => String(r.userAgent).includes('exec-env/AWS_Lambda_nodejs20.x'))).toBe(true);
  });

  it('filters a key history by event name, and gives the same history after a reset', async () => {
    // Act
    const client = trailIn('us-east-1');
    const names = await client.send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'DescribeTable' }],
      }),
    );
    sandbox.state.clock.advance(500);
    const before = await client.send(byKey('AKIAJUDY000000000002'));
    sandbox.state.reset();
    const after = await client.send(byKey('AKIAJUDY000000000002'));
    // Assess
    expect(names.Events?.length).toBeGreaterThan(0);
    expect(names.Events?.every((e) => e.EventName === 'DescribeTable' && e.Username === 'ivan')).toBe(true);
    expect(after.Events).toEqual(before.Events);
    expect(before.Events).toHaveLength(40);
  });
});
