/**
 * What each user with a finding can do, read from IAM: the user's attached and inline policies,
 * those of its groups, and its permissions boundary. Only users with a finding are read, so the
 * cost follows the findings, not the account; groups and managed policies are read once per run.
 */
import {
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  type IAMClient,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupPolicies,
  paginateListGroupsForUser,
  paginateListUserPolicies,
} from '@aws-sdk/client-iam';
import { describeAwsError } from '../aws/errors.js';
import { ANY_USER, type PermissionDeclaration } from '../aws/permissions.js';
import { forEachConcurrent } from '../concurrency.js';
import type { AuditError, FindingPrivilege, UserPolicies, UserRecord } from '../model.js';
import { classifyPrivilege } from './classify.js';
import { type PolicyDocument, type PolicySource, parsePolicyDocument } from './policy-document.js';

const ANY_GROUP = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:group/*';
const AWS_MANAGED_POLICY = 'arn:${AWS::Partition}:iam::aws:policy/*';
const OWN_POLICY = 'arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/*';

/**
 * The IAM reads behind "what can this key do".
 * @public gathered by the permission walk (scripts/permissions/registry.ts)
 */
export const PRIVILEGE_READ_PERMISSIONS = [
  {
    action: 'iam:ListAttachedUserPolicies',
    resource: ANY_USER,
    why: "privilege: the user's managed policies",
  },
  {
    action: 'iam:ListUserPolicies',
    resource: ANY_USER,
    why: "privilege: the names of the user's inline policies",
  },
  { action: 'iam:GetUserPolicy', resource: ANY_USER, why: "privilege: each inline policy's document" },
  { action: 'iam:ListGroupsForUser', resource: ANY_USER, why: "privilege: the user's groups" },
  { action: 'iam:GetUser', resource: ANY_USER, why: "privilege: the user's permissions boundary" },
  {
    action: 'iam:ListAttachedGroupPolicies',
    resource: ANY_GROUP,
    why: "privilege: each group's managed policies",
  },
  {
    action: 'iam:ListGroupPolicies',
    resource: ANY_GROUP,
    why: "privilege: the names of each group's inline policies",
  },
  {
    action: 'iam:GetGroupPolicy',
    resource: ANY_GROUP,
    why: "privilege: each group inline policy's document",
  },
  {
    action: 'iam:GetPolicy',
    resource: AWS_MANAGED_POLICY,
    why: "privilege: an AWS-managed policy's default version",
  },
  {
    action: 'iam:GetPolicyVersion',
    resource: AWS_MANAGED_POLICY,
    why: "privilege: an AWS-managed policy's document",
  },
  {
    action: 'iam:GetPolicy',
    resource: OWN_POLICY,
    why: "privilege: a customer-managed policy's default version",
  },
  {
    action: 'iam:GetPolicyVersion',
    resource: OWN_POLICY,
    why: "privilege: a customer-managed policy's document",
  },
] as const satisfies readonly PermissionDeclaration[];

export interface PrivilegeReadDeps {
  iam: Pick<IAMClient, 'send'>;
  concurrency: number;
  /** Asked before each user; true once the time budget is spent. */
  shouldStop?: () => boolean;
}

export interface PrivilegeReadResult {
  /** By user name; a user whose policies could not be read is absent (and in `errors`). */
  privileges: Map<string, FindingPrivilege>;
  errors: AuditError[];
}

type Client = IAMClient;

async function collect<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const page of pages) all.push(page);
  return all;
}

/** Per-run caches: a group or managed policy shared by many users is read once, a set of policies classified once. */
class PolicyReader {
  private readonly documents = new Map<string, Promise<PolicyDocument>>();
  private readonly groups = new Map<string, Promise<PolicySource[]>>();
  private readonly classified = new Map<string, Promise<FindingPrivilege>>();

  constructor(private readonly iam: Pick<IAMClient, 'send'>) {}

  managed(arn: string): Promise<PolicyDocument> {
    let document = this.documents.get(arn);
    if (!document) {
      document = (async () => {
        const { Policy } = await this.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
        const { PolicyVersion } = await this.iam.send(
          new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy?.DefaultVersionId }),
        );
        return parsePolicyDocument(PolicyVersion?.Document ?? '');
      })();
      this.documents.set(arn, document);
    }
    return document;
  }

  group(name: string): Promise<PolicySource[]> {
    let sources = this.groups.get(name);
    if (!sources) {
      sources = (async () => {
        const client = { client: this.iam as Client };
        const attached = (
          await collect(paginateListAttachedGroupPolicies(client, { GroupName: name }))
        ).flatMap((page) => page.AttachedPolicies ?? []);
        const inline = (await collect(paginateListGroupPolicies(client, { GroupName: name }))).flatMap(
          (page) => page.PolicyNames ?? [],
        );
        return [
          ...(await Promise.all(
            attached.map(
              async (p): Promise<PolicySource> => ({
                name: p.PolicyName ?? '',
                kind: 'managed',
                group: name,
                document: await this.managed(p.PolicyArn ?? ''),
              }),
            ),
          )),
          ...(await Promise.all(
            inline.map(async (policyName): Promise<PolicySource> => {
              const answer = await this.iam.send(
                new GetGroupPolicyCommand({ GroupName: name, PolicyName: policyName }),
              );
              return {
                name: policyName,
                kind: 'inline',
                group: name,
                document: parsePolicyDocument(answer.PolicyDocument ?? ''),
              };
            }),
          )),
        ];
      })();
      this.groups.set(name, sources);
    }
    return sources;
  }

  /** The user's own policies, groups and boundary, read per user when the listing gave none. */
  private async listed(userName: string): Promise<UserPolicies> {
    const client = { client: this.iam as Client };
    const { User } = await this.iam.send(new GetUserCommand({ UserName: userName }));
    const attached = (
      await collect(paginateListAttachedUserPolicies(client, { UserName: userName }))
    ).flatMap((page) => page.AttachedPolicies ?? []);
    const inlineNames = (await collect(paginateListUserPolicies(client, { UserName: userName }))).flatMap(
      (page) => page.PolicyNames ?? [],
    );
    const groups = (await collect(paginateListGroupsForUser(client, { UserName: userName }))).flatMap(
      (page) => page.Groups ?? [],
    );
    const inline = await Promise.all(
      inlineNames.map(async (name) => {
        const answer = await this.iam.send(
          new GetUserPolicyCommand({ UserName: userName, PolicyName: name }),
        );
        return { name, document: answer.PolicyDocument ?? '' };
      }),
    );
    return {
      attached: attached.map((p) => ({ name: p.PolicyName ?? '', arn: p.PolicyArn ?? '' })),
      inline,
      groups: groups.map((group) => group.GroupName ?? ''),
      permissionsBoundaryArn: User?.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
    };
  }

  async user(user: PrivilegeSubject): Promise<FindingPrivilege> {
    const policies = user.policies ?? (await this.listed(user.userName));
    // Users mostly share their policies through groups: classify each set once per run.
    const key = JSON.stringify(policies);
    let privilege = this.classified.get(key);
    if (!privilege) {
      privilege = this.classify(policies);
      this.classified.set(key, privilege);
    }
    return privilege;
  }

  private async classify(policies: UserPolicies): Promise<FindingPrivilege> {
    const own: PolicySource[] = [
      ...(await Promise.all(
        policies.attached.map(
          async (p): Promise<PolicySource> => ({
            name: p.name,
            kind: 'managed',
            group: null,
            document: await this.managed(p.arn),
          }),
        ),
      )),
      ...policies.inline.map(
        (p): PolicySource => ({
          name: p.name,
          kind: 'inline',
          group: null,
          document: parsePolicyDocument(p.document),
        }),
      ),
    ];
    const viaGroups = (await Promise.all(policies.groups.map((group) => this.group(group)))).flat();
    const boundaryArn = policies.permissionsBoundaryArn;
    const boundary = boundaryArn ? await this.managed(boundaryArn) : null;
    return classifyPrivilege([...own, ...viaGroups], boundary);
  }
}

/** A user whose privilege is wanted; `policies` when the listing gave them (no call per user then). */
export type PrivilegeSubject = Pick<UserRecord, 'userName' | 'policies'>;

/**
 * The privilege of each user. The user's own policies come from the listing when it gave them
 * (GetAccountAuthorizationDetails does), else from five calls per user; groups and managed policies
 * are read once per run. A user whose policies cannot be read gets no privilege (its findings keep
 * the rule's severity) and an error in the report, never a guess.
 */
export async function readPrivileges(
  deps: PrivilegeReadDeps,
  users: readonly PrivilegeSubject[],
): Promise<PrivilegeReadResult> {
  const reader = new PolicyReader(deps.iam);
  const privileges = new Map<string, FindingPrivilege>();
  const errors: AuditError[] = [];
  const unique = [...new Map(users.map((user) => [user.userName, user])).values()];
  await forEachConcurrent(unique, deps.concurrency, async (user) => {
    const { userName } = user;
    if (deps.shouldStop?.()) return;
    try {
      privileges.set(userName, await reader.user(user));
    } catch (error) {
      errors.push({ userName, accessKeyId: null, operation: 'privilege', ...describeAwsError(error) });
    }
  });
  return { privileges, errors };
}
