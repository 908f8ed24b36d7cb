import { describe, expect, it } from 'vitest';
import { wayOff } from '../../src/evidence/way-off.js';
import type { KeyEvidenceEntry } from '../../src/model.js';

const subject = { accountId: '111122223333', userName: 'svc-deployer', accessKeyId: 'AKIADEPLOYER00000001' };

function entry(overrides: Partial<KeyEvidenceEntry>): KeyEvidenceEntry {
  return {
    userName: 'svc-deployer',
    accessKeyId: 'AKIADEPLOYER00000001',
    keyCreateDate: '2024-02-01T00:30:00.000Z',
    profile: 'unknown',
    reasons: ['only 2 events read: too few to tell'],
    regionsRead: ['us-east-1'],
    events: 2,
    firstSeen: '2026-11-01T00:00:00.000Z',
    lastSeen: '2026-11-19T00:00:00.000Z',
    distinctSources: 1,
    sources: [],
    agents: [],
    runtimes: [],
    services: [],
    topEvents: [],
    regions: [],
    gap: null,
    error: null,
    ...overrides,
  };
}

/** The JSON policy a snippet embeds: the lines from the first `{` at the start of a line to its match. */
function policyIn(snippet: string): unknown {
  const lines = snippet.split('\n');
  const start = lines.indexOf('{');
  const end = lines.findIndex((line, index) => index > start && line === '}');
  return JSON.parse(lines.slice(start, end + 1).join('\n'));
}

describe('Function: wayOff', () => {
  it('gives a pipeline on GitHub Actions an OIDC provider and a role trusting only one repository branch', () => {
    // Prepare
    const ci = entry({
      profile: 'pipeline',
      reasons: ['100 % of calls from infrastructure or CI tools', 'CI: GitHub Actions'],
      runtimes: [{ value: 'GitHub Actions', count: 140, on: 'ci' }],
    });
    // Act
    const advice = wayOff(ci, subject);
    // Assess
    expect(advice.line).toContain('OIDC identity provider');
    expect(advice.line).toContain('GitHub Actions');
    expect(advice.line).not.toContain('GitLab');
    expect(advice.evidence).toBe('100 % of calls from infrastructure or CI tools; CI: GitHub Actions');
    expect(advice.url).toBe(
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html',
    );
    expect(advice.snippet).toContain(
      '--url https://token.actions.githubusercontent.com --client-id-list sts.amazonaws.com',
    );
    expect(policyIn(advice.snippet)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: {
            Federated: 'arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com',
          },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
              'token.actions.githubusercontent.com:sub': 'repo:<org>/<repo>:ref:refs/heads/main',
            },
          },
        },
      ],
    });
    expect(advice.snippet).not.toContain('gitlab');
    expect(advice.snippet).toContain(
      'aws iam update-access-key --user-name svc-deployer --access-key-id AKIADEPLOYER00000001 --status Inactive',
    );
  });

  it('gives a pipeline on GitLab CI the gitlab.com provider with a project and branch subject', () => {
    // Prepare
    const ci = entry({ profile: 'pipeline', runtimes: [{ value: 'GitLab CI', count: 20, on: 'ci' }] });
    // Act
    const advice = wayOff(ci, subject);
    // Assess
    expect(advice.line).toContain('GitLab CI');
    expect(advice.snippet).not.toContain('githubusercontent');
    expect(advice.snippet).toContain('--url https://gitlab.com --client-id-list https://gitlab.com');
    expect(policyIn(advice.snippet)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/gitlab.com' },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: {
              'gitlab.com:aud': 'https://gitlab.com',
              'gitlab.com:sub': 'project_path:<group>/<project>:ref_type:branch:ref:main',
            },
          },
        },
      ],
    });
  });

  it('shows both GitHub and GitLab when the agents do not say which CI ran them (Terraform alone)', () => {
    // Act
    const advice = wayOff(entry({ profile: 'pipeline', reasons: ['tools: Terraform'] }), subject);
    // Assess
    expect(advice.line).toContain('GitHub Actions or GitLab CI');
    expect(advice.snippet).toContain('oidc-provider/token.actions.githubusercontent.com');
    expect(advice.snippet).toContain('oidc-provider/gitlab.com');
  });

  it('gives a person IAM Identity Center: a permission set assigned in the account, then aws configure sso and aws sso login', () => {
    // Act
    const advice = wayOff(entry({ profile: 'person' }), { ...subject, userName: 'ivan' });
    // Assess
    expect(advice.line).toContain('IAM Identity Center');
    expect(advice.snippet).toContain('aws sso-admin create-permission-set');
    expect(advice.snippet).toContain('--target-id 111122223333 --target-type AWS_ACCOUNT');
    expect(advice.snippet).toContain('aws configure sso');
    expect(advice.snippet).toContain('aws sso login --profile <profile>');
    expect(advice.url).toBe('https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-sso.html');
  });

  it('gives a workload elsewhere IAM Roles Anywhere: a role trusting rolesanywhere.amazonaws.com and the signing helper', () => {
    // Act
    const advice = wayOff(entry({ profile: 'workload-elsewhere' }), subject);
    // Assess
    expect(advice.line).toContain('IAM Roles Anywhere');
    expect(policyIn(advice.snippet)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'rolesanywhere.amazonaws.com' },
          Action: ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity'],
          Condition: {
            ArnEquals: {
              'aws:SourceArn': 'arn:aws:rolesanywhere:<region>:111122223333:trust-anchor/<trust-anchor-id>',
            },
          },
        },
      ],
    });
    expect(advice.snippet).toContain('aws rolesanywhere create-trust-anchor');
    // The Source union as the API names it (sourceType, sourceData.x509CertificateData), in JSON.
    expect(advice.snippet).toContain(
      `--source '{"sourceType":"CERTIFICATE_BUNDLE","sourceData":{"x509CertificateData":"<ca-certificate-pem>"}}'`,
    );
    expect(advice.snippet).toContain('aws rolesanywhere create-profile');
    expect(advice.snippet).toContain('credential_process = aws_signing_helper credential-process');
    expect(advice.snippet).toContain('--role-arn arn:aws:iam::111122223333:role/<role-name>');
  });

  it.each([
    [
      'lambda.amazonaws.com',
      'Lambda function execution role',
      'lambda.amazonaws.com',
      'update-function-configuration',
    ],
    ['ecs-tasks.amazonaws.com', 'ECS task role', 'ecs-tasks.amazonaws.com', '"taskRoleArn"'],
    ['ec2.amazonaws.com', 'EC2 instance profile', 'ec2.amazonaws.com', 'associate-iam-instance-profile'],
  ])('gives a workload on AWS whose calls come from %s the %s', (source, name, principal, attach) => {
    // Prepare
    const onAws = entry({
      profile: 'workload-on-aws',
      sources: [
        { value: 'AWS Internal', count: 50, kind: 'aws-internal' },
        { value: source, count: 50, kind: 'aws-service' },
      ],
    });
    // Act
    const advice = wayOff(onAws, subject);
    // Assess
    expect(advice.line).toContain(`the ${name}`);
    expect(policyIn(advice.snippet)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: principal }, Action: 'sts:AssumeRole' }],
    });
    expect(advice.snippet).toContain(attach);
    expect(advice.snippet.match(/"Service"/g)).toHaveLength(1);
  });

  it('gives a workload on AWS whose host the summary does not name all three roles', () => {
    // Act
    const advice = wayOff(
      entry({
        profile: 'workload-on-aws',
        sources: [{ value: 'AWS Internal', count: 9, kind: 'aws-internal' }],
      }),
      subject,
    );
    // Assess
    expect(advice.line).toContain(
      'Lambda function execution role, or ECS task role, or EC2 instance profile',
    );
    expect(advice.url).toBe(
      'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html',
    );
    const principals = [...advice.snippet.matchAll(/"Service": "([^"]+)"/g)].map((m) => m[1]);
    expect(principals).toEqual(['lambda.amazonaws.com', 'ecs-tasks.amazonaws.com', 'ec2.amazonaws.com']);
  });

  it('tells how to find out for an unknown key: CloudTrail lookups by its key id, then the order of preference', () => {
    // Act
    const advice = wayOff(entry({ profile: 'unknown' }), subject);
    // Assess
    expect(advice.snippet).toContain(
      '--lookup-attributes AttributeKey=AccessKeyId,AttributeValue=AKIADEPLOYER00000001',
    );
    expect(advice.snippet).toContain('aws iam get-access-key-last-used --access-key-id AKIADEPLOYER00000001');
    expect(advice.snippet).toMatch(/in order of preference: a role of the AWS service/);
    expect(advice.evidence).toBe('only 2 events read: too few to tell');
  });

  it('puts no account data in a snippet but the account id, user name and key id of the finding', () => {
    // Prepare: a summary full of addresses and agents, which must not leak into the advice.
    const busy = entry({
      sources: [{ value: '203.0.113.7', count: 9, kind: 'ipv4' }],
      agents: [{ value: 'Other (my-internal-tool)', count: 9, kind: 'unknown' }],
      topEvents: [{ value: 's3:GetObject', count: 9 }],
    });
    for (const profile of [
      'pipeline',
      'person',
      'workload-elsewhere',
      'workload-on-aws',
      'unknown',
    ] as const) {
      // Act
      const { snippet } = wayOff({ ...busy, profile }, subject);
      // Assess
      expect(snippet).not.toContain('203.0.113.7');
      expect(snippet).not.toContain('my-internal-tool');
      const accountIds = snippet.match(/\b\d{12}\b/g) ?? [];
      expect(new Set(accountIds).size <= 1 && accountIds.every((id) => id === '111122223333')).toBe(true);
    }
  });
});
