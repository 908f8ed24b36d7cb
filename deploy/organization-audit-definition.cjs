// The organizationAudit state machine's definition (deploy/organization-audit.asl.json) as the
// string CloudFormation's DefinitionString takes; its ${...FunctionArn} placeholders are filled by
// DefinitionSubstitutions in serverless.yml. Read at package time, offline.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

module.exports = () =>
  JSON.stringify(JSON.parse(readFileSync(join(__dirname, 'organization-audit.asl.json'), 'utf8')));
