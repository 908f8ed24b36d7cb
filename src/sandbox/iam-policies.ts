/**
 * IAM's policy reads: what a user holds (attached and inline policies, groups, a permissions
 * boundary), what a group holds, managed policies and their versions, and
 * GetAccountAuthorizationDetails over users, groups and managed policies. Documents go out
 * URL-encoded, as IAM sends them.
 */
import { AwsError, awsErrors } from './errors.js';
import { findUser, page, tagsXml } from './iam-common.js';
import {
  type AccountPolicies,
  attachmentCount,
  boundaryCount,
  type PolicyHolder,
  type SandboxGroup,
  type SandboxPolicy,
  type UserPolicies,
} from './iam-policy-state.js';
import type { SandboxUser } from './iam-state.js';
import type { ActionHandler, RequestContext } from './service.js';
import { element, memberList, wrap } from './xml.js';

const NO_POLICIES: UserPolicies = { attached: [], inline: new Map(), groups: [], boundary: null };
const POLICY_ARN = /^arn:aws[\w-]*:iam::(aws|\d{12}):policy(\/[\u0021-\u007E]*)?$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;

/** IAM's encoding of policy documents (RFC 3986, as `encodeURIComponent` writes it). */
const encodeDocument = (json: string): string => encodeURIComponent(json);

function policiesOf(ctx: RequestContext, user: SandboxUser): UserPolicies {
  return ctx.account.policies.users.get(user.name.toLowerCase()) ?? NO_POLICIES;
}

function findGroup(ctx: RequestContext, name: string): SandboxGroup {
  const group = ctx.account.policies.groups.get(name.toLowerCase());
  if (!group) throw new AwsError('NoSuchEntity', 404, `The group with name ${name} cannot be found.`);
  return group;
}

function findPolicy(model: AccountPolicies, arn: string): SandboxPolicy {
  if (!POLICY_ARN.test(arn)) {
    throw awsErrors.invalidInput(`ARN ${arn} is not valid.`);
  }
  const policy = model.policies.get(arn);
  if (!policy) throw new AwsError('NoSuchEntity', 404, `Policy ${arn} does not exist or is not attachable.`);
  return policy;
}

function policyName(ctx: RequestContext): string {
  const name = ctx.params.required('PolicyName');
  if (!POLICY_NAME.test(name)) {
    throw awsErrors.validation(
      `1 validation error detected: Value '${name}' at 'policyName' failed to satisfy constraint: ` +
        'Member must satisfy regular expression pattern: [\\w+=,.@-]+',
    );
  }
  return name;
}

function attachedXml(ctx: RequestContext, operation: string, scope: string, holder: PolicyHolder): string {
  const prefix = ctx.params.get('PathPrefix') ?? '/';
  const policies = holder.attached
    .map((arn) => findPolicy(ctx.account.policies, arn))
    .filter((policy) => policy.path.startsWith(prefix));
  const { items, tail } = page(ctx, operation, scope, policies);
  return (
    memberList(
      'AttachedPolicies',
      items.map((p) => element('PolicyName', p.name) + element('PolicyArn', p.arn)),
    ) + tail
  );
}

function inlineNamesXml(ctx: RequestContext, operation: string, scope: string, holder: PolicyHolder): string {
  const { items, tail } = page(ctx, operation, scope, [...holder.inline.keys()]);
  return (
    memberList(
      'PolicyNames',
      items.map((name) => escapeText(name)),
    ) + tail
  );
}

/** A member of a list of strings is its text alone. */
function escapeText(value: string): string {
  return element('x', value).slice(3, -4);
}

function groupXml(group: SandboxGroup): string {
  return (
    element('Path', group.path) +
    element('GroupName', group.name) +
    element('GroupId', group.groupId) +
    element('Arn', group.arn) +
    element('CreateDate', group.createDate)
  );
}

function policyXml(model: AccountPolicies, policy: SandboxPolicy): string {
  return (
    element('PolicyName', policy.name) +
    element('PolicyId', policy.policyId) +
    element('Arn', policy.arn) +
    element('Path', policy.path) +
    element('DefaultVersionId', policy.defaultVersionId) +
    element('AttachmentCount', attachmentCount(model, policy.arn)) +
    element('PermissionsBoundaryUsageCount', boundaryCount(model, policy.arn)) +
    element('IsAttachable', true) +
    element('Description', policy.description) +
    element('CreateDate', policy.createDate) +
    element('UpdateDate', policy.updateDate)
  );
}

function versionXml(policy: SandboxPolicy, version: SandboxPolicy['versions'][number]): string {
  return (
    element('Document', encodeDocument(version.document)) +
    element('VersionId', version.id) +
    element('IsDefaultVersion', version.id === policy.defaultVersionId) +
    element('CreateDate', version.createDate)
  );
}

function boundaryXml(policies: UserPolicies): string {
  return policies.boundary
    ? wrap(
        'PermissionsBoundary',
        element('PermissionsBoundaryType', 'Policy') + element('PermissionsBoundaryArn', policies.boundary),
      )
    : '';
}

/** The `<PermissionsBoundary>` GetUser adds for a user that has one. */
export function userBoundaryXml(ctx: RequestContext, user: SandboxUser): string {
  return boundaryXml(policiesOf(ctx, user));
}

const userOf = (ctx: RequestContext) => findUser(ctx, ctx.params.required('UserName'));

const listAttachedUserPolicies: ActionHandler = (ctx) => {
  const user = userOf(ctx);
  return attachedXml(ctx, 'ListAttachedUserPolicies', user.name, policiesOf(ctx, user));
};

const listUserPolicies: ActionHandler = (ctx) => {
  const user = userOf(ctx);
  return inlineNamesXml(ctx, 'ListUserPolicies', user.name, policiesOf(ctx, user));
};

const getUserPolicy: ActionHandler = (ctx) => {
  const user = userOf(ctx);
  const name = policyName(ctx);
  const document = policiesOf(ctx, user).inline.get(name);
  if (document === undefined) {
    throw new AwsError('NoSuchEntity', 404, `The user policy with name ${name} cannot be found.`);
  }
  return (
    element('UserName', user.name) +
    element('PolicyName', name) +
    element('PolicyDocument', encodeDocument(document))
  );
};

const listGroupsForUser: ActionHandler = (ctx) => {
  const user = userOf(ctx);
  const groups = policiesOf(ctx, user).groups.map((name) => findGroup(ctx, name));
  const { items, tail } = page(ctx, 'ListGroupsForUser', user.name, groups);
  return memberList('Groups', items.map(groupXml)) + tail;
};

const groupOf = (ctx: RequestContext) => findGroup(ctx, ctx.params.required('GroupName'));

const listAttachedGroupPolicies: ActionHandler = (ctx) => {
  const group = groupOf(ctx);
  return attachedXml(ctx, 'ListAttachedGroupPolicies', group.name, group);
};

const listGroupPolicies: ActionHandler = (ctx) => {
  const group = groupOf(ctx);
  return inlineNamesXml(ctx, 'ListGroupPolicies', group.name, group);
};

const getGroupPolicy: ActionHandler = (ctx) => {
  const group = groupOf(ctx);
  const name = policyName(ctx);
  const document = group.inline.get(name);
  if (document === undefined) {
    throw new AwsError('NoSuchEntity', 404, `The group policy with name ${name} cannot be found.`);
  }
  return (
    element('GroupName', group.name) +
    element('PolicyName', name) +
    element('PolicyDocument', encodeDocument(document))
  );
};

const getPolicy: ActionHandler = (ctx) => {
  const model = ctx.account.policies;
  return wrap('Policy', policyXml(model, findPolicy(model, ctx.params.required('PolicyArn'))));
};

const getPolicyVersion: ActionHandler = (ctx) => {
  const arn = ctx.params.required('PolicyArn');
  const policy = findPolicy(ctx.account.policies, arn);
  const id = ctx.params.required('VersionId');
  const version = policy.versions.find((v) => v.id === id);
  if (!version)
    throw new AwsError(
      'NoSuchEntity',
      404,
      `Policy ${arn} version ${id} does not exist or is not attachable.`,
    );
  return wrap('PolicyVersion', versionXml(policy, version));
};

const AUTHORIZATION_FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'];

type Entity =
  | { kind: 'user'; user: SandboxUser }
  | { kind: 'group'; group: SandboxGroup }
  | { kind: 'policy'; policy: SandboxPolicy };

function inlineListXml(name: string, holder: PolicyHolder): string {
  return memberList(
    name,
    [...holder.inline].map(
      ([policy, document]) =>
        element('PolicyName', policy) + element('PolicyDocument', encodeDocument(document)),
    ),
  );
}

function attachedListXml(model: AccountPolicies, holder: PolicyHolder): string {
  return memberList(
    'AttachedManagedPolicies',
    holder.attached.map((arn) => {
      const policy = findPolicy(model, arn);
      return element('PolicyName', policy.name) + element('PolicyArn', policy.arn);
    }),
  );
}

/**
 * GetAccountAuthorizationDetails. Pages over users, then groups, then managed policies (roles: the
 * sandbox has none), `MaxItems` entities a page. `LocalManagedPolicy` lists the account's own
 * policies; `AWSManagedPolicy` the AWS-managed ones an entity of the account attaches (the sandbox
 * ships a few, by name), each with every version.
 */
const getAccountAuthorizationDetails: ActionHandler = (ctx) => {
  const filters = ctx.params.stringList('Filter.member');
  for (const filter of filters) {
    if (!AUTHORIZATION_FILTERS.includes(filter)) {
      throw awsErrors.validation(
        `1 validation error detected: Value '[${filters.join(', ')}]' at 'filter' failed to satisfy constraint: ` +
          `Member must satisfy constraint: [Member must satisfy enum value set: [${AUTHORIZATION_FILTERS.join(', ')}]]`,
      );
    }
  }
  // No filter means every entity type, as in IAM.
  const wants = (filter: string) => filters.length === 0 || filters.includes(filter);
  const model = ctx.account.policies;
  const entities: Entity[] = [];
  if (wants('User')) for (const user of ctx.account.userList) entities.push({ kind: 'user', user });
  if (wants('Group')) for (const group of model.groupList) entities.push({ kind: 'group', group });
  for (const policy of model.policies.values()) {
    if (wants(policy.awsManaged ? 'AWSManagedPolicy' : 'LocalManagedPolicy'))
      entities.push({ kind: 'policy', policy });
  }
  const { items, tail } = page(
    ctx,
    'GetAccountAuthorizationDetails',
    [...filters].sort().join(','),
    entities,
  );
  let users = '';
  let groups = '';
  let policies = '';
  for (const entity of items) {
    if (entity.kind === 'user') {
      const { user } = entity;
      const held = policiesOf(ctx, user);
      users +=
        `<member>${element('Path', user.path)}${element('UserName', user.name)}${element('UserId', user.userId)}` +
        `${element('Arn', user.arn)}${element('CreateDate', user.createDate)}` +
        inlineListXml('UserPolicyList', held) +
        memberList('GroupList', held.groups.map(escapeText)) +
        attachedListXml(model, held) +
        boundaryXml(held) +
        `${user.tags.size > 0 ? tagsXml([...user.tags]) : ''}</member>`;
    } else if (entity.kind === 'group') {
      const { group } = entity;
      groups += `<member>${groupXml(group)}${inlineListXml('GroupPolicyList', group)}${attachedListXml(model, group)}</member>`;
    } else {
      const { policy } = entity;
      policies += `<member>${policyXml(model, policy)}${memberList(
        'PolicyVersionList',
        policy.versions.map((version) => versionXml(policy, version)),
      )}</member>`;
    }
  }
  const list = (name: string, inner: string) => (inner === '' ? `<${name}/>` : wrap(name, inner));
  return `${tail}${list('UserDetailList', users)}${list('GroupDetailList', groups)}<RoleDetailList/>${list('Policies', policies)}`;
};

/** The policy reads, added to the IAM service's operations. */
export const IAM_POLICY_ACTIONS: Readonly<Record<string, ActionHandler>> = {
  ListAttachedUserPolicies: listAttachedUserPolicies,
  ListUserPolicies: listUserPolicies,
  GetUserPolicy: getUserPolicy,
  ListGroupsForUser: listGroupsForUser,
  ListAttachedGroupPolicies: listAttachedGroupPolicies,
  ListGroupPolicies: listGroupPolicies,
  GetGroupPolicy: getGroupPolicy,
  GetPolicy: getPolicy,
  GetPolicyVersion: getPolicyVersion,
  GetAccountAuthorizationDetails: getAccountAuthorizationDetails,
};
