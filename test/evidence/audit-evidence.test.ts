import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/audit.js';
import { createClients } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import { reportSchema } from '../../src/model.js';
import type { AuditDeps } from '../../src/run-start.js';
import { AUDITOR_KEY, useAcmeSandbox } from '../sandbox/helpers.js';

describe('Usage evidence in an audit (EVIDENCE=on)', () => {
  const sandbox = useAcmeSandbox();
  const deps = (extra: Partial<AuditDeps> = {}): AuditDeps => {
    const credentials = { accessKeyId: AUDITOR_KEY, secretAccessKey: 'x' };
    const clients = createClients({
      endpoint: sandbox.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials,
    });
    return {
      ...clients,
      evidenceTrail: (region: string) =>
        new CloudTrailClient({ region, endpoint: sandbox.url, maxAttempts: 1, credentials }),
      region: 'us-east-1',
      clock: () => sandbox.state.clock.now(),
      // The pacing waits move the sandbox clock: CloudTrail's bucket refills without a real wait.
      sleep: async (ms) => {
        sandbox.state.clock.advance(ms);
      },
      selfAccessKeyId: AUDITOR_KEY,
      logger: { info: () => undefined, warn: () => undefined },
      ...extra,
    };
  };

  it('adds the profile of each key with a finding used in the last 90 days to the JSON report, and reads nothing else', async () => {
    // Act: the live inventory knows every key's id (the credential report does not).
    const report = await runAudit(deps(), {
      settings: loadSettings({ EVIDENCE: 'on', INVENTORY_SOURCE: 'live' }),
    });
    // Assess
    expect(() => reportSchema.parse(JSON.parse(JSON.stringify(report)))).not.toThrow();
    const profiles = Object.fromEntries((report.evidence ?? []).map((e) => [e.accessKeyId, e.profile]));
    expect(profiles).toEqual({
      AKIADEPLOYER00000001: 'pipeline',
      AKIAIVAN000000000001: 'person',
      AKIAJUDY000000000001: 'workload-on-aws',
      // The exposed key's 3 events are too few to tell; dave's last use (80 days ago) has no events here.
      AKIACIPUBLISHER00001: 'unknown',
      AKIADAVE000000000001: 'unknown',
    });
    // Keys whose findings are about disuse older than 90 days, or never used, are not read.
    expect(profiles).not.toHaveProperty('AKIABOB0000000000001');
    expect(profiles).not.toHaveProperty('AKIAERIN000000000001');
    expect(sandbox.state.calls().services.cloudtrail?.actions.LookupEvents?.throttled).toBe(0);
    const ci = report.evidence?.find((e) => e.accessKeyId === 'AKIADEPLOYER00000001');
    expect(ci).toMatchObject({ events: 140, lastSeen: '2026-11-19T22:00:00.000Z', gap: null, error: null });
  });

  it('finds the ids of the keys the credential report names by slot only, and reads them the same', async () => {
    // Act
    const report = await runAudit(deps(), {
      settings: loadSettings({ EVIDENCE: 'on', INVENTORY_SOURCE: 'credential-report' }),
    });
    // Assess
    expect(report.source.kind).toBe('credential-report');
    const profiles = Object.fromEntries((report.evidence ?? []).map((e) => [e.accessKeyId, e.profile]));
    expect(profiles).toEqual({
      AKIADEPLOYER00000001: 'pipeline',
      AKIAIVAN000000000001: 'person',
      AKIAJUDY000000000001: 'workload-on-aws',
      AKIACIPUBLISHER00001: 'unknown',
      AKIADAVE000000000001: 'unknown',
    });
  });

  it('reads no CloudTrail without a CloudTrail client (EVIDENCE=off) and for a preview of another date', async () => {
    // Act
    const { evidenceTrail: _unused, ...withoutTrail } = deps();
    const off = await runAudit(withoutTrail, { settings: loadSettings({ INVENTORY_SOURCE: 'live' }) });
    const preview = await runAudit(deps(), {
      settings: loadSettings({ EVIDENCE: 'on', INVENTORY_SOURCE: 'live', AS_OF: '2026-12-01T00:00:00Z' }),
    });
    // Assess
    expect(off.evidence).toBeUndefined();
    expect(preview.evidence).toBeUndefined();
    expect(sandbox.state.calls().services.cloudtrail).toBeUndefined();
  });
});
