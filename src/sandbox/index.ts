/**
 * The sandbox: a local IAM, SNS, STS, S3 and SSM endpoint for the demo, the tests and the benchmarks.
 * Handlers never import it; tests and scripts do.
 */
export type { Caller, CredentialScope } from './auth.js';
export { UNKNOWN_CALLER_NAME } from './auth.js';
export type { ActionStats, CallStats, ServiceStats } from './call-stats.js';
export { SandboxClock } from './clock.js';
export { buildCredentialReportCsv, CREDENTIAL_REPORT_COLUMNS } from './credential-report.js';
export { AwsError } from './errors.js';
export type { FaultSettings } from './faults.js';
export { Faults } from './faults.js';
export type { Fixture, FixtureInput, FixtureIssue } from './fixture.js';
export { FixtureError, fixtureSchema, loadFixture, parseFixture } from './fixture.js';
export type {
  CredentialReportAid,
  LastUsedInfo,
  SandboxAccessKey,
  SandboxAccount,
  SandboxUser,
} from './iam-state.js';
export { S3_MAX_OBJECT_BYTES, S3Error } from './s3.js';
export type { SandboxBucket, SandboxObject } from './s3-state.js';
export type { RunningSandbox, Sandbox, SandboxOptions } from './server.js';
export { startSandbox } from './server.js';
export { SNS_MAX_MESSAGE_BYTES } from './sns.js';
export type { MessageAttributeValue, PublishedMessage, SandboxTopic, SnsBodyProtocol } from './sns-state.js';
export { SNS_BODY_PROTOCOLS } from './sns-state.js';
export { SandboxState } from './state.js';
export type { AssumedRoleSession } from './sts-state.js';
export type { SyntheticOptions } from './synthetic.js';
export { generateSyntheticAccount, SYNTHETIC_DEFAULT_NOW } from './synthetic.js';
