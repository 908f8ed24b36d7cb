import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../../src/config/settings.js';
import { SETTINGS_TABLE } from '../../src/config/settings-table.js';

interface ServerlessConfig {
  params: { default: Record<string, unknown> };
  provider: { environment: Record<string, unknown> };
  functions: Record<string, { environment?: Record<string, unknown> }>;
}

// osls's own reader: serverless.yml as YAML with its CloudFormation tags, exactly as `serverless` reads it.
const readConfiguration = createRequire(import.meta.url)('osls/lib/configuration/read.js') as (
  path: string,
) => Promise<ServerlessConfig>;

const SERVERLESS_YML = fileURLToPath(new URL('../../serverless.yml', import.meta.url));
const settingsPage = readFileSync(new URL('../../docs/settings.md', import.meta.url), 'utf8');

/** Params that serverless.yml uses itself and does not pass to the functions. */
const DEPLOY_ONLY_PARAMS = [
  'schedule',
  'alertEmails',
  'reportRetentionDays',
  'logRetentionDays',
  'reservedConcurrency',
  'organizationAudit',
  'organizationSchedule',
  'sourceMaps',
  'organizationId',
];

/** Variables for the runtime and Powertools rather than settings of the audit. */
const RUNTIME_VARIABLES = [
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_METRICS_NAMESPACE',
  'POWERTOOLS_LOG_LEVEL',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
  // Set by the sourceMaps param: `--enable-source-maps`, or empty.
  'NODE_OPTIONS',
];

const sorted = (names: readonly string[]): string[] => [...names].sort();

let config: ServerlessConfig;

describe('serverless.yml and the settings table', () => {
  beforeAll(async () => {
    config = await readConfiguration(SERVERLESS_YML);
  });

  it('passes every setting to the functions from its own param', () => {
    // Prepare
    const environment = config.provider.environment;

    // Act
    const lines = SETTINGS_TABLE.map((entry) => [entry.env, environment[entry.env]]);

    // Assess
    expect(lines).toEqual(SETTINGS_TABLE.map((entry) => [entry.env, `\${param:${entry.param}}`]));
  });

  it('declares a default for every setting param, and no param that is neither a setting nor deploy-only', () => {
    // Prepare, Act
    const params = Object.keys(config.params.default);

    // Assess
    expect(sorted(params)).toEqual(
      sorted([...SETTINGS_TABLE.map((entry) => entry.param), ...DEPLOY_ONLY_PARAMS]),
    );
  });

  it('sets no environment variable that the table does not know', () => {
    // Prepare, Act
    const provider = Object.keys(config.provider.environment);
    const perFunction = Object.values(config.functions).flatMap((fn) => Object.keys(fn.environment ?? {}));

    // Assess
    expect(sorted(provider)).toEqual(
      sorted([...SETTINGS_TABLE.map((entry) => entry.env), ...RUNTIME_VARIABLES]),
    );
    expect(perFunction).toEqual([]);
  });

  it("deploys with the code's defaults when no param is given", () => {
    // Prepare: each param's default as the function would see it. The topic name's default is the
    // stack's own topic (a serverless variable), which the code cannot know.
    const defaults = config.params.default;
    const env = Object.fromEntries(
      SETTINGS_TABLE.map((entry) => [entry.env, String(defaults[entry.param])]).filter(
        ([, value]) => !value?.includes('${'),
      ),
    );

    // Act
    const deployed = loadSettings(env);

    // Assess
    expect(deployed).toEqual(loadSettings({}));
  });

  it('names the deploy-only params in docs/settings.md', () => {
    for (const param of DEPLOY_ONLY_PARAMS) expect(settingsPage, param).toContain(`\`${param}\``);
  });
});
