import { CloudTrailClient, LookupEventsCommand, paginateLookupEvents } from '@aws-sdk/client-cloudtrail';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { errorOf } from './helpers.js';
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
    const range = await errorOf(
      trail.send(
        new LookupEventsCommand({ StartTime: new Date('2026-06-02'), EndTime: new Date('2026-06-01') }),
      ),
    );
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
