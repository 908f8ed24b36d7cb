import { SESv2Client, SendEmailCommand, type SendEmailCommandInput } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FixtureError, type RunningSandbox, type SentEmail, startSandbox } from '../../src/sandbox/index.js';
import { AUDITOR_KEY, DEV, errorOf, PROD } from './helpers.js';

const DEV_KEY = 'AKIADEVSENDER0000001';

describe('Sandbox SES v2', () => {
  let sandbox: RunningSandbox;
  let ses: SESv2Client;
  let devSes: SESv2Client;

  const client = (accessKeyId: string, region = 'eu-west-1', maxAttempts = 1) =>
    new SESv2Client({
      region,
      endpoint: sandbox.url,
      maxAttempts,
      credentials: { accessKeyId, secretAccessKey: 'not-checked-by-the-sandbox' },
    });

  const simple = (overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput => ({
    FromEmailAddress: 'Key hygiene <notices@acme.example>',
    Destination: { ToAddresses: ['erin@acme.example'], CcAddresses: ['lead@acme.example'] },
    Content: {
      Simple: {
        Subject: { Data: 'Your access key AKIAERIN000000000001 will be deactivated', Charset: 'UTF-8' },
        Body: {
          Text: { Data: 'Deadline: 2026-11-27', Charset: 'UTF-8' },
          Html: { Data: '<p>Deadline: <b>2026-11-27</b></p>', Charset: 'UTF-8' },
        },
      },
    },
    ...overrides,
  });

  beforeAll(async () => {
    sandbox = await startSandbox({
      fixture: {
        now: '2026-11-20T00:00:00Z',
        accounts: [
          {
            id: PROD,
            users: [
              {
                name: 'key-hygiene-auditor',
                createDate: '2024-01-01T00:00:00Z',
                accessKeys: [{ id: AUDITOR_KEY, status: 'Active', createDate: '2024-01-01T00:00:00Z' }],
              },
            ],
            ses: { identities: ['acme.example', 'security@other.example'], configurationSets: ['notices'] },
          },
          {
            id: DEV,
            users: [
              {
                name: 'sender',
                createDate: '2024-01-01T00:00:00Z',
                accessKeys: [{ id: DEV_KEY, status: 'Active', createDate: '2024-01-01T00:00:00Z' }],
              },
            ],
            ses: { identities: ['notices@acme.example'], sandbox: true },
          },
        ],
      },
    });
    ses = client(AUDITOR_KEY);
    devSes = client(DEV_KEY);
  });
  afterAll(async () => {
    ses.destroy();
    devSes.destroy();
    await sandbox.close();
  });
  beforeEach(() => {
    sandbox.state.reset();
    sandbox.faults.reset();
    sandbox.faults.configure({ latencyMs: 0, throttleRps: 0, failRate: 0 });
  });

  it('records a simple message from a verified domain with every part, on the sandbox clock', async () => {
    // Act
    const { MessageId } = await ses.send(
      new SendEmailCommand(
        simple({
          ReplyToAddresses: ['security@acme.example'],
          EmailTags: [{ Name: 'stage', Value: 'notice' }],
          ConfigurationSetName: 'notices',
        }),
      ),
    );

    // Assess
    expect(MessageId).toMatch(/^[0-9a-f]{16}-[0-9a-f-]{36}-000000$/);
    const expected: SentEmail = {
      messageId: MessageId ?? '',
      accountId: PROD,
      region: 'eu-west-1',
      from: 'Key hygiene <notices@acme.example>',
      to: ['erin@acme.example'],
      cc: ['lead@acme.example'],
      bcc: [],
      replyTo: ['security@acme.example'],
      subject: 'Your access key AKIAERIN000000000001 will be deactivated',
      text: 'Deadline: 2026-11-27',
      html: '<p>Deadline: <b>2026-11-27</b></p>',
      raw: null,
      configurationSetName: 'notices',
      tags: { stage: 'notice' },
      timestamp: '2026-11-20T00:00:00.000Z',
    };
    expect(sandbox.state.sentEmails).toEqual([expected]);
    expect(sandbox.state.calls().services.ses?.actions.SendEmail?.total).toBe(1);
  });

  it('serves the recorded messages on GET /_sandbox/emails, filtered by recipient', async () => {
    // Prepare
    await ses.send(new SendEmailCommand(simple()));
    await ses.send(
      new SendEmailCommand(simple({ Destination: { BccAddresses: ['Frank <frank@acme.example>'] } })),
    );

    // Act
    const all = (await (await fetch(`${sandbox.url}/_sandbox/emails`)).json()) as { emails: unknown[] };
    const frank = (await (await fetch(`${sandbox.url}/_sandbox/emails?to=frank@acme.example`)).json()) as {
      emails: { bcc: string[] }[];
    };

    // Assess
    expect(all.emails).toHaveLength(2);
    expect(frank.emails.map((e) => e.bcc)).toEqual([['Frank <frank@acme.example>']]);
  });

  it('rejects a sender that is not a verified identity, naming it and the region, and records nothing', async () => {
    // Act
    const error = await errorOf(
      ses.send(new SendEmailCommand(simple({ FromEmailAddress: 'notices@elsewhere.example' }))),
    );
    // An address identity verifies that address only, not its domain's other addresses.
    const sibling = await errorOf(
      ses.send(new SendEmailCommand(simple({ FromEmailAddress: 'other@other.example' }))),
    );
    await ses.send(new SendEmailCommand(simple({ FromEmailAddress: 'security@other.example' })));

    // Assess
    expect(error).toMatchObject({
      name: 'MessageRejected',
      status: 400,
      message:
        'Email address is not verified. The following identities failed the check in region EU-WEST-1: notices@elsewhere.example',
    });
    expect(sibling.name).toBe('MessageRejected');
    expect(sandbox.state.sentEmails.map((e) => e.from)).toEqual(['security@other.example']);
  });

  it('rejects unverified recipients while the account is in the SES sandbox', async () => {
    // Act
    const error = await errorOf(
      devSes.send(
        new SendEmailCommand(
          simple({
            FromEmailAddress: 'notices@acme.example',
            Destination: { ToAddresses: ['notices@acme.example', 'erin@acme.example'] },
          }),
        ),
      ),
    );
    await devSes.send(
      new SendEmailCommand(
        simple({
          FromEmailAddress: 'notices@acme.example',
          Destination: { ToAddresses: ['notices@acme.example'] },
        }),
      ),
    );

    // Assess
    expect(error).toMatchObject({ name: 'MessageRejected', status: 400 });
    expect(error.message).toMatch(/failed the check in region EU-WEST-1: erin@acme\.example$/);
    expect(sandbox.state.sentEmails.map((e) => e.accountId)).toEqual([DEV]);
  });

  it('answers BadRequestException naming the missing field', async () => {
    // Act
    const noContent = await errorOf(
      ses.send(new SendEmailCommand({ ...simple(), Content: undefined } as unknown as SendEmailCommandInput)),
    );
    const noSubject = await errorOf(
      ses.send(
        new SendEmailCommand(simple({ Content: { Simple: { Body: { Text: { Data: 'hi' } } } } as never })),
      ),
    );
    const noFrom = await errorOf(ses.send(new SendEmailCommand(simple({ FromEmailAddress: undefined }))));
    const noRecipient = await errorOf(ses.send(new SendEmailCommand(simple({ Destination: {} }))));
    const badAddress = await errorOf(
      ses.send(new SendEmailCommand(simple({ Destination: { ToAddresses: ['erin'] } }))),
    );
    const tooMany = await errorOf(
      ses.send(
        new SendEmailCommand(
          simple({
            Destination: { ToAddresses: Array.from({ length: 51 }, (_, i) => `u${i}@acme.example`) },
          }),
        ),
      ),
    );

    // Assess
    for (const error of [noContent, noSubject, noFrom, noRecipient, badAddress, tooMany]) {
      expect(error).toMatchObject({ name: 'BadRequestException', status: 400 });
    }
    expect(noContent.message).toContain("Value null at 'content'");
    expect(noSubject.message).toContain("Value null at 'content.simple.subject'");
    expect(noFrom.message).toContain("Value null at 'fromEmailAddress'");
    expect(noRecipient.message).toContain("'To'");
    expect(badAddress.message).toContain("Missing final '@domain'");
    expect(tooMany.message).toBe('Recipient count exceeds 50.');
    expect(sandbox.state.sentEmails).toEqual([]);
  });

  it('answers NotFoundException for a configuration set the account does not have', async () => {
    // Act
    const error = await errorOf(ses.send(new SendEmailCommand(simple({ ConfigurationSetName: 'missing' }))));

    // Assess
    expect(error).toMatchObject({ name: 'NotFoundException', status: 404 });
    expect(error.message).toContain('missing');
  });

  it('records raw content, taking the sender and recipients from its headers', async () => {
    // Prepare
    const mime = [
      'From: Key hygiene <notices@acme.example>',
      'To: erin@acme.example, lead@acme.example',
      'Subject: Action taken on',
      ' your key',
      'Content-Type: text/plain; charset=UTF-8',
      '',
      'Key AKIAERIN000000000001 was deactivated.',
    ].join('\r\n');

    // Act
    await ses.send(new SendEmailCommand({ Content: { Raw: { Data: new TextEncoder().encode(mime) } } }));

    // Assess
    expect(sandbox.state.sentEmails[0]).toMatchObject({
      from: 'Key hygiene <notices@acme.example>',
      to: ['erin@acme.example', 'lead@acme.example'],
      subject: 'Action taken on your key',
      text: null,
      raw: mime,
    });
  });

  it('applies fault rules and the throttle as SES words them', async () => {
    // Prepare
    sandbox.faults.add({ operation: 'ses:SendEmail', code: 'AccessDenied', times: 1 });

    // Act
    const denied = await errorOf(ses.send(new SendEmailCommand(simple())));
    sandbox.faults.configure({ throttleRps: 1 });
    await ses.send(new SendEmailCommand(simple()));
    const throttled = await errorOf(ses.send(new SendEmailCommand(simple())));

    // Assess
    expect(denied).toMatchObject({ name: 'AccessDeniedException', status: 403 });
    expect(denied.message).toContain(`ses:SendEmail on resource: arn:aws:ses:eu-west-1:${PROD}:identity/`);
    expect(throttled).toMatchObject({ name: 'TooManyRequestsException', status: 429 });
    expect(sandbox.state.sentEmails).toHaveLength(1);
    expect(sandbox.state.calls().services.ses).toMatchObject({ total: 3, throttled: 1, failed: 1 });
  });

  it('records every one of many concurrent sends once, each with its own message id', async () => {
    // Prepare
    sandbox.faults.configure({ latencyMs: 20 });
    const owners = Array.from({ length: 12 }, (_, i) => `owner${i}@acme.example`);

    // Act
    const answers = await Promise.all(
      owners.map((owner) =>
        ses.send(new SendEmailCommand(simple({ Destination: { ToAddresses: [owner] } }))),
      ),
    );

    // Assess
    expect(new Set(answers.map((a) => a.MessageId)).size).toBe(owners.length);
    expect(sandbox.state.sentEmails.map((e) => e.to[0]).sort()).toEqual([...owners].sort());
  });

  it('refuses a fixture identity that is neither an address nor a domain', async () => {
    // Act
    const started = startSandbox({
      fixture: { accounts: [{ id: PROD, ses: { identities: ['not an identity'] } }] },
    });

    // Assess
    await expect(started).rejects.toBeInstanceOf(FixtureError);
    await expect(started).rejects.toThrow('accounts[0].ses.identities[0]: not an email address or domain');
  });
});
