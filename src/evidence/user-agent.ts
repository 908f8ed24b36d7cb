/**
 * What made a call, from its CloudTrail `userAgent`: the tool family (AWS CLI, an SDK by language,
 * the console, an infrastructure tool) and, when the agent says so, the environment it ran in
 * (`exec-env/AWS_Lambda_nodejs20.x`, `exec-env/GitHubActions`). Pure; any string is accepted.
 */

import type { AGENT_KINDS, RUNTIME_PLACES } from '../model.js';

/** How a family of agents is used: the classifier weighs kinds, the report names families. */
export type AgentKind = (typeof AGENT_KINDS)[number];

export interface AgentFamily {
  /** `AWS CLI`, `SDK (Python)`, `Terraform`, `Console or browser`, `AWS service (lambda)`, ... */
  family: string;
  kind: AgentKind;
}

/** First match wins: the CLI and infrastructure tools embed an SDK's agent in theirs. */
const FAMILIES: readonly { pattern: RegExp; family: string; kind: AgentKind }[] = [
  { pattern: /^aws-cli\//i, family: 'AWS CLI', kind: 'cli' },
  { pattern: /Terraform\/|terraform-provider-aws/i, family: 'Terraform', kind: 'infrastructure' },
  { pattern: /pulumi/i, family: 'Pulumi', kind: 'infrastructure' },
  { pattern: /aws-cdk|\bcdk\//i, family: 'AWS CDK', kind: 'infrastructure' },
  { pattern: /^cloudformation\.amazonaws\.com$/i, family: 'CloudFormation', kind: 'infrastructure' },
  { pattern: /ansible/i, family: 'Ansible', kind: 'infrastructure' },
  {
    pattern: /^(signin|console)\.amazonaws\.com$|^Mozilla\//i,
    family: 'Console or browser',
    kind: 'console',
  },
  { pattern: /Boto3\/|Botocore\//i, family: 'SDK (Python)', kind: 'sdk' },
  { pattern: /aws-sdk-js|aws-sdk-nodejs/i, family: 'SDK (JavaScript)', kind: 'sdk' },
  { pattern: /aws-sdk-go/i, family: 'SDK (Go)', kind: 'sdk' },
  { pattern: /aws-sdk-java/i, family: 'SDK (Java)', kind: 'sdk' },
  { pattern: /aws-sdk-dotnet|aws-sdk-net/i, family: 'SDK (.NET)', kind: 'sdk' },
  { pattern: /aws-sdk-ruby/i, family: 'SDK (Ruby)', kind: 'sdk' },
  { pattern: /aws-sdk-php/i, family: 'SDK (PHP)', kind: 'sdk' },
  { pattern: /aws-sdk-rust/i, family: 'SDK (Rust)', kind: 'sdk' },
  { pattern: /aws-sdk-cpp/i, family: 'SDK (C++)', kind: 'sdk' },
  { pattern: /^AWS Internal$/i, family: 'AWS Internal', kind: 'aws-service' },
];

const SERVICE_AGENT = /^([a-z0-9-]+)\.amazonaws\.com$/i;
/** Long agents are cut: the summary names a family, never keeps a whole agent string. */
const MAX_NAME = 40;

/** The family of a user agent; `(none)` for a missing or empty one. */
export function agentFamily(userAgent: string | null | undefined): AgentFamily {
  const agent = (userAgent ?? '').trim();
  if (agent === '') return { family: '(none)', kind: 'unknown' };
  for (const { pattern, family, kind } of FAMILIES) if (pattern.test(agent)) return { family, kind };
  const service = SERVICE_AGENT.exec(agent)?.[1];
  if (service) return { family: `AWS service (${service.toLowerCase()})`, kind: 'aws-service' };
  const product = agent.split(/[\s/]/, 1)[0] ?? agent;
  return { family: `Other (${product.slice(0, MAX_NAME)})`, kind: 'unknown' };
}

/** Where the agent says it ran, and whether that is on AWS or a CI service. */
export interface AgentRuntime {
  runtime: string;
  on: (typeof RUNTIME_PLACES)[number];
}

const RUNTIMES: readonly { pattern: RegExp; runtime: string; on: AgentRuntime['on'] }[] = [
  { pattern: /^AWS_Lambda/i, runtime: 'AWS Lambda', on: 'aws' },
  { pattern: /^AWS_ECS/i, runtime: 'Amazon ECS', on: 'aws' },
  { pattern: /^AWS_CodeBuild|^CodeBuild/i, runtime: 'AWS CodeBuild', on: 'ci' },
  { pattern: /^CloudShell/i, runtime: 'AWS CloudShell', on: 'other' },
  { pattern: /^GitHubActions/i, runtime: 'GitHub Actions', on: 'ci' },
  { pattern: /^GitLab/i, runtime: 'GitLab CI', on: 'ci' },
];

/** The `exec-env/...` part of an SDK or CLI agent; null when there is none. */
export function agentRuntime(userAgent: string | null | undefined): AgentRuntime | null {
  const env = /(?:^|\s)exec-env\/(\S+)/.exec(userAgent ?? '')?.[1];
  if (!env) return null;
  for (const { pattern, runtime, on } of RUNTIMES) if (pattern.test(env)) return { runtime, on };
  return { runtime: env.slice(0, MAX_NAME), on: 'other' };
}
