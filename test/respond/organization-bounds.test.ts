import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ExposedKeyResponse } from '../../src/respond/respond.js';
import {
  ANALYTICS,
  LEGACY,
  MANAGEMENT,
  ORG_AUDITOR_KEY,
  ORG_BUCKET,
  ORG_TOPIC_ARN,
  organizationFixture,
  PAYMENTS,
} from '../support/organization-fixture.js';
import { coldStart, lambdaContext, useSandbox } from '../support/sandbox-lifecycle.js';

const SAMPLE = JSON.parse(readFileSync(new URL('../../events/exposed-key.json', import.meta.url), 'utf8'));
/** An account outside the organization. */
const OUTSIDER = '999999999999';

const env = useSandbox(() => organizationFixture());

type Handler = (event: unknown, context: typeof lambdaContext) => Promise<ExposedKeyResponse>;

/** The responder deployed in the management account of the organization. */
async function responder(): Promise<Handler> {
  const handler = await coldStart(env.sandbox, 'exposed-key-responder', {
    AWS_ACCESS_KEY_ID: ORG_AUDITOR_KEY,
    REPORT_TOPIC_ARN: ORG_TOPIC_ARN,
    REPORT_BUCKET: ORG_BUCKET,
  });
  return handler as unknown as Handler;
}

/** A member account's Health event, forwarded to the auditor's bus (its `account` is the member's). */
function healthEvent(accountId: string, accessKeyId: string) {
  const event = structuredClone(SAMPLE);
  event.account = accountId;
  event.detail.affectedEntities = [{ entityValue: accessKeyId }];
  return event;
}

const statusOf = (accessKeyId: string) => env.sandbox.state.findKey(accessKeyId)?.status;
const alerts = () => env.sandbox.state.published.filter((m) => m.topicArn === ORG_TOPIC_ARN);

describe('Function: exposedKeyResponder in an organization', () => {
  it('deactivates the key of an ACTIVE member account through the member role, and pages the organization topic', async () => {
    // Prepare
    const handler = await responder();
    // Act
    const response = await handler(healthEvent(PAYMENTS, 'AKIAPAYSTALE00000001'), lambdaContext);
    // Assess
    expect(response.keys.map((k) => [k.userName, k.outcome])).toEqual([['pay-stale', 'deactivated']]);
    expect(statusOf('AKIAPAYSTALE00000001')).toBe('Inactive');
    expect(statusOf('AKIAPAYUNUSED0000001')).toBe('Active');
    expect(alerts().map((m) => m.messageAttributes.accountId?.StringValue)).toEqual([PAYMENTS]);
  });

  it.each([
    [LEGACY, 'AKIALEGACYSTALE00001', `account ${LEGACY} is SUSPENDED in the organization`],
    [
      OUTSIDER,
      'AKIAOUTSIDER00000001',
      `account ${OUTSIDER} is neither the responder's account (${MANAGEMENT}) nor an account of its organization`,
    ],
    [ANALYTICS, 'AKIAANASTALE00000001', `could not assume arn:aws:iam::${ANALYTICS}:role/key-hygiene/`],
  ])('touches no key of account %s and pages why', async (accountId, accessKeyId, reason) => {
    // Prepare
    const handler = await responder();
    const before = env.sandbox.state.findKey(accessKeyId)?.status;
    // Act
    const response = await handler(healthEvent(accountId, accessKeyId), lambdaContext);
    // Assess
    expect(response.keys.map((k) => k.outcome)).toEqual(['refused']);
    expect(env.sandbox.state.findKey(accessKeyId)?.status).toBe(before);
    expect(env.sandbox.state.calls().services.iam?.actions.UpdateAccessKey?.total ?? 0).toBe(0);
    expect(alerts()).toHaveLength(1);
    expect(alerts()[0]?.messageAttributes).toMatchObject({
      severity: { StringValue: 'critical' },
      outcome: { StringValue: 'refused' },
      accountId: { StringValue: accountId },
    });
    expect(alerts()[0]?.bodies.email).toContain(`What key-hygiene did: nothing: ${reason}`);
  });
});
