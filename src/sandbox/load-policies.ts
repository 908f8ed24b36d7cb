import type { FixtureAccount } from './fixture.js';
import {
  type AccountPolicies,
  awsManagedPolicy,
  type PolicyHolder,
  type SandboxPolicy,
  type UserPolicies,
} from './iam-policy-state.js';
import type { SandboxAccount } from './iam-state.js';
import { stableId } from './random.js';

type PolicySourceAccount = Pick<FixtureAccount, 'groups' | 'policies'> & {
  users: Iterable<
    Pick<
      FixtureAccount['users'][number],
      'name' | 'groups' | 'attachedPolicies' | 'inlinePolicies' | 'permissionsBoundary'
    >
  >;
};

/**
 * Loads the account's groups and customer-managed policies and what each user holds. A name that
 * attaches a policy is looked up among the account's own policies first, then the AWS-managed ones
 * (the fixture check has made sure one of them exists).
 */
export function loadPolicies(account: SandboxAccount, source: PolicySourceAccount, now: Date): void {
  const model: AccountPolicies = account.policies;
  const own = new Map<string, SandboxPolicy>();
  for (const p of source.policies) {
    const created = p.createDate ? new Date(p.createDate) : now;
    const policy: SandboxPolicy = {
      name: p.name,
      path: p.path,
      arn: `arn:aws:iam::${account.id}:policy${p.path}${p.name}`,
      policyId: stableId('ANPA', account.id, p.name),
      description: p.description ?? null,
      createDate: created,
      updateDate: created,
      defaultVersionId: 'v1',
      versions: [{ id: 'v1', document: JSON.stringify(p.document), createDate: created }],
      awsManaged: false,
    };
    own.set(p.name, policy);
    model.policies.set(policy.arn, policy);
  }
  const arnOf = (name: string): string => {
    const policy = own.get(name) ?? awsManagedPolicy(name);
    if (!policy)
      throw new Error(`No policy named ${name} in account ${account.id} or among the AWS-managed ones`);
    if (!model.policies.has(policy.arn)) model.policies.set(policy.arn, policy);
    return policy.arn;
  };
  const holder = (attached: readonly string[], inline: Record<string, unknown>): PolicyHolder => ({
    attached: attached.map(arnOf),
    inline: new Map(Object.entries(inline).map(([name, document]) => [name, JSON.stringify(document)])),
  });
  for (const g of source.groups) {
    const group = {
      ...holder(g.attachedPolicies, g.inlinePolicies),
      name: g.name,
      path: g.path,
      arn: `arn:aws:iam::${account.id}:group${g.path}${g.name}`,
      groupId: stableId('AGPA', account.id, g.name),
      createDate: g.createDate ? new Date(g.createDate) : account.createDate,
    };
    model.groups.set(g.name.toLowerCase(), group);
    model.groupList.push(group);
  }
  for (const u of source.users) {
    const inlineCount = Object.keys(u.inlinePolicies).length;
    if (u.groups.length + u.attachedPolicies.length + inlineCount === 0 && !u.permissionsBoundary) continue;
    const user: UserPolicies = {
      ...holder(u.attachedPolicies, u.inlinePolicies),
      groups: u.groups.map((name) => model.groups.get(name.toLowerCase())?.name ?? name),
      boundary: u.permissionsBoundary ? arnOf(u.permissionsBoundary) : null,
    };
    model.users.set(u.name.toLowerCase(), user);
  }
}
