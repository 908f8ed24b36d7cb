/**
 * The AWS-managed policies a fixture may attach by name. AWS publishes hundreds; the sandbox ships
 * the few the auditor's tests and demo need. AdministratorAccess is complete; the others are
 * abridged to a representative part of their statements (the quarantine policies keep their shape:
 * one Deny of the actions an attacker would use first, on every resource).
 */

interface ManagedPolicyDocument {
  Version: '2012-10-17';
  Statement: readonly Record<string, unknown>[];
}

export interface AwsManagedPolicy {
  name: string;
  path: string;
  /** The version IAM answers as the default (`v1`, `v5`, ...). */
  defaultVersionId: string;
  createDate: string;
  updateDate: string;
  description: string;
  document: ManagedPolicyDocument;
}

const QUARANTINE_DENIED = [
  'cloudtrail:LookupEvents',
  'ec2:RequestSpotInstances',
  'ec2:RunInstances',
  'ec2:StartInstances',
  'iam:AddUserToGroup',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:AttachUserPolicy',
  'iam:ChangePassword',
  'iam:CreateAccessKey',
  'iam:CreateInstanceProfile',
  'iam:CreateLoginProfile',
  'iam:CreatePolicyVersion',
  'iam:CreateRole',
  'iam:CreateUser',
  'iam:DetachUserPolicy',
  'iam:PassRole',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:PutUserPermissionsBoundary',
  'iam:PutUserPolicy',
  'iam:SetDefaultPolicyVersion',
  'iam:UpdateAccessKey',
  'iam:UpdateAssumeRolePolicy',
  'iam:UpdateLoginProfile',
  'iam:UpdateUser',
  'lambda:CreateFunction',
  'organizations:CreateAccount',
  'organizations:InviteAccountToOrganization',
];

const quarantine = (name: string, defaultVersionId: string, createDate: string): AwsManagedPolicy => ({
  name,
  path: '/',
  defaultVersionId,
  createDate,
  updateDate: '2024-10-02T16:41:00Z',
  description:
    "Denies access to certain actions, applied by the AWS team in the event that an IAM user's credentials have been compromised or exposed publicly.",
  document: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Deny', Action: QUARANTINE_DENIED, Resource: ['*'] }],
  },
});

const POLICIES: readonly AwsManagedPolicy[] = [
  {
    name: 'AdministratorAccess',
    path: '/',
    defaultVersionId: 'v1',
    createDate: '2015-02-06T18:39:46Z',
    updateDate: '2015-02-06T18:39:46Z',
    description: 'Provides full access to AWS services and resources.',
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
  },
  {
    name: 'PowerUserAccess',
    path: '/',
    defaultVersionId: 'v5',
    createDate: '2015-02-06T18:39:47Z',
    updateDate: '2023-07-06T22:04:00Z',
    description:
      'Provides full access to AWS services and resources, but does not allow management of Users and groups.',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*', 'account:*'], Resource: '*' },
        {
          Effect: 'Allow',
          Action: [
            'iam:CreateServiceLinkedRole',
            'iam:DeleteServiceLinkedRole',
            'iam:ListRoles',
            'organizations:DescribeOrganization',
            'account:ListRegions',
            'account:GetAccountInformation',
          ],
          Resource: '*',
        },
      ],
    },
  },
  {
    name: 'IAMFullAccess',
    path: '/',
    defaultVersionId: 'v2',
    createDate: '2015-02-06T18:40:38Z',
    updateDate: '2019-06-21T19:40:00Z',
    description: 'Provides full access to IAM via the AWS Management Console.',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['iam:*', 'organizations:DescribeOrganization'], Resource: '*' },
      ],
    },
  },
  {
    name: 'ReadOnlyAccess',
    path: '/',
    defaultVersionId: 'v120',
    createDate: '2015-02-06T18:39:48Z',
    updateDate: '2026-10-01T00:00:00Z',
    description: 'Provides read-only access to AWS services and resources.',
    document: {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'ReadOnlyActions',
          Effect: 'Allow',
          Action: [
            'cloudtrail:Describe*',
            'cloudtrail:Get*',
            'cloudtrail:List*',
            'cloudtrail:LookupEvents',
            'dynamodb:BatchGet*',
            'dynamodb:Describe*',
            'dynamodb:Get*',
            'dynamodb:List*',
            'dynamodb:Query',
            'dynamodb:Scan',
            'ec2:Describe*',
            'ec2:Get*',
            'iam:Get*',
            'iam:List*',
            'lambda:Get*',
            'lambda:List*',
            's3:Get*',
            's3:List*',
            'sns:Get*',
            'sns:List*',
          ],
          Resource: '*',
        },
      ],
    },
  },
  quarantine('AWSCompromisedKeyQuarantine', 'v1', '2020-08-11T18:04:00Z'),
  quarantine('AWSCompromisedKeyQuarantineV2', 'v5', '2021-04-21T22:30:00Z'),
  quarantine('AWSCompromisedKeyQuarantineV3', 'v2', '2024-08-21T17:36:00Z'),
];

/** The AWS-managed policies the sandbox knows, by name. */
export const AWS_MANAGED_POLICIES: ReadonlyMap<string, AwsManagedPolicy> = new Map(
  POLICIES.map((policy) => [policy.name, policy]),
);
