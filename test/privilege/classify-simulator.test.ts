/**
 * The classifier checked against an IAM policy simulator, `@cloud-copilot/iam-simulate`. Its
 * licence is AGPL: it is a devDependency for tests only, and no code under src/ or handlers/ may
 * import it (`npm run architecture` refuses it), so it never reaches the Lambda bundle.
 *
 * For each set of policies the simulator is asked about the actions the classifier decides by, and
 * its answers make a level the way the classifier defines them: `admin` when every admin probe is
 * allowed on a resource no policy names (so on every resource), `privilege-escalation` when an
 * escalation action, or `iam:PassRole` with a service that runs code, is allowed on some resource
 * (`*`), then `write` or `read-only` when a write or a read probe is, else `none`.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { describe, expect, it } from 'vitest';
import { classifyPrivilege, isReadAction, type Privilege } from '../../src/privilege/classify.js';
import {
  type PolicyDocument,
  type PolicySource,
  type PolicyStatement,
  parsePolicyDocument,
} from '../../src/privilege/policy-document.js';
import { AWS_MANAGED_POLICIES } from '../../src/sandbox/aws-managed-policies.js';
import { POLICIES_FIXTURE, POLICY_ACCOUNT } from '../sandbox/policies-fixture.js';
import { CODE_RUNNERS, ESCALATION_ACTIONS } from '../support/privilege-actions.js';

type Level = Privilege['level'];

interface Case {
  name: string;
  policies: PolicySource[];
  boundary: PolicyDocument | null;
}

// ESCALATION_ACTIONS and CODE_RUNNERS are the tests' own account of IAM (test/support), not the
// classifier's lists: a name dropped from the classifier makes a case below disagree with the simulator.

const ARN = `arn:aws:iam::${POLICY_ACCOUNT}`;
const REGIONAL = `us-east-1:${POLICY_ACCOUNT}`;

/**
 * A concrete resource for each admin probe, named by no policy here: allowed there, the action is
 * allowed on every resource. `anyservice:AnyAction` (the classifier's "any action") is no action
 * the simulator knows, so actions of other services stand in for it.
 */
const EVERY_RESOURCE: Readonly<Record<string, string>> = {
  'iam:CreateUser': `${ARN}:user/simulator-probe`,
  'iam:AttachUserPolicy': `${ARN}:user/simulator-probe`,
  'iam:PassRole': `${ARN}:role/simulator-probe`,
  'organizations:LeaveOrganization': '*',
  's3:PutObject': 'arn:aws:s3:::simulator-probe/any-object',
  'ec2:RunInstances': `arn:aws:ec2:${REGIONAL}:instance/i-0123456789abcdef0`,
  'kms:Decrypt': `arn:aws:kms:${REGIONAL}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  'dynamodb:DeleteTable': `arn:aws:dynamodb:${REGIONAL}:table/simulator-probe`,
  'cloudtrail:StopLogging': `arn:aws:cloudtrail:${REGIONAL}:trail/simulator-probe`,
  'secretsmanager:GetSecretValue': `arn:aws:secretsmanager:${REGIONAL}:secret:simulator-probe-AbCdEf`,
};

/** A KMS key answers only to its key policy: the default one, which defers to IAM policies. */
const DEFAULT_KEY_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Enable IAM User Permissions',
      Effect: 'Allow',
      Principal: { AWS: `${ARN}:root` },
      Action: 'kms:*',
      Resource: '*',
    },
  ],
};

/** Writes and reads of the services the documents below touch. */
const WRITE_PROBES = [
  's3:PutObject',
  's3:DeleteObject',
  'sns:Publish',
  'lambda:UpdateFunctionCode',
  'lambda:InvokeFunction',
  'dynamodb:PutItem',
  'ec2:TerminateInstances',
  'iam:UpdateAccessKey',
  'iam:DeleteAccessKey',
  'iam:PassRole',
  'iam:CreateServiceLinkedRole',
  'iam:CreateUser',
];
const READ_PROBES = [
  's3:GetObject',
  's3:ListBucket',
  'ec2:DescribeInstances',
  'logs:GetLogEvents',
  'logs:DescribeLogGroups',
  'iam:GetUser',
  'iam:ListRoles',
  'iam:ListAccessKeys',
  'organizations:DescribeOrganization',
  'lambda:GetFunction',
  'dynamodb:GetItem',
  'cloudtrail:LookupEvents',
  'sns:ListTopics',
  'account:ListRegions',
];

/** Whether the simulator allows the action on the resource (`*`: on some resource). */
async function allowed(
  testCase: Case,
  action: string,
  resource: string,
  resourcePolicy?: unknown,
): Promise<boolean> {
  const response = await runSimulation(
    {
      request: {
        principal: `${ARN}:user/simulated`,
        action,
        resource: { resource, accountId: POLICY_ACCOUNT },
        contextVariables: {},
      },
      identityPolicies: testCase.policies.map((policy, i) => ({
        name: `${i}-${policy.name}`,
        policy: policy.document,
      })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(testCase.boundary
        ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: testCase.boundary }] }
        : {}),
      ...(resourcePolicy ? { resourcePolicy } : {}),
    },
    {},
  );
  // A probe the simulator cannot run (unknown action, bad document) proves nothing.
  if (response.resultType === 'error') {
    throw new Error(`The simulator refused ${action} on ${resource}: ${JSON.stringify(response.errors)}`);
  }
  return response.overallResult === 'Allowed';
}

async function anyAllowed(testCase: Case, actions: readonly string[]): Promise<boolean> {
  for (const action of actions) if (await allowed(testCase, action, '*')) return true;
  return false;
}

/** The level the simulator's answers make. */
async function simulatedLevel(testCase: Case): Promise<Level> {
  let admin = true;
  for (const [action, resource] of Object.entries(EVERY_RESOURCE)) {
    const keyPolicy = action.startsWith('kms:') ? DEFAULT_KEY_POLICY : undefined;
    if (!(await allowed(testCase, action, resource, keyPolicy))) admin = false;
  }
  if (admin) return 'admin';
  if (await anyAllowed(testCase, ESCALATION_ACTIONS)) return 'privilege-escalation';
  if ((await allowed(testCase, 'iam:PassRole', '*')) && (await anyAllowed(testCase, CODE_RUNNERS))) {
    return 'privilege-escalation';
  }
  if (await anyAllowed(testCase, WRITE_PROBES)) return 'write';
  if (await anyAllowed(testCase, READ_PROBES)) return 'read-only';
  return 'none';
}

const doc = (...Statement: PolicyStatement[]): PolicyDocument => ({ Version: '2012-10-17', Statement });
const allow = (Action: string | string[], Resource: string | string[] = '*'): PolicyStatement => ({
  Effect: 'Allow',
  Action,
  Resource,
});
const deny = (Action: string | string[], Resource: string | string[] = '*'): PolicyStatement => ({
  Effect: 'Deny',
  Action,
  Resource,
});
const inline = (name: string, document: PolicyDocument, group: string | null = null): PolicySource => ({
  name,
  kind: 'inline',
  group,
  document,
});
const awsManaged = (name: string, group: string | null = null): PolicySource => {
  const policy = AWS_MANAGED_POLICIES.get(name);
  if (!policy) throw new Error(`no AWS-managed policy ${name} in the sandbox`);
  return { name, kind: 'managed', group, document: parsePolicyDocument(JSON.stringify(policy.document)) };
};
const policyCase = (
  name: string,
  policies: PolicySource[],
  boundary: PolicyDocument | null = null,
): Case => ({
  name,
  policies,
  boundary,
});

/** The users of the policies fixture, with their policies resolved as IAM would hand them over. */
function fixtureCases(): Case[] {
  const account = POLICIES_FIXTURE.accounts[0];
  if (!account?.users) throw new Error('the policies fixture has no users');
  const own = new Map((account.policies ?? []).map((p) => [p.name, p.document]));
  const managed = (name: string, group: string | null): PolicySource => {
    const document = own.get(name);
    if (!document) return awsManaged(name, group);
    return { name, kind: 'managed', group, document: parsePolicyDocument(JSON.stringify(document)) };
  };
  const inlines = (policies: Record<string, unknown> | undefined, group: string | null) =>
    Object.entries(policies ?? {}).map(([name, document]) =>
      inline(name, parsePolicyDocument(JSON.stringify(document)), group),
    );
  const groups = new Map((account.groups ?? []).map((g) => [g.name, g]));
  return account.users.map((user) => {
    const viaGroups = (user.groups ?? []).flatMap((name) => {
      const group = groups.get(name);
      return [
        ...(group?.attachedPolicies ?? []).map((policy) => managed(policy, name)),
        ...inlines(group?.inlinePolicies, name),
      ];
    });
    const boundary = user.permissionsBoundary ? managed(user.permissionsBoundary, null).document : null;
    return policyCase(
      `user ${user.name} of the policies fixture`,
      [
        ...(user.attachedPolicies ?? []).map((p) => managed(p, null)),
        ...inlines(user.inlinePolicies, null),
        ...viaGroups,
      ],
      boundary,
    );
  });
}

/** The tricky documents of the classifier's unit tests, and a few more of the same kinds. */
const DOCUMENT_CASES: Case[] = [
  policyCase('AdministratorAccess through a group', [awsManaged('AdministratorAccess', 'Admins')]),
  policyCase('an inline Allow of * on *', [inline('everything', doc(allow('*')))]),
  policyCase('AdministratorAccess with iam:* denied (Deny overrides Allow)', [
    awsManaged('AdministratorAccess'),
    inline('no-iam', doc(deny('iam:*'))),
  ]),
  policyCase('AdministratorAccess with * denied', [
    awsManaged('AdministratorAccess'),
    inline('nothing', doc(deny('*'))),
  ]),
  policyCase('AdministratorAccess with a Deny of everything but s3 (Deny with NotAction)', [
    awsManaged('AdministratorAccess'),
    inline('s3-only', doc({ Effect: 'Deny', NotAction: 's3:*', Resource: '*' })),
  ]),
  policyCase('AdministratorAccess with iam:*Policy* denied (a wildcard mid-name in a Deny)', [
    awsManaged('AdministratorAccess'),
    inline('no-policies', doc(deny('iam:*Policy*'))),
  ]),
  policyCase('AdministratorAccess with a Deny on one bucket only', [
    awsManaged('AdministratorAccess'),
    inline('one-bucket', doc(deny('*', 'arn:aws:s3:::secrets/*'))),
  ]),
  policyCase(
    'AdministratorAccess with a Deny of * when MFA is false (the request has no MFA key: it does not apply)',
    [
      awsManaged('AdministratorAccess'),
      inline('mfa', doc({ ...deny('*'), Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } })),
    ],
  ),
  ...ESCALATION_ACTIONS.map((action) => policyCase(`${action} on *`, [inline('p', doc(allow(action)))])),
  policyCase('iam:CreateAccessKey on every user', [
    inline('p', doc(allow('iam:CreateAccessKey', `${ARN}:user/*`))),
  ]),
  policyCase('iam:* on every user', [inline('p', doc(allow('iam:*', `${ARN}:user/*`)))]),
  policyCase('iam:Attach*Policy on *', [inline('p', doc(allow('iam:Attach*Policy')))]),
  policyCase('iam:Put* on every user', [inline('p', doc(allow('iam:Put*', `${ARN}:user/*`)))]),
  policyCase('iam:*AccessKey* (a wildcard mid-name)', [inline('keys', doc(allow('iam:*AccessKey*')))]),
  policyCase('IAM:createaccesskey (any case)', [inline('p', doc(allow('IAM:createaccesskey')))]),
  policyCase('iam:PassRole alone', [inline('p', doc(allow('iam:PassRole')))]),
  policyCase('iam:PassRole with lambda:CreateFunction', [
    inline('pass', doc(allow('iam:PassRole'))),
    inline('deploy', doc(allow(['lambda:CreateFunction', 'lambda:InvokeFunction']))),
  ]),
  policyCase('PowerUserAccess (NotAction iam:*) through a group', [
    awsManaged('PowerUserAccess', 'Developers'),
  ]),
  policyCase('IAMFullAccess', [awsManaged('IAMFullAccess')]),
  policyCase('ReadOnlyAccess', [awsManaged('ReadOnlyAccess')]),
  policyCase('s3:*Object', [inline('p', doc(allow('s3:*Object')))]),
  policyCase('s3:Get*', [inline('p', doc(allow('s3:Get*')))]),
  policyCase('no policy', []),
  policyCase('the quarantine policy alone', [awsManaged('AWSCompromisedKeyQuarantineV2')]),
  policyCase('IAMFullAccess with the quarantine policy', [
    awsManaged('IAMFullAccess'),
    awsManaged('AWSCompromisedKeyQuarantineV3'),
  ]),
  policyCase('ReadOnlyAccess and iam:AttachUserPolicy through a group', [
    awsManaged('ReadOnlyAccess'),
    inline('ops', doc(allow('iam:AttachUserPolicy')), 'Ops'),
  ]),
  policyCase(
    'AdministratorAccess within a boundary of s3 reads',
    [awsManaged('AdministratorAccess')],
    doc(allow(['s3:Get*', 's3:List*'])),
  ),
  policyCase(
    'AdministratorAccess within a boundary of s3:*',
    [awsManaged('AdministratorAccess')],
    doc(allow('s3:*')),
  ),
  policyCase(
    'AdministratorAccess within a boundary of * on *',
    [awsManaged('AdministratorAccess')],
    doc(allow('*')),
  ),
  policyCase('ReadOnlyAccess within a boundary of * on *', [awsManaged('ReadOnlyAccess')], doc(allow('*'))),
  policyCase(
    'IAMFullAccess within a boundary that denies iam:*',
    [awsManaged('IAMFullAccess')],
    doc(allow('*'), deny('iam:*')),
  ),
];

/**
 * Where the classifier is deliberately more cautious than IAM (its ranking must never call a
 * dangerous key harmless), so the simulator finds less: each with the level the classifier gives
 * and the one the simulator's answers make.
 */
interface CautiousCase extends Case {
  classified: Level;
  simulated: Level;
}
const cautious = (testCase: Case, classified: Level, simulated: Level): CautiousCase => ({
  ...testCase,
  classified,
  simulated,
});
const MORE_CAUTIOUS: CautiousCase[] = [
  // An Allow counts whatever its Condition: the key may well meet it. The simulator's request has
  // no MFA, so it denies.
  cautious(
    policyCase('iam:CreateAccessKey only with MFA (a conditional Allow)', [
      inline(
        'mfa',
        doc({
          ...allow('iam:CreateAccessKey'),
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        }),
      ),
    ]),
    'privilege-escalation',
    'none',
  ),
  // A Deny counts only when unconditional: this one (deny when no MFA key is in the request)
  // applies to the simulator's request, and the classifier cannot know it always would.
  cautious(
    policyCase('AdministratorAccess with a Deny of * when MFA is absent (a conditional Deny)', [
      awsManaged('AdministratorAccess'),
      inline('mfa', doc({ ...deny('*'), Condition: { Null: { 'aws:MultiFactorAuthPresent': 'true' } } })),
    ]),
    'admin',
    'none',
  ),
  // A Deny counts only when it covers every resource (`*`): denied on users, the administrator can
  // still act on roles, policies and everything else, which the classifier does not weigh.
  cautious(
    policyCase('AdministratorAccess with a Deny of * on every user', [
      awsManaged('AdministratorAccess'),
      inline('no-users', doc(deny('*', `${ARN}:user/*`))),
    ]),
    'admin',
    'privilege-escalation',
  ),
  // Outside `*` (what admin needs), the classifier does not match an Allow's resources against the
  // kind of resource an action takes: `*` on one bucket counts iam:CreateAccessKey too.
  cautious(
    policyCase('an Allow of * on one bucket', [inline('bucket', doc(allow('*', 'arn:aws:s3:::logs/*')))]),
    'privilege-escalation',
    'write',
  ),
  // The same for actions on groups, roles and policies allowed on users only.
  ...[
    'iam:AttachRolePolicy',
    'iam:PutGroupPolicy',
    'iam:CreatePolicyVersion',
    'iam:SetDefaultPolicyVersion',
    'iam:AddUserToGroup',
    'iam:UpdateAssumeRolePolicy',
  ].map((action) =>
    cautious(
      policyCase(`${action} on every user (not the kind of resource it takes)`, [
        inline('p', doc(allow(action, `${ARN}:user/*`))),
      ]),
      'privilege-escalation',
      'none',
    ),
  ),
];

describe('Function: classifyPrivilege, against the IAM policy simulator', () => {
  it('names only probes the simulator knows, and calls them reads or writes as the classifier would', () => {
    expect(WRITE_PROBES.filter(isReadAction)).toEqual([]);
    expect(READ_PROBES.filter((action) => !isReadAction(action))).toEqual([]);
  });

  it.each([...fixtureCases(), ...DOCUMENT_CASES].map((c) => [c.name, c] as const))(
    'agrees with the simulator on %s',
    async (_name, testCase) => {
      // Act
      const classified = classifyPrivilege(testCase.policies, testCase.boundary).level;
      const simulated = await simulatedLevel(testCase);
      // Assess
      expect(classified).toBe(simulated);
    },
  );

  it.each(MORE_CAUTIOUS.map((c) => [c.name, c] as const))(
    'ranks %s at the riskier level it names, where the simulator finds less',
    async (_name, testCase) => {
      // Act
      const classified = classifyPrivilege(testCase.policies, testCase.boundary).level;
      const simulated = await simulatedLevel(testCase);
      // Assess: the simplification shows (else the case belongs with the agreeing ones), towards risk
      expect({ classified, simulated }).toEqual({
        classified: testCase.classified,
        simulated: testCase.simulated,
      });
    },
  );
});
