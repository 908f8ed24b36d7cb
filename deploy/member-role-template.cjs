// deploy/member-role.yml as the text a StackSet's TemplateBody takes (serverless.yml's
// MemberRoleStackSet). Read at package time, offline.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

module.exports = () => readFileSync(join(__dirname, 'member-role.yml'), 'utf8');
