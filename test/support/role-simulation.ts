/**
 * The packaged template's IAM roles, ready for `@cloud-copilot/iam-simulate`: each role's inline
 * policies resolved for the test stage, the functions that run with it (by their serverless.yml
 * name), and the resource policies (topic policy, key policy, ...) that AWS would evaluate too.
 */
import { type EvaluationResult, runSimulation } from '@cloud-copilot/iam-simulate';
import {
  type PermissionRegistry,
  permissionsOf,
  uniquePermissions,
} from '../../scripts/permissions/registry.js';
import type { PermissionCondition, PermissionDeclaration } from '../../src/aws/permissions.js';
import type { CfnResolver } from './cfn-resolver.js';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: PermissionCondition;
  Principal?: unknown;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

export interface RoleUnderTest {
  logicalId: string;
  arn: string;
  name: string;
  policies: { name: string; policy: PolicyDocument }[];
  /** The serverless.yml names of the functions that run with this role. */
  functions: string[];
}

export interface Probe {
  action: string;
  /** A concrete resource ARN, or `*` for actions that take none. */
  resource: string;
  /** Request context keys; a multivalued key (`aws:TagKeys`) takes a list. */
  context?: Record<string, string | string[]>;
}

export const asList = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** Whether the role's trust policy lets `service` (`lambda.amazonaws.com`) assume it. */
function trusts(
  resolver: CfnResolver,
  role: { Properties?: Record<string, unknown> },
  service: string,
): boolean {
  const document = resolver.resolve(role.Properties?.AssumeRolePolicyDocument) as PolicyDocument | undefined;
  return (document?.Statement ?? []).some(
    (s) =>
      s.Effect === 'Allow' &&
      asList((s.Principal as { Service?: string | string[] })?.Service).includes(service),
  );
}

/**
 * Every IAM role of the template that `service` assumes (default: the functions' roles), with the
 * functions that use it. The organization state machine's and its schedule's roles are held to
 * their own statements in test/deploy/organization-state-machine.test.ts.
 */
export function rolesUnderTest(resolver: CfnResolver, principal = 'lambda.amazonaws.com'): RoleUnderTest[] {
  const { service, stage } = resolver.deployment;
  const functionPrefix = `${service}-${stage}-`;
  const functions = Object.entries(resolver.template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && resolver.exists(id))
    .map(([id, r]) => {
      const name = resolver.ref(id);
      if (!name.startsWith(functionPrefix))
        throw new Error(`Function ${name} is not named ${functionPrefix}<name>`);
      return { name: name.slice(functionPrefix.length), role: resolver.resolve(r.Properties?.Role) };
    });

  return Object.entries(resolver.template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::Role' && resolver.exists(id) && trusts(resolver, r, principal))
    .map(([logicalId, r]) => {
      const properties = r.Properties ?? {};
      // A managed policy or boundary is not in the template: the simulation could not be honest.
      for (const unsupported of ['ManagedPolicyArns', 'PermissionsBoundary'] as const) {
        if (asList(properties[unsupported] as unknown[]).length > 0) {
          throw new Error(
            `${logicalId} has ${unsupported}; the least-privilege test only evaluates inline policies`,
          );
        }
      }
      const arn = resolver.getAtt(logicalId, 'Arn');
      const policies = asList(properties.Policies as { PolicyName: unknown; PolicyDocument: unknown }[]).map(
        (p) => ({
          name: String(resolver.resolve(p.PolicyName)),
          policy: resolver.resolve(p.PolicyDocument) as PolicyDocument,
        }),
      );
      // Policies attached as their own resources (AWS::IAM::Policy with `Roles`), such as one that
      // exists only under a condition, count as the role's too.
      const attached = Object.entries(resolver.template.Resources)
        .filter(([id, a]) => a.Type === 'AWS::IAM::Policy' && resolver.exists(id))
        .filter(([, a]) =>
          asList(a.Properties?.Roles as unknown[]).some(
            (role) => resolver.resolve(role) === resolver.ref(logicalId),
          ),
        )
        .map(([, a]) => ({
          name: String(resolver.resolve(a.Properties?.PolicyName)),
          policy: resolver.resolve(a.Properties?.PolicyDocument) as PolicyDocument,
        }));
      return {
        logicalId,
        arn,
        name: resolver.ref(logicalId),
        policies: [...policies, ...attached],
        functions: functions.filter((f) => f.role === arn).map((f) => f.name),
      };
    });
}

/** The serverless.yml function names of the template (to compare with the registry). */
export function templateFunctionNames(resolver: CfnResolver): string[] {
  return rolesUnderTest(resolver).flatMap((role) => role.functions);
}

/** The granted declarations (not `grant: false`) of every function that runs with the role. */
export function declarationsOf(registry: PermissionRegistry, role: RoleUnderTest): PermissionDeclaration[] {
  return uniquePermissions(
    role.functions.flatMap((fn) => permissionsOf(registry, fn)).filter((d) => d.grant !== false),
  );
}

/** A declared condition with its `${...}` placeholders resolved for this deployment. */
export function resolveCondition(
  resolver: CfnResolver,
  condition: PermissionCondition | undefined,
): PermissionCondition | undefined {
  if (!condition) return condition;
  return Object.fromEntries(
    Object.entries(condition).map(([operator, keys]) => [
      operator,
      Object.fromEntries(
        Object.entries(keys).map(([key, value]) => [
          key,
          Array.isArray(value)
            ? value.map((v: string) => resolveDeclared(resolver, v))
            : resolveDeclared(resolver, value as string),
        ]),
      ),
    ]),
  );
}

/** A declaration's resource pattern (or example) as a concrete string for this deployment. */
export function resolveDeclared(resolver: CfnResolver, pattern: string): string {
  const { service, stage } = resolver.deployment;
  return resolver.sub(pattern, { Service: service, Stage: stage });
}

/** The resource policies in the template, by the ARN of the resource they protect. */
export function resourcePolicies(resolver: CfnResolver): Map<string, PolicyDocument> {
  const policies = new Map<string, PolicyDocument>();
  for (const [id, r] of Object.entries(resolver.template.Resources)) {
    if (!resolver.exists(id)) continue;
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::SNS::TopicPolicy') {
      for (const topic of resolver.resolve(p.Topics) as string[]) {
        policies.set(topic, resolver.resolve(p.PolicyDocument) as PolicyDocument);
      }
    } else if (r.Type === 'AWS::KMS::Key') {
      policies.set(resolver.getAtt(id, 'Arn'), resolver.resolve(p.KeyPolicy) as PolicyDocument);
    } else if (r.Type === 'AWS::SQS::QueuePolicy') {
      const urls = resolver.resolve(p.Queues) as string[];
      const queues = Object.keys(resolver.template.Resources).filter(
        (q) => resolver.resource(q).Type === 'AWS::SQS::Queue' && urls.includes(resolver.ref(q)),
      );
      for (const q of queues)
        policies.set(resolver.getAtt(q, 'Arn'), resolver.resolve(p.PolicyDocument) as PolicyDocument);
    } else if (r.Type === 'AWS::S3::BucketPolicy') {
      const bucketArn = `arn:${resolver.deployment.partition}:s3:::${String(resolver.resolve(p.Bucket))}`;
      policies.set(bucketArn, resolver.resolve(p.PolicyDocument) as PolicyDocument);
    }
  }
  return policies;
}

function policyFor(policies: Map<string, PolicyDocument>, resource: string): PolicyDocument | undefined {
  const exact = policies.get(resource);
  if (exact) return exact;
  // An S3 object is governed by its bucket's policy.
  const bucket = /^(arn:[^:]+:s3:::[^/]+)\//.exec(resource)?.[1];
  return bucket ? policies.get(bucket) : undefined;
}

/**
 * Runs one request through the simulator as the role's Lambda session would make it (over TLS),
 * with the template's resource policy for the resource if it has one. Throws if the simulator
 * refuses the request (unknown action, ARN of the wrong type): a probe that cannot run proves nothing.
 */
export async function simulate(
  resolver: CfnResolver,
  role: RoleUnderTest,
  probe: Probe,
): Promise<EvaluationResult> {
  const { accountId } = resolver.deployment;
  const session = `arn:${resolver.deployment.partition}:sts::${accountId}:assumed-role/${role.name}/${role.functions[0] ?? 'session'}`;
  return simulateAs(resolver, {
    principal: session,
    identityPolicies: role.policies,
    probe: {
      ...probe,
      context: { 'aws:SecureTransport': 'true', 'aws:PrincipalArn': role.arn, ...probe.context },
    },
  });
}

/** A simulation for any principal (a service principal has no identity policies). */
export async function simulateAs(
  resolver: CfnResolver,
  request: { principal: string; identityPolicies: { name: string; policy: unknown }[]; probe: Probe },
): Promise<EvaluationResult> {
  const { probe } = request;
  const resourcePolicy = policyFor(resourcePolicies(resolver), probe.resource);
  const response = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: probe.action,
        resource: {
          resource: probe.resource,
          accountId: accountOf(probe.resource) ?? resolver.deployment.accountId,
        },
        contextVariables: probe.context ?? {},
      },
      identityPolicies: request.identityPolicies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(resourcePolicy ? { resourcePolicy } : {}),
    },
    {},
  );
  if (response.resultType === 'error') {
    throw new Error(
      `The simulator refused ${probe.action} on ${probe.resource}: ${JSON.stringify(response.errors)}`,
    );
  }
  return response.overallResult;
}

/** The account of an ARN, if it names one (S3 ARNs do not). */
function accountOf(resource: string): string | undefined {
  const account = resource.split(':')[4];
  return account && /^\d{12}$/.test(account) ? account : undefined;
}

/**
 * A request context that satisfies a declared condition (first value of each key; `*` in a Like
 * pattern becomes a name; a `ForAllValues` key gets a one-element list; `Null: false` a value).
 * Negated operators cannot be satisfied this way: teach this function.
 */
export function contextSatisfying(
  condition: PermissionCondition | undefined,
): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = {};
  const present: string[] = [];
  // Values are written as CloudFormation Fn::Sub strings (`ssm.${AWS::Region}.amazonaws.com`); the
  // caller resolves them first (resolveCondition).
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    if (operator === 'Null') {
      for (const [key, value] of Object.entries(keys)) {
        if (value !== 'false') throw new Error(`Cannot derive a request context for Null ${key}: ${value}`);
        present.push(key);
      }
      continue;
    }
    if (/Not|IfExists|ForAnyValue|Null/.test(operator)) {
      throw new Error(`Cannot derive a request context for condition operator ${operator}`);
    }
    for (const [key, value] of Object.entries(keys)) {
      const first = asList(value as string | string[])[0] ?? '';
      // A policy variable (`${aws:PrincipalOrgID}`): the request carries the same value under both keys.
      const variable = /^\$\{([^}]+)\}$/.exec(first)?.[1];
      if (variable) {
        context[variable] ??= `example-${variable.replace(/\W/g, '-')}`;
        context[key] = context[variable];
        continue;
      }
      const satisfying = operator.endsWith('Like') ? first.replaceAll('*', 'example') : first;
      context[key] = operator.startsWith('ForAllValues:') ? [satisfying] : satisfying;
    }
  }
  for (const key of present) context[key] ??= 'example';
  return context;
}
