import { IAMClient } from '@aws-sdk/client-iam';
import { beforeEach, describe, expect, it } from 'vitest';
import { withKeyIds } from '../../src/evidence/key-ids.js';
import { AUDITOR_KEY, useAcmeSandbox } from '../sandbox/helpers.js';

describe('Function: withKeyIds (on the sandbox)', () => {
  const sandbox = useAcmeSandbox();
  beforeEach(() => {
    sandbox.faults.reset();
  });
  const iam = () =>
    new IAMClient({
      region: 'us-east-1',
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'x' },
    });

  it("finds a slot-only key's id by its creation second, keeps known ids, and lists each user once", async () => {
    // Act
    const result = await withKeyIds(iam(), [
      {
        userName: 'ivan',
        accessKeyId: null,
        keyCreateDate: '2025-08-01T07:00:00+00:00',
        lastUsedRegion: 'us-east-1',
      },
      {
        userName: 'judy',
        accessKeyId: null,
        keyCreateDate: '2026-08-01T09:00:00+00:00',
        lastUsedRegion: 'us-east-1',
      },
      {
        userName: 'judy',
        accessKeyId: null,
        keyCreateDate: '2026-11-01T09:00:00+00:00',
        lastUsedRegion: 'us-east-1',
      },
      {
        userName: 'alice',
        accessKeyId: 'AKIAALICE00000000001',
        keyCreateDate: null,
        lastUsedRegion: 'us-east-1',
      },
    ]);
    // Assess
    expect(result.keys.map((k) => k.accessKeyId)).toEqual([
      'AKIAIVAN000000000001',
      'AKIAJUDY000000000001',
      'AKIAJUDY000000000002',
      'AKIAALICE00000000001',
    ]);
    expect(result.unresolved).toEqual([]);
    expect(sandbox.state.calls().services.iam?.actions.ListAccessKeys?.total).toBe(2);
  });

  it('leaves a key unread when its user cannot be listed or no key matches, saying why, and finds the others', async () => {
    // Prepare
    sandbox.faults.add({
      operation: 'iam:ListAccessKeys',
      params: { UserName: 'svc-deployer' },
      code: 'AccessDenied',
    });
    // Act
    const result = await withKeyIds(iam(), [
      {
        userName: 'svc-deployer',
        accessKeyId: null,
        keyCreateDate: '2024-02-01T00:30:00+00:00',
        lastUsedRegion: null,
      },
      {
        userName: 'ivan',
        accessKeyId: null,
        keyCreateDate: '2020-01-01T00:00:00+00:00',
        lastUsedRegion: null,
      },
      {
        userName: 'ivan',
        accessKeyId: null,
        keyCreateDate: '2025-08-01T07:00:00+00:00',
        lastUsedRegion: null,
      },
    ]);
    // Assess
    expect(result.keys.map((k) => k.accessKeyId)).toEqual(['AKIAIVAN000000000001']);
    expect(result.unresolved.map((u) => u.userName)).toEqual(['svc-deployer', 'ivan']);
    expect(result.unresolved[0]?.reason).toMatch(/^ListAccessKeys of user svc-deployer failed: AccessDenied/);
    expect(result.unresolved[1]?.reason).toContain('shows 0 keys created at 2020-01-01T00:00:00+00:00');
  });
});
