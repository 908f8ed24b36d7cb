import {
  DeleteAccessKeyCommand,
  GetAccessKeyLastUsedCommand,
  ListUsersCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { CreateTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type CallStats,
  type PublishedMessage,
  type RunningSandbox,
  startSandbox,
  UNKNOWN_CALLER_NAME,
} from '../../src/sandbox/index.js';
import { ACME_FIXTURE, errorOf, iamClient, PROD, rawPost, snsClient, stsClient } from './helpers.js';

describe('Sandbox wire format and routing', () => {
  let sandbox: RunningSandbox;
  const logLines: string[] = [];

  beforeAll(async () => {
    sandbox = await startSandbox({ fixture: ACME_FIXTURE, log: (line) => logLines.push(line) });
  });
  afterAll(async () => {
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    logLines.length = 0;
  });

  it('answers text/xml with the IAM namespace and the same RequestId in header and body', async () => {
    const { status, headers, text } = await rawPost(
      sandbox,
      'iam',
      'Action=ListUsers&Version=2010-05-08&MaxItems=1',
    );
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('text/xml');
    const requestId = headers.get('x-amzn-requestid');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(text).toContain('<ListUsersResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">');
    expect(text).toContain('<ListUsersResult><IsTruncated>true</IsTruncated><Marker>');
    expect(text).toContain(`<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>`);
  });

  it('writes no Result element for operations without output, whatever the parameter order', async () => {
    const { status, text } = await rawPost(
      sandbox,
      'iam',
      'Status=Inactive&UserName=bob&Action=UpdateAccessKey&AccessKeyId=AKIABOB0000000000001&Version=2010-05-08',
    );
    expect(status).toBe(200);
    expect(text).not.toContain('UpdateAccessKeyResult');
    expect(sandbox.state.findKey('AKIABOB0000000000001')?.status).toBe('Inactive');
  });

  it('uses the SNS and STS namespaces', async () => {
    const sns = await rawPost(sandbox, 'sns', 'Action=CreateTopic&Version=2010-03-31&Name=t1');
    expect(sns.text).toContain('<CreateTopicResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">');
    const sts = await rawPost(sandbox, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15');
    expect(sts.text).toContain(
      '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">',
    );
  });

  it('answers errors in ErrorResponse form with Type, Code and Message', async () => {
    const { status, headers, text } = await rawPost(
      sandbox,
      'iam',
      'Action=GetUser&Version=2010-05-08&UserName=nobody',
    );
    expect(status).toBe(404);
    expect(text).toContain(
      '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>' +
        '<Code>NoSuchEntity</Code><Message>The user with name nobody cannot be found.</Message></Error>' +
        `<RequestId>${headers.get('x-amzn-requestid')}</RequestId></ErrorResponse>`,
    );
  });

  it('answers an unknown action InvalidAction 400 and logs it, and keeps serving', async () => {
    const { status, text } = await rawPost(
      sandbox,
      'iam',
      'Action=DeleteUser&Version=2010-05-08&UserName=bob',
    );
    expect(status).toBe(400);
    expect(text).toContain('<Code>InvalidAction</Code>');
    expect(logLines).toEqual([expect.stringContaining('iam:DeleteUser is not implemented')]);
    const after = await iamClient(sandbox).send(new ListUsersCommand({ MaxItems: 1 }));
    expect(after.Users).toHaveLength(1);
  });

  it('answers a service it does not speak with an AWS-shaped error, never HTML', async () => {
    const ec2 = await rawPost(sandbox, 'ec2', 'Action=DescribeInstances');
    expect(ec2.status).toBe(400);
    expect(ec2.headers.get('content-type')).toBe('text/xml');
    expect(ec2.text).toContain('<Code>InvalidAction</Code>');
    const json = await fetch(`${sandbox.url}/`, {
      method: 'POST',
      headers: {
        'X-Amz-Target': 'DynamoDB_20120810.ListTables',
        'Content-Type': 'application/x-amz-json-1.1',
      },
      body: '{}',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('routes an unsigned request by its Version, as the default caller', async () => {
    const response = await fetch(`${sandbox.url}/?Action=GetCallerIdentity&Version=2011-06-15`);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain(`<Arn>arn:aws:iam::${PROD}:user/${UNKNOWN_CALLER_NAME}</Arn>`);
  });

  it('accepts any region in the credential scope', async () => {
    const iam = iamClient(sandbox, { region: 'ap-southeast-2' });
    const { Users = [] } = await iam.send(new ListUsersCommand({}));
    expect(Users).toHaveLength(22);
  });

  it('records a known key’s last use: service and region from the scope, 15-minute granularity', async () => {
    // Prepare: erin's key has never been used; the clock sits at 10:07.
    sandbox.state.clock.set('2026-11-20T10:07:30Z');
    // Act: sign one SNS and then one IAM request with it
    await snsClient(sandbox, { accessKeyId: 'AKIAERIN000000000001', region: 'eu-west-1' }).send(
      new CreateTopicCommand({ Name: 'used' }),
    );
    const afterSns = await iamClient(sandbox).send(
      new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAERIN000000000001' }),
    );
    await iamClient(sandbox, { accessKeyId: 'AKIAERIN000000000001', region: 'eu-west-1' }).send(
      new ListUsersCommand({ MaxItems: 1 }),
    );
    const afterIam = await iamClient(sandbox).send(
      new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAERIN000000000001' }),
    );
    // Assess
    expect(afterSns.AccessKeyLastUsed).toEqual({
      LastUsedDate: new Date('2026-11-20T10:00:00Z'),
      ServiceName: 'sns',
      Region: 'eu-west-1',
    });
    // IAM is global: its last use has Region N/A.
    expect(afterIam.AccessKeyLastUsed).toEqual({
      LastUsedDate: new Date('2026-11-20T10:00:00Z'),
      ServiceName: 'iam',
      Region: 'N/A',
    });
  });

  it('rejects requests signed with an inactive key, as AWS does', async () => {
    const error = await errorOf(
      iamClient(sandbox, { accessKeyId: 'AKIAMALLORY000000001' }).send(new ListUsersCommand({})),
    );
    expect(error).toMatchObject({ name: 'InvalidClientTokenId', status: 403 });
  });

  it('serves published messages, call counts and a reset that restores the fixture', async () => {
    // Prepare
    const iam = iamClient(sandbox);
    const topicArn = `arn:aws:sns:us-east-1:${PROD}:key-hygiene-demo-reports`;
    await snsClient(sandbox).send(
      new PublishCommand({ TopicArn: topicArn, Subject: 'Audit', Message: 'hello' }),
    );
    await iam.send(new DeleteAccessKeyCommand({ UserName: 'bob', AccessKeyId: 'AKIABOB0000000000001' }));
    await errorOf(
      iam.send(new UpdateAccessKeyCommand({ AccessKeyId: 'AKIANOPE000000000001', Status: 'Inactive' })),
    );
    await stsClient(sandbox).send(new GetCallerIdentityCommand({}));
    // Act
    const published = (await (await fetch(`${sandbox.url}/_sandbox/published`)).json()) as {
      messages: PublishedMessage[];
    };
    const calls = (await (await fetch(`${sandbox.url}/_sandbox/calls`)).json()) as CallStats;
    const reset = await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
    const afterReset = (await (await fetch(`${sandbox.url}/_sandbox/published`)).json()) as {
      messages: PublishedMessage[];
    };
    // Assess
    expect(published.messages).toHaveLength(1);
    expect(published.messages[0]).toMatchObject({
      topicArn,
      subject: 'Audit',
      message: 'hello',
      messageStructure: null,
      bodies: { default: 'hello', email: 'hello', https: 'hello' },
      subscriptions: [
        { protocol: 'email', endpoint: 'secops@acme.example' },
        { protocol: 'https', endpoint: 'https://global.sns-api.chatbot.amazonaws.com' },
      ],
    });
    expect(calls).toMatchObject({ total: 4, errors: 1, throttled: 0, failed: 0 });
    expect(calls.services.iam).toMatchObject({
      total: 2,
      errors: 1,
      actions: {
        DeleteAccessKey: { total: 1, errors: 0, throttled: 0, failed: 0 },
        UpdateAccessKey: { total: 1, errors: 1, throttled: 0, failed: 0 },
      },
    });
    expect(calls.services.sns?.actions.Publish?.total).toBe(1);
    expect(calls.services.sts?.actions.GetCallerIdentity?.total).toBe(1);
    expect(reset.status).toBe(200);
    expect(afterReset.messages).toEqual([]);
    expect(sandbox.state.findKey('AKIABOB0000000000001')?.status).toBe('Active');
    expect(sandbox.state.calls().total).toBe(0);
  });

  it('reads and sets the clock through /_sandbox/clock', async () => {
    const read = await (await fetch(`${sandbox.url}/_sandbox/clock`)).json();
    expect(read).toEqual({ now: '2026-11-20T00:00:00.000Z', fixed: true });
    const set = await fetch(`${sandbox.url}/_sandbox/clock`, {
      method: 'POST',
      body: JSON.stringify({ now: '2027-01-01T00:00:00Z' }),
    });
    expect(await set.json()).toEqual({ now: '2027-01-01T00:00:00.000Z', fixed: true });
    expect(sandbox.state.clock.now()).toEqual(new Date('2027-01-01T00:00:00Z'));
    const bad = await fetch(`${sandbox.url}/_sandbox/clock`, { method: 'POST', body: '{"now":"tomorrow"}' });
    expect(bad.status).toBe(400);
    const unknown = await fetch(`${sandbox.url}/_sandbox/nothing`);
    expect(unknown.status).toBe(404);
  });
});
