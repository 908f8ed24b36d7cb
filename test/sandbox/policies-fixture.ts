/**
 * An account whose users hold policies every way IAM allows: AWS-managed by name, customer-managed
 * with a document, inline, through groups, and a permissions boundary. Shared by the sandbox's
 * policy-read tests and the privilege tests.
 */
import type { FixtureInput } from '../../src/sandbox/index.js';

const POLICY_ACCOUNT_ID = '333333333333';
export const POLICY_ACCOUNT = POLICY_ACCOUNT_ID;
/** The fixture's report topic. */
export const ALERT_TOPIC_ARN = `arn:aws:sns:us-east-1:${POLICY_ACCOUNT_ID}:key-hygiene-alerts`;

const key = (id: string, createDate = '2025-01-10T00:00:00Z') => ({
  id,
  status: 'Active' as const,
  createDate,
  lastUsed: null,
});

export const POLICIES_FIXTURE: FixtureInput = {
  now: '2026-06-01T12:00:00Z',
  accounts: [
    {
      id: POLICY_ACCOUNT,
      alias: 'policies',
      topics: [
        {
          name: 'key-hygiene-alerts',
          subscriptions: [
            { protocol: 'email', endpoint: 'secops@example.com' },
            // A pager that hears only of exposed keys.
            {
              protocol: 'sqs',
              endpoint: `arn:aws:sqs:us-east-1:${POLICY_ACCOUNT_ID}:pager`,
              filterPolicy: { severity: ['critical'], rule: ['exposed-key'] },
            },
          ],
        },
      ],
      policies: [
        {
          name: 'deploy-lambda',
          path: '/ci/',
          description: 'CI deploys functions',
          document: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Action: ['lambda:CreateFunction', 'lambda:UpdateFunctionCode'],
                Resource: '*',
              },
              {
                Effect: 'Allow',
                Action: 'iam:PassRole',
                Resource: 'arn:aws:iam::333333333333:role/lambda-*',
              },
            ],
          },
        },
        {
          name: 's3-only',
          document: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
          },
        },
      ],
      groups: [
        { name: 'Admins', attachedPolicies: ['AdministratorAccess'] },
        {
          name: 'Ops',
          path: '/ops/',
          attachedPolicies: ['ReadOnlyAccess'],
          inlinePolicies: {
            'rotate-keys': {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: 'iam:*AccessKey*', Resource: 'arn:aws:iam::*:user/*' }],
            },
          },
        },
      ],
      users: [
        {
          name: 'root-like',
          createDate: '2024-01-01T00:00:00Z',
          groups: ['Admins'],
          accessKeys: [key('AKIAPOLICY0000000001')],
        },
        {
          name: 'ci-deployer',
          createDate: '2024-01-01T00:00:00Z',
          attachedPolicies: ['deploy-lambda'],
          accessKeys: [key('AKIAPOLICY0000000002')],
        },
        {
          name: 'operator',
          createDate: '2024-01-01T00:00:00Z',
          groups: ['Ops'],
          inlinePolicies: {
            'read-logs': {
              Version: '2012-10-17',
              Statement: [{ Effect: 'Allow', Action: ['logs:Get*', 'logs:Describe*'], Resource: '*' }],
            },
          },
          accessKeys: [key('AKIAPOLICY0000000003')],
        },
        {
          name: 'bounded-admin',
          createDate: '2024-01-01T00:00:00Z',
          attachedPolicies: ['AdministratorAccess'],
          permissionsBoundary: 's3-only',
          accessKeys: [key('AKIAPOLICY0000000004')],
        },
        {
          name: 'reader',
          createDate: '2024-01-01T00:00:00Z',
          attachedPolicies: ['ReadOnlyAccess'],
          accessKeys: [key('AKIAPOLICY0000000005')],
        },
        {
          name: 'leaked',
          createDate: '2024-01-01T00:00:00Z',
          attachedPolicies: ['PowerUserAccess', 'AWSCompromisedKeyQuarantineV3'],
          accessKeys: [key('AKIAPOLICY0000000006'), key('AKIAPOLICY0000000007', '2025-03-01T00:00:00Z')],
        },
        { name: 'nobody', createDate: '2024-01-01T00:00:00Z', accessKeys: [key('AKIAPOLICY0000000008')] },
      ],
      cloudTrailEvents: [
        {
          eventTime: '2026-06-01T10:00:00Z',
          eventName: 'ListBuckets',
          eventSource: 's3.amazonaws.com',
          accessKeyId: 'AKIAPOLICY0000000006',
          userName: 'leaked',
          sourceIPAddress: '203.0.113.7',
          readOnly: true,
        },
        {
          eventTime: '2026-06-01T10:05:00Z',
          eventName: 'RunInstances',
          eventSource: 'ec2.amazonaws.com',
          accessKeyId: 'AKIAPOLICY0000000006',
          userName: 'leaked',
          sourceIPAddress: '203.0.113.7',
          awsRegion: 'eu-west-1',
          resources: [{ type: 'AWS::EC2::Instance', name: 'i-0abc' }],
        },
        {
          eventTime: '2026-06-01T10:06:00Z',
          eventName: 'RunInstances',
          eventSource: 'ec2.amazonaws.com',
          accessKeyId: 'AKIAPOLICY0000000006',
          userName: 'leaked',
          sourceIPAddress: '198.51.100.23',
          awsRegion: 'eu-west-1',
        },
        {
          eventTime: '2026-05-30T09:00:00Z',
          eventName: 'GetCallerIdentity',
          eventSource: 'sts.amazonaws.com',
          accessKeyId: 'AKIAPOLICY0000000006',
          userName: 'leaked',
          sourceIPAddress: '192.0.2.1',
          readOnly: true,
        },
        {
          eventTime: '2026-06-01T11:00:00Z',
          eventName: 'PutObject',
          eventSource: 's3.amazonaws.com',
          accessKeyId: 'AKIAPOLICY0000000002',
          userName: 'ci-deployer',
          sourceIPAddress: '10.0.0.5',
        },
      ],
    },
  ],
};
