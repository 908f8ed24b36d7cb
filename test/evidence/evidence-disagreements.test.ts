import { describe, expect, it } from 'vitest';
import { evidenceDisagreements } from '../../src/evidence/evidence-disagreements.js';
import type { PlannedAction, UserRecord } from '../../src/model.js';

const NOW = new Date('2026-11-20T00:00:00Z');
const KEY = 'AKIAKEY0000000000001';

const action = (ruleId: PlannedAction['ruleId'] = 'unused-key'): PlannedAction => ({
  action: 'deactivate',
  ruleId,
  userName: 'kim',
  key: { kind: 'id', accessKeyId: KEY },
  status: 'planned',
  reason: null,
  error: null,
});

const user = (lastUsed: string | null): UserRecord => ({
  userName: 'kim',
  arn: 'arn:aws:iam::111111111111:user/kim',
  path: '/',
  createDate: new Date('2024-01-01T00:00:00Z'),
  tags: {},
  team: null,
  isRoot: false,
  keys: [
    {
      accessKeyId: KEY,
      slot: null,
      status: 'Active',
      createDate: new Date('2024-01-01T00:00:00Z'),
      lastUsed: lastUsed ? { date: new Date(lastUsed), service: 's3', region: 'us-east-1' } : null,
    },
  ],
});

describe('Function: evidenceDisagreements', () => {
  it('skips a deactivation when CloudTrail saw the key used after the last-used date, naming both', () => {
    // Act
    const [decided] = evidenceDisagreements(
      [action()],
      [user('2026-07-22T14:30:00Z')],
      [{ accessKeyId: KEY, lastSeen: new Date('2026-11-19T08:00:00Z') }],
      NOW,
    );
    // Assess
    expect(decided?.status).toBe('skipped');
    expect(decided?.reason).toContain('2026-11-19T08:00:00.000Z (16 hours ago)');
    expect(decided?.reason).toContain("IAM's last used 2026-07-22T14:30:00.000Z");
  });

  it('skips a deactivation of a key IAM says was never used when CloudTrail saw it used', () => {
    const [decided] = evidenceDisagreements(
      [action()],
      [user(null)],
      [{ accessKeyId: KEY, lastSeen: new Date('2026-10-01T08:00:00Z') }],
      NOW,
    );
    expect(decided?.status).toBe('skipped');
    expect(decided?.reason).toContain("IAM's never used");
  });

  it("keeps a deactivation when CloudTrail's newest event is IAM's last use (within its 15-minute rounding)", () => {
    const kept = evidenceDisagreements(
      [action()],
      [user('2026-07-22T14:30:00Z')],
      [{ accessKeyId: KEY, lastSeen: new Date('2026-07-22T14:44:00Z') }],
      NOW,
    );
    expect(kept[0]?.status).toBe('planned');
  });

  it('keeps a deactivation when CloudTrail has nothing on the key, and an exposed key whatever it says', () => {
    const nothing = evidenceDisagreements(
      [action()],
      [user('2026-07-22T14:30:00Z')],
      [{ accessKeyId: KEY, lastSeen: null }],
      NOW,
    );
    const exposed = evidenceDisagreements(
      [action('exposed-key')],
      [user('2026-07-22T14:30:00Z')],
      [{ accessKeyId: KEY, lastSeen: new Date('2026-11-19T08:00:00Z') }],
      NOW,
    );
    expect(nothing[0]?.status).toBe('planned');
    expect(exposed[0]?.status).toBe('planned');
  });
});
