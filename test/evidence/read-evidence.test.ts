import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { beforeEach, describe, expect, it } from 'vitest';
import type { LimiterTime } from '../../src/aws/rate-limiter.js';
import { classifyUsage } from '../../src/evidence/classify-usage.js';
import { type EvidenceKey, type EvidenceRequest, readEvidence } from '../../src/evidence/read-evidence.js';
import { AUDITOR_KEY, useAcmeSandbox } from '../sandbox/helpers.js';

const NOW = new Date('2026-11-20T00:00:00Z');
const CI: EvidenceKey = {
  accessKeyId: 'AKIADEPLOYER00000001',
  userName: 'svc-deployer',
  lastUsedRegion: 'us-east-1',
};
const LAPTOP: EvidenceKey = {
  accessKeyId: 'AKIAIVAN000000000001',
  userName: 'ivan',
  lastUsedRegion: 'us-east-1',
};
const LAMBDA: EvidenceKey = {
  accessKeyId: 'AKIAJUDY000000000001',
  userName: 'judy',
  lastUsedRegion: 'us-east-1',
};
const MIXED: EvidenceKey = {
  accessKeyId: 'AKIAJUDY000000000002',
  userName: 'judy',
  lastUsedRegion: 'us-east-1',
};

describe('Function: readEvidence (on the sandbox)', () => {
  const sandbox = useAcmeSandbox();
  beforeEach(() => {
    sandbox.faults.reset();
  });
  const cloudtrail = (region: string) =>
    new CloudTrailClient({
      region,
      endpoint: sandbox.url,
      maxAttempts: 1,
      credentials: { accessKeyId: AUDITOR_KEY, secretAccessKey: 'x' },
    });
  /** Pacing and backoff move the sandbox clock, which refills CloudTrail's lookup bucket: no real sleep. */
  const sandboxTime = (): LimiterTime => ({
    now: () => sandbox.state.clock.now().getTime(),
    sleep: async (ms) => {
      sandbox.state.clock.advance(ms);
    },
  });
  const deps = (time: LimiterTime = sandboxTime()) => ({ cloudtrail, clock: () => NOW, time });
  const request = (keys: EvidenceKey[], extra: Partial<EvidenceRequest> = {}): EvidenceRequest => ({
    keys,
    homeRegion: 'us-east-1',
    days: 90,
    maxPagesPerKey: 4,
    timeBudgetMs: 120_000,
    ...extra,
  });
  const lookups = () => sandbox.state.calls().services.cloudtrail?.actions.LookupEvents;

  it("summarises each key's 90 days and tells a pipeline, a person, a workload on AWS and an ambiguous key apart", async () => {
    // Act
    const evidence = await readEvidence(deps(), request([CI, LAPTOP, LAMBDA, MIXED]));
    // Assess
    expect(evidence.map((e) => [e.accessKeyId, e.summary.events, e.gap])).toEqual([
      ['AKIADEPLOYER00000001', 140, null],
      ['AKIAIVAN000000000001', 90, null],
      ['AKIAJUDY000000000001', 120, null],
      ['AKIAJUDY000000000002', 40, null],
    ]);
    expect(evidence.map((e) => classifyUsage(e.summary).profile)).toEqual([
      'pipeline',
      'person',
      'workload-on-aws',
      'unknown',
    ]);
    const [ci] = evidence;
    expect(ci?.summary.lastSeen).toEqual(new Date('2026-11-19T22:00:00Z'));
    expect(ci?.lookups).toBe(3);
    expect(ci?.regions).toEqual(['us-east-1']);
    expect(ci?.summary.agents.map((a) => a.value).sort()).toEqual(['AWS CLI', 'Terraform']);
  });

  it('never asks more than 2 lookups a second of a region: the read is paced, not throttled', async () => {
    // Prepare
    const started = sandbox.state.clock.now().getTime();
    // Act
    const evidence = await readEvidence(deps(), request([CI, LAPTOP, LAMBDA, MIXED]));
    // Assess
    const made = evidence.reduce((sum, e) => sum + e.lookups, 0);
    expect(made).toBe(3 + 2 + 3 + 1);
    expect(lookups()).toMatchObject({ total: made, throttled: 0 });
    // A burst of 2, then one every half second.
    expect(sandbox.state.clock.now().getTime() - started).toBeGreaterThanOrEqual(((made - 2) / 2) * 1000);
  });

  it('retries a throttled lookup after a backoff when another reader shares the account and region, and completes', async () => {
    // Act: two reads at once (the nightly audit and the responder), each with its own limiter.
    const [first, second] = await Promise.all([
      readEvidence(deps(), request([CI, LAMBDA])),
      readEvidence(deps(), request([LAPTOP, MIXED])),
    ]);
    // Assess
    expect(lookups()?.throttled).toBeGreaterThan(0);
    expect(
      [...(first ?? []), ...(second ?? [])].map((e) => [e.accessKeyId, e.gap, e.summary.events]),
    ).toEqual([
      ['AKIADEPLOYER00000001', null, 140],
      ['AKIAJUDY000000000001', null, 120],
      ['AKIAIVAN000000000001', null, 90],
      ['AKIAJUDY000000000002', null, 40],
    ]);
  });

  it('gives up on a key throttled 5 times in a row, keeps what it read, and says so on that key', async () => {
    // Prepare: a clock only the reader sees, so CloudTrail's bucket never refills.
    let now = 0;
    const stuck: LimiterTime = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
      },
    };
    // Act
    const [ci] = await readEvidence(deps(stuck), request([CI]));
    // Assess
    expect(ci).toMatchObject({ gap: 'throttled', lookups: 2 + 5 });
    expect(ci?.summary.events).toBe(100);
    expect(ci?.error).toContain(
      'AKIADEPLOYER00000001 of user svc-deployer in us-east-1 was throttled 5 times',
    );
  });

  it('stops a key at its page budget and marks it incomplete, without an error', async () => {
    // Act
    const [ci, laptop] = await readEvidence(deps(), request([CI, LAPTOP], { maxPagesPerKey: 2 }));
    // Assess
    expect(ci).toMatchObject({ gap: 'budget', error: null, lookups: 2 });
    expect(ci?.summary.events).toBe(100);
    expect(laptop).toMatchObject({ gap: null, lookups: 2 });
    expect(laptop?.summary.events).toBe(90);
  });

  it('starts no lookup once the time budget is spent; the keys not reached are marked incomplete', async () => {
    // Act: 2 lookups at once, then one each half second: 1.5 s allows 5.
    const evidence = await readEvidence(deps(), request([CI, LAPTOP, LAMBDA, MIXED], { timeBudgetMs: 1500 }));
    // Assess
    expect(evidence.map((e) => [e.accessKeyId, e.gap, e.lookups])).toEqual([
      ['AKIADEPLOYER00000001', null, 3],
      ['AKIAIVAN000000000001', null, 2],
      ['AKIAJUDY000000000001', 'budget', 0],
      ['AKIAJUDY000000000002', 'budget', 0],
    ]);
    expect(lookups()?.total).toBe(5);
  });

  it('records a denied lookup as an error on that key only, saying which permission to grant', async () => {
    // Prepare
    sandbox.faults.add({ operation: 'cloudtrail:LookupEvents', code: 'AccessDenied', after: 0, times: 1 });
    // Act
    const [ci, laptop] = await readEvidence(deps(), request([CI, LAPTOP]));
    // Assess
    expect(ci).toMatchObject({ gap: 'denied' });
    expect(ci?.summary.events).toBe(0);
    expect(ci?.error).toMatch(
      /^CloudTrail LookupEvents for key AKIADEPLOYER00000001 of user svc-deployer failed: AccessDeniedException: .*Grant the auditor's role cloudtrail:LookupEvents\.$/,
    );
    expect(laptop).toMatchObject({ gap: null, error: null });
    expect(laptop?.summary.events).toBe(90);
  });

  it("reads the key's last-used region and the home region, counting an event read in both once", async () => {
    // Act
    const [elsewhere, global] = await readEvidence(
      deps(),
      request([
        { ...LAPTOP, lastUsedRegion: 'eu-west-1' },
        { ...MIXED, lastUsedRegion: 'N/A' },
      ]),
    );
    // Assess
    expect(elsewhere).toMatchObject({ regions: ['eu-west-1', 'us-east-1'], lookups: 4, gap: null });
    expect(elsewhere?.summary.events).toBe(90);
    expect(global).toMatchObject({ regions: ['us-east-1'], lookups: 1 });
  });

  it('reads a key last used by a global service (N/A) in us-east-1, where CloudTrail records IAM, then at home', async () => {
    // Act
    const [global] = await readEvidence(
      deps(),
      request([{ ...MIXED, lastUsedRegion: 'N/A' }], { homeRegion: 'eu-west-1' }),
    );
    // Assess
    expect(global?.regions).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('reads only the window asked for: 30 days back', async () => {
    // Prepare
    const direct = await cloudtrail('us-east-1').send(
      new LookupEventsCommand({
        LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: LAPTOP.accessKeyId }],
        StartTime: new Date('2026-10-21T00:00:00Z'),
        EndTime: NOW,
      }),
    );
    sandbox.state.clock.advance(1000);
    // Act
    const [laptop] = await readEvidence(deps(), request([LAPTOP], { days: 30 }));
    // Assess
    expect(laptop?.summary.events).toBe(direct.Events?.length);
    expect(laptop?.summary.firstSeen?.getTime()).toBeGreaterThanOrEqual(Date.parse('2026-10-21T00:00:00Z'));
  });
});
