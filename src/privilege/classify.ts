/**
 * What an IAM user can do, from the policies that apply to it: pure, so it is tested against policy
 * documents alone. The answer is one level, the riskiest that holds, and the policy it comes from.
 *
 * The evaluation follows IAM's for identity policies: an action is allowed when an Allow statement
 * matches it (by `Action`, or by not matching `NotAction`), no Deny matches it, and, when the user
 * has a permissions boundary, the boundary allows it too. Two simplifications, both towards more
 * privilege, since the ranking must never call a dangerous key harmless: an Allow counts whatever
 * its `Condition` (the key may well meet it), and a Deny counts only when it has no `Condition` and
 * covers every resource (`*`).
 */
import type { FindingPrivilege } from '../model.js';
import { actionMatches, coversEveryResource, witnessOf } from './action-pattern.js';
import {
  listOf,
  type PolicyDocument,
  type PolicySource,
  type PolicyStatement,
  statementsOf,
} from './policy-document.js';

/** A user's privilege and where it comes from (the report's `privilege` of a finding). */
export type Privilege = FindingPrivilege;

/** Any action of any service: a name no real service uses, so only `*`-like patterns match it. */
export const ANY_ACTION = 'anyservice:AnyAction';

/** Allowed on every resource together, these make a user an administrator. */
export const ADMIN_PROBES = [
  ANY_ACTION,
  'iam:CreateUser',
  'iam:AttachUserPolicy',
  'iam:PassRole',
  'organizations:LeaveOrganization',
  's3:PutObject',
  'ec2:RunInstances',
  'kms:Decrypt',
] as const;

/** Each lets a user grant itself (or a principal it controls) more than it has. */
export const ESCALATION_ACTIONS = [
  'iam:CreateAccessKey',
  'iam:CreateLoginProfile',
  'iam:UpdateLoginProfile',
  'iam:AttachUserPolicy',
  'iam:AttachGroupPolicy',
  'iam:AttachRolePolicy',
  'iam:PutUserPolicy',
  'iam:PutGroupPolicy',
  'iam:PutRolePolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:AddUserToGroup',
  'iam:UpdateAssumeRolePolicy',
  'iam:PutUserPermissionsBoundary',
  'iam:DeleteUserPermissionsBoundary',
] as const;

/** Services that run code with a role passed to them: with `iam:PassRole`, a way to any role's rights. */
export const CODE_RUNNERS = [
  'lambda:CreateFunction',
  'ec2:RunInstances',
  'ecs:RunTask',
  'ecs:RegisterTaskDefinition',
  'glue:CreateDevEndpoint',
  'glue:CreateJob',
  'cloudformation:CreateStack',
  'codebuild:CreateProject',
  'sagemaker:CreateNotebookInstance',
  'datapipeline:CreatePipeline',
] as const;

/** Verbs of actions that only read (AWS's List and Read access levels, as action names show them). */
const READ_VERBS = [
  'get',
  'list',
  'describe',
  'batchget',
  'batchdescribe',
  'head',
  'search',
  'scan',
  'query',
  'select',
  'view',
  'lookup',
  'filter',
] as const;

/** Common reads and writes, so a policy of named actions has something to be measured by. */
const COMMON_PROBES = [
  's3:GetObject',
  's3:ListBucket',
  'ec2:DescribeInstances',
  's3:PutObject',
  'sns:Publish',
];

/** Whether an action only reads, by its verb; an unknown verb counts as a write. */
export function isReadAction(action: string): boolean {
  const name = action.slice(action.indexOf(':') + 1).toLowerCase();
  return action.includes(':') && READ_VERBS.some((verb) => name.startsWith(verb));
}

interface Scope {
  /** Only statements that cover every resource (`*`) count: what "on `*`" means for admin. */
  everyResource: boolean;
}

function statementMatches(statement: PolicyStatement, action: string, scope: Scope): boolean {
  if (scope.everyResource && !coversEveryResource(listOf(statement.Resource))) return false;
  if (statement.Action !== undefined) return listOf(statement.Action).some((p) => actionMatches(p, action));
  if (statement.NotAction !== undefined)
    return !listOf(statement.NotAction).some((p) => actionMatches(p, action));
  return false;
}

/** An unconditional Deny on every resource: the only kind the classifier can be sure applies. */
function deniesForCertain(statement: PolicyStatement, action: string): boolean {
  return (
    statement.Effect === 'Deny' &&
    statement.Condition === undefined &&
    coversEveryResource(listOf(statement.Resource)) &&
    statementMatches(statement, action, { everyResource: false })
  );
}

/** Whether the documents (an identity's, or a boundary) allow the action, and which one does. */
function allowedBy<T extends { document: PolicyDocument }>(
  policies: readonly T[],
  action: string,
  scope: Scope,
): T | null {
  const statements = policies.flatMap((policy) => statementsOf(policy.document).map((s) => ({ policy, s })));
  if (statements.some(({ s }) => deniesForCertain(s, action))) return null;
  return (
    statements.find(({ s }) => s.Effect === 'Allow' && statementMatches(s, action, scope))?.policy ?? null
  );
}

/** "AdministratorAccess via group Admins", "inline policy deploy", ... */
export function describeSource(source: PolicySource): string {
  const name = source.kind === 'inline' ? `inline policy ${source.name}` : source.name;
  return source.group === null ? name : `${name} via group ${source.group}`;
}

/** The actions each Allow statement names or implies, for the write and read checks. */
function candidateActions(documents: readonly PolicyDocument[]): string[] {
  const named = documents.flatMap((document) =>
    statementsOf(document)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => (s.NotAction !== undefined ? [ANY_ACTION] : listOf(s.Action).map(witnessOf))),
  );
  return [...new Set([...named, ...COMMON_PROBES, ...ESCALATION_ACTIONS])];
}

/**
 * The riskiest level that holds for a user with these policies (and this permissions boundary):
 * `admin` (every action on every resource: `AdministratorAccess`, or an Allow of `*` on `*`),
 * `privilege-escalation` (can grant itself more: a listed IAM action, or `iam:PassRole` with a
 * service that runs code), `write`, `read-only`, or `none`.
 *
 * @example
 * classifyPrivilege([{ name: 'AdministratorAccess', kind: 'managed', group: 'Admins', document }]);
 * // { level: 'admin', source: 'AdministratorAccess via group Admins', actions: [] }
 */
export function classifyPrivilege(
  policies: readonly PolicySource[],
  boundary: PolicyDocument | null = null,
): Privilege {
  const bounds = boundary ? [{ document: boundary }] : null;
  const grantedBy = (action: string, scope: Scope): PolicySource | null => {
    const source = allowedBy(policies, action, scope);
    if (!source || (bounds && !allowedBy(bounds, action, scope))) return null;
    return source;
  };
  const everywhere = { everyResource: true };
  const anywhere = { everyResource: false };

  if (ADMIN_PROBES.every((action) => grantedBy(action, everywhere))) {
    const source = grantedBy(ANY_ACTION, everywhere) as PolicySource;
    return { level: 'admin', source: describeSource(source), actions: [] };
  }
  const escalation = ESCALATION_ACTIONS.find((action) => grantedBy(action, anywhere));
  if (escalation) {
    return {
      level: 'privilege-escalation',
      source: describeSource(grantedBy(escalation, anywhere) as PolicySource),
      actions: [escalation],
    };
  }
  const passRole = grantedBy('iam:PassRole', anywhere);
  const runner = CODE_RUNNERS.find((action) => grantedBy(action, anywhere));
  if (passRole && runner) {
    return {
      level: 'privilege-escalation',
      source: describeSource(passRole),
      actions: ['iam:PassRole', runner],
    };
  }
  const candidates = candidateActions([...policies.map((p) => p.document), ...(boundary ? [boundary] : [])]);
  const write = candidates.find((action) => !isReadAction(action) && grantedBy(action, anywhere));
  if (write)
    return {
      level: 'write',
      source: describeSource(grantedBy(write, anywhere) as PolicySource),
      actions: [],
    };
  const read = candidates.find((action) => grantedBy(action, anywhere));
  if (read)
    return {
      level: 'read-only',
      source: describeSource(grantedBy(read, anywhere) as PolicySource),
      actions: [],
    };
  return { level: 'none', source: null, actions: [] };
}

/** "admin: AdministratorAccess via group Admins", "privilege-escalation: iam:CreateAccessKey from ...". */
export function describePrivilege(privilege: Privilege): string {
  if (privilege.level === 'none') return 'none: no policy allows anything';
  const actions = privilege.actions.length > 0 ? ` (${privilege.actions.join(' with ')})` : '';
  return `${privilege.level}: ${privilege.source ?? 'unknown'}${actions}`;
}
