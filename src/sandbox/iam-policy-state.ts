import { AWS_MANAGED_POLICIES } from './aws-managed-policies.js';
import { stableId } from './random.js';

/** A managed policy: AWS's (by name, from the shipped set) or the account's own, with its versions. */
export interface SandboxPolicy {
  name: string;
  path: string;
  arn: string;
  policyId: string;
  description: string | null;
  createDate: Date;
  updateDate: Date;
  defaultVersionId: string;
  /** Documents as compact JSON; IAM hands them out URL-encoded. */
  versions: { id: string; document: string; createDate: Date }[];
  awsManaged: boolean;
}

/** What a user or a group holds besides itself: attached managed policies (ARNs) and inline documents. */
export interface PolicyHolder {
  attached: string[];
  /** Inline policies by name, in the order they were put; documents as compact JSON. */
  inline: Map<string, string>;
}

export interface SandboxGroup extends PolicyHolder {
  name: string;
  path: string;
  arn: string;
  groupId: string;
  createDate: Date;
}

/** A user's policies, groups and permissions boundary; users without any share none (memory). */
export interface UserPolicies extends PolicyHolder {
  /** Group names as the fixture spells them. */
  groups: string[];
  /** The ARN of the managed policy set as the user's permissions boundary. */
  boundary: string | null;
}

/** An account's groups and customer-managed policies, and the AWS-managed policies it uses. */
export interface AccountPolicies {
  groups: Map<string, SandboxGroup>;
  groupList: SandboxGroup[];
  /** Every managed policy the account can name, by ARN: its own and the AWS-managed ones in use. */
  policies: Map<string, SandboxPolicy>;
  /** Users' policies by lower-cased user name. */
  users: Map<string, UserPolicies>;
}

export function emptyAccountPolicies(): AccountPolicies {
  return { groups: new Map(), groupList: [], policies: new Map(), users: new Map() };
}

export const awsManagedArn = (name: string, path = '/'): string => `arn:aws:iam::aws:policy${path}${name}`;

/** The shipped AWS-managed policy of this name, as a SandboxPolicy; undefined when not shipped. */
export function awsManagedPolicy(name: string): SandboxPolicy | undefined {
  const policy = AWS_MANAGED_POLICIES.get(name);
  if (!policy) return undefined;
  return {
    name: policy.name,
    path: policy.path,
    arn: awsManagedArn(policy.name, policy.path),
    policyId: stableId('ANPA', 'aws', policy.name),
    description: policy.description,
    createDate: new Date(policy.createDate),
    updateDate: new Date(policy.updateDate),
    defaultVersionId: policy.defaultVersionId,
    versions: [
      {
        id: policy.defaultVersionId,
        document: JSON.stringify(policy.document),
        createDate: new Date(policy.updateDate),
      },
    ],
    awsManaged: true,
  };
}

/** How many users and groups attach the policy (GetPolicy's AttachmentCount). */
export function attachmentCount(policies: AccountPolicies, arn: string): number {
  let count = 0;
  for (const holder of [...policies.users.values(), ...policies.groupList]) {
    if (holder.attached.includes(arn)) count++;
  }
  return count;
}

/** How many users have the policy as their permissions boundary. */
export function boundaryCount(policies: AccountPolicies, arn: string): number {
  return [...policies.users.values()].filter((user) => user.boundary === arn).length;
}
