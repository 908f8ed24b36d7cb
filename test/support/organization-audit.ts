import { createClients, signingAccessKeyId } from '../../src/aws/clients.js';
import { loadSettings } from '../../src/config/settings.js';
import type { OrganizationReport } from '../../src/org/organization-report.js';
import { runOrganizationAudit } from '../../src/org/run-organization.js';
import { organizationRunDeps } from '../../src/runtime/organization-deps.js';
import { startSandbox } from '../../src/sandbox/index.js';
import { ORG_AUDITOR_KEY, ORG_BUCKET, ORG_TOPIC_ARN, organizationFixture } from './organization-fixture.js';

/**
 * Runs one enforce-mode organization audit of the test organization (audited, not covered and
 * skipped accounts) in a fresh sandbox, through the same code as `npm run audit -- --org`, and
 * returns the organization report its HTML is rendered from.
 */
export async function auditTestOrganization(): Promise<OrganizationReport> {
  const fixture = organizationFixture();
  const sandbox = await startSandbox({ fixture });
  try {
    const region = 'us-east-1';
    const credentials = { accessKeyId: ORG_AUDITOR_KEY, secretAccessKey: 'sandbox-placeholder' };
    const options = { endpoint: sandbox.url, region, credentials };
    const clients = createClients(options);
    const settings = loadSettings({
      MODE: 'enforce',
      NOTICES: 'off',
      REPORT_TOPIC_ARN: ORG_TOPIC_ARN,
      REPORT_BUCKET: ORG_BUCKET,
    });
    const deps = organizationRunDeps(
      {
        ...clients,
        region,
        clock: () => new Date(fixture.now ?? Date.now()),
        selfAccessKeyId: await signingAccessKeyId(clients.iam),
        logger: { info: () => {}, warn: () => {} },
      },
      options,
    );
    const { report } = await runOrganizationAudit(deps, settings, { notify: false });
    return report;
  } finally {
    await sandbox.close();
  }
}
