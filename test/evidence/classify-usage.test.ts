import { describe, expect, it } from 'vitest';
import { classifyUsage } from '../../src/evidence/classify-usage.js';
import type { EvidenceSummary } from '../../src/evidence/summarize-events.js';

/** A recorded summary: what the summariser gave for a key, written out here. */
function summary(partial: Partial<EvidenceSummary>): EvidenceSummary {
  return {
    events: 100,
    firstSeen: new Date('2026-08-22T06:00:00Z'),
    lastSeen: new Date('2026-11-19T22:00:00Z'),
    distinctSources: 0,
    sources: [],
    agents: [],
    runtimes: [],
    services: [{ value: 'sts', count: 100 }],
    topEvents: [{ value: 'sts:GetCallerIdentity', count: 100 }],
    regions: [{ value: 'us-east-1', count: 100 }],
    distinctPublicSources: 0,
    signals: { pipeline: 0, onAws: 0, sdk: 0, interactive: 0 },
    ...partial,
  };
}

const CI_KEY = summary({
  events: 140,
  distinctSources: 3,
  distinctPublicSources: 3,
  sources: [
    { value: '198.51.100.14', count: 50, kind: 'ipv4' },
    { value: '198.51.100.37', count: 46, kind: 'ipv4' },
    { value: '198.51.100.52', count: 44, kind: 'ipv4' },
  ],
  agents: [
    { value: 'Terraform', count: 72, kind: 'infrastructure' },
    { value: 'AWS CLI', count: 68, kind: 'cli' },
  ],
  runtimes: [{ value: 'GitHub Actions', count: 68, on: 'ci' }],
  signals: { pipeline: 140, onAws: 0, sdk: 0, interactive: 68 },
});

const LAPTOP_KEY = summary({
  events: 90,
  distinctSources: 6,
  distinctPublicSources: 6,
  sources: [
    { value: '203.0.113.17', count: 18, kind: 'ipv4' },
    { value: '2001:db8:4a7:1c00::1f', count: 16, kind: 'ipv6' },
    { value: '192.0.2.88', count: 15, kind: 'ipv4' },
    { value: '2001:db8:85a3::8a2e:370:7334', count: 14, kind: 'ipv6' },
    { value: '203.0.113.94', count: 14, kind: 'ipv4' },
    { value: '198.51.100.201', count: 13, kind: 'ipv4' },
  ],
  agents: [
    { value: 'AWS CLI', count: 61, kind: 'cli' },
    { value: 'Console or browser', count: 29, kind: 'console' },
  ],
  signals: { pipeline: 0, onAws: 0, sdk: 0, interactive: 90 },
});

const LAMBDA_KEY = summary({
  events: 120,
  distinctSources: 2,
  sources: [
    { value: 'AWS Internal', count: 61, kind: 'aws-internal' },
    { value: 'lambda.amazonaws.com', count: 59, kind: 'aws-service' },
  ],
  agents: [{ value: 'SDK (JavaScript)', count: 120, kind: 'sdk' }],
  runtimes: [{ value: 'AWS Lambda', count: 120, on: 'aws' }],
  signals: { pipeline: 0, onAws: 120, sdk: 120, interactive: 0 },
});

const DATA_CENTRE_KEY = summary({
  events: 300,
  distinctSources: 2,
  distinctPublicSources: 2,
  sources: [
    { value: '192.0.2.10', count: 200, kind: 'ipv4' },
    { value: '192.0.2.11', count: 100, kind: 'ipv4' },
  ],
  agents: [
    { value: 'SDK (Java)', count: 290, kind: 'sdk' },
    { value: 'AWS CLI', count: 10, kind: 'cli' },
  ],
  signals: { pipeline: 0, onAws: 0, sdk: 290, interactive: 10 },
});

describe('Function: classifyUsage', () => {
  it('calls a key used by Terraform and the CLI on GitHub Actions a pipeline, naming the tools', () => {
    // Act
    const result = classifyUsage(CI_KEY);
    // Assess
    expect(result).toEqual({
      profile: 'pipeline',
      reasons: ['100 % of calls from infrastructure or CI tools', 'tools: Terraform', 'CI: GitHub Actions'],
    });
  });

  it('calls a key used by an SDK from AWS Internal and lambda.amazonaws.com a workload on AWS', () => {
    // Act
    const result = classifyUsage(LAMBDA_KEY);
    // Assess
    expect(result).toEqual({
      profile: 'workload-on-aws',
      reasons: [
        '100 % of calls from inside AWS',
        'sources: AWS Internal, lambda.amazonaws.com',
        'runs on: AWS Lambda',
      ],
    });
  });

  it('calls a key used by an SDK from two stable addresses outside AWS a workload elsewhere', () => {
    // Act
    const result = classifyUsage(DATA_CENTRE_KEY);
    // Assess
    expect(result).toEqual({
      profile: 'workload-elsewhere',
      reasons: ['97 % of calls from an SDK (SDK (Java))', 'from 2 stable addresses outside AWS'],
    });
  });

  it('calls a key used by the CLI and the console from six addresses, IPv6 among them, a person', () => {
    // Act
    const result = classifyUsage(LAPTOP_KEY);
    // Assess
    expect(result).toEqual({
      profile: 'person',
      reasons: ['100 % of calls from AWS CLI, Console or browser', 'from 6 different addresses'],
    });
  });

  it('leaves a mix of SDK, CLI and an unknown tool unknown, saying what the mix is', () => {
    // Prepare
    const mixed = summary({
      events: 40,
      distinctSources: 3,
      distinctPublicSources: 3,
      agents: [
        { value: 'SDK (Python)', count: 15, kind: 'sdk' },
        { value: 'AWS CLI', count: 14, kind: 'cli' },
        { value: 'Other (my-internal-tool)', count: 11, kind: 'unknown' },
      ],
      signals: { pipeline: 0, onAws: 0, sdk: 15, interactive: 14 },
    });
    // Act
    const result = classifyUsage(mixed);
    // Assess
    expect(result).toEqual({
      profile: 'unknown',
      reasons: [
        'no kind of caller makes 80 % of calls: SDK (Python) 38 %, AWS CLI 35 %, Other (my-internal-tool) 28 %',
        '3 addresses outside AWS',
      ],
    });
  });

  it('leaves a key whose evidence points two ways unknown: Terraform run from a Lambda function', () => {
    // Prepare
    const both = summary({
      events: 50,
      agents: [{ value: 'Terraform', count: 50, kind: 'infrastructure' }],
      runtimes: [{ value: 'AWS Lambda', count: 50, on: 'aws' }],
      signals: { pipeline: 50, onAws: 50, sdk: 0, interactive: 0 },
    });
    // Act
    const result = classifyUsage(both);
    // Assess
    expect(result).toEqual({
      profile: 'unknown',
      reasons: ['the evidence points to pipeline and workload-on-aws'],
    });
  });

  it('leaves the CLI from one address unknown: a person or a script on a server', () => {
    // Prepare
    const oneAddress = summary({
      events: 30,
      distinctSources: 1,
      distinctPublicSources: 1,
      agents: [{ value: 'AWS CLI', count: 30, kind: 'cli' }],
      signals: { pipeline: 0, onAws: 0, sdk: 0, interactive: 30 },
    });
    // Act
    const result = classifyUsage(oneAddress);
    // Assess
    expect(result.profile).toBe('unknown');
  });

  it('leaves an SDK from many addresses unknown: not a few stable ones', () => {
    // Prepare
    const roaming = summary({
      ...DATA_CENTRE_KEY,
      distinctSources: 9,
      distinctPublicSources: 9,
    });
    // Act
    const result = classifyUsage(roaming);
    // Assess
    expect(result.profile).toBe('unknown');
  });

  it('leaves a key with fewer than 5 events unknown, whatever they show', () => {
    // Prepare
    const few = summary({
      ...LAMBDA_KEY,
      events: 4,
      signals: { pipeline: 0, onAws: 4, sdk: 4, interactive: 0 },
    });
    // Act
    const result = classifyUsage(few);
    // Assess
    expect(result).toEqual({ profile: 'unknown', reasons: ['only 4 events read: too few to tell'] });
  });

  it('decides at 80 % of calls, not below', () => {
    // Prepare
    const at = summary({
      ...LAMBDA_KEY,
      events: 100,
      signals: { pipeline: 0, onAws: 80, sdk: 100, interactive: 0 },
    });
    const below = summary({
      ...LAMBDA_KEY,
      events: 100,
      signals: { pipeline: 0, onAws: 79, sdk: 100, interactive: 0 },
    });
    // Act, Assess
    expect(classifyUsage(at).profile).toBe('workload-on-aws');
    expect(classifyUsage(below).profile).not.toBe('workload-on-aws');
  });
});
