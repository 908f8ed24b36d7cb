/**
 * The sandbox: a local IAM, SNS, STS and S3 endpoint for the demo, the tests and the benchmarks.
 * Handlers never import it; tests and scripts do.
 */
export type { Caller, CredentialScope } from './auth.js';
export { UNKNOWN_CALLER_NAME } from './auth.js';
export { SandboxClock } from './clock.js';
export { buildCredentialReportCsv, CREDENTIAL_REPORT_COLUMNS } from './credential-report.js';
export { AwsError } from './errors.js';
export type { FaultSettings } from './faults.js';
export { Faults } from './faults.js';
export type { Fixture, FixtureInput, FixtureIssue } from './fixture.js';
export { FixtureError, fixtureSchema, loadFixture, parseFixture } from './fixture.js';
export { S3_MAX_OBJECT_BYTES, S3Error } from './s3.js';
export type { RunningSandbox, Sandbox, SandboxOptions } from './server.js';
export { startSandbox } from './server.js';
export { SNS_MAX_MESSAGE_BYTES } from './sns.js';
export type {
  ActionStats,
  AssumedRoleSession,
  CallStats,
  CredentialReportAid,
  LastUsedInfo,
  MessageAttributeValue,
  PublishedMessage,
  SandboxAccessKey,
  SandboxAccount,
  SandboxBucket,
  SandboxObject,
  SandboxTopic,
  SandboxUser,
  ServiceStats,
  SnsBodyProtocol,
} from './state.js';
export { SandboxState, SNS_BODY_PROTOCOLS, SYNTHETIC_DEFAULT_NOW } from './state.js';
export type { SyntheticOptions } from './synthetic.js';
export { generateSyntheticAccount } from './synthetic.js';
