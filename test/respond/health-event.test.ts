import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { healthEventError } from '../../src/respond/health-event.js';

const SAMPLE = JSON.parse(readFileSync(new URL('../../events/exposed-key.json', import.meta.url), 'utf8'));
const PREFIX = 'Not an AWS_RISK_CREDENTIALS_EXPOSED AWS Health event: ';
const NOT_A_KEY =
  'detail.affectedEntities.0.entityValue: expected an access key id (AKIA and 16 letters or digits)';
const NOT_AN_ACCOUNT = 'account: an AWS account id is 12 digits';

/** The sample event of events/, with this account or these affected entities. */
function event(change: { account?: string; entities?: { entityValue: string }[] }) {
  const copy = structuredClone(SAMPLE);
  if (change.account !== undefined) copy.account = change.account;
  if (change.entities !== undefined) copy.detail.affectedEntities = change.entities;
  return copy;
}

describe('Function: healthEventError', () => {
  it('accepts the AWS Health exposed-key event as EventBridge delivers it', () => {
    expect(healthEventError(SAMPLE)).toBeNull();
  });

  it('names every bad field of the event by its path, in one HealthEventError', () => {
    // Act
    const error = healthEventError(
      event({ account: '11111111111', entities: [{ entityValue: 'ASIATEMPORARY0000001' }] }),
    );
    // Assess
    expect(error?.name).toBe('HealthEventError');
    expect(error?.message).toBe(`${PREFIX}${NOT_AN_ACCOUNT}; ${NOT_A_KEY}`);
  });

  it.each([
    ['with something before it', 'x111111111111'],
    ['with a thirteenth digit', '1111111111112'],
  ])('refuses an account id %s', (_, account) => {
    expect(healthEventError(event({ account }))?.message).toBe(`${PREFIX}${NOT_AN_ACCOUNT}`);
  });

  it.each([
    ['with something before it', 'XAKIACIPUBLISHER00001'],
    ['with something after it', 'AKIACIPUBLISHER00001X'],
  ])('refuses an affected entity that is not exactly a long-term key id: one %s', (_, entityValue) => {
    expect(healthEventError(event({ entities: [{ entityValue }] }))?.message).toBe(`${PREFIX}${NOT_A_KEY}`);
  });

  it('refuses an event that names no key', () => {
    expect(healthEventError(event({ entities: [] }))?.message).toBe(
      `${PREFIX}detail.affectedEntities: expected at least one affected entity (the exposed access key id)`,
    );
  });

  it('says when the event is not an object at all', () => {
    expect(healthEventError('AWS_RISK_CREDENTIALS_EXPOSED')?.message).toBe(
      `${PREFIX}(event): Invalid input: expected object, received string`,
    );
  });
});
