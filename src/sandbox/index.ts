/**
 * The sandbox: a local IAM, SNS, STS, S3, SSM and Security Hub endpoint for the demo, the tests and the benchmarks.
 * Handlers never import it; tests and scripts do.
 */
export { UNKNOWN_CALLER_NAME } from './auth.js';
export type { CallStats } from './call-stats.js';
export { buildCredentialReportCsv, CREDENTIAL_REPORT_COLUMNS } from './credential-report.js';
export type { FaultSettings } from './faults.js';
export { Faults } from './faults.js';
export type { FixtureInput } from './fixture.js';
export { FixtureError, loadFixture, parseFixture } from './fixture.js';
export type { RunningSandbox, SandboxOptions } from './server.js';
export { startSandbox } from './server.js';
export type { SentEmail } from './ses-state.js';
export { SNS_MAX_MESSAGE_BYTES } from './sns.js';
export type { PublishedMessage } from './sns-state.js';
export { generateSyntheticAccount } from './synthetic.js';
