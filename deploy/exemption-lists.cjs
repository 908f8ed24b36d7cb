// The `exemptUsers` and `exemptPaths` params read as the settings read them: comma separated,
// entries trimmed, a path given its trailing slash. One reading for the auditor's Deny
// (exemption-deny.cjs) and for the member role's (its ExemptUsers and ExemptPaths StackSet
// parameters, `${file(./deploy/exemption-lists.cjs):users}`).
const list = (text) =>
  String(text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);

const exemptUserNames = (text) => list(text);
const exemptPathList = (text) => list(text).map((path) => (path.endsWith('/') ? path : `${path}/`));

module.exports = {
  exemptUserNames,
  exemptPathList,
  // Serverless variable resolver: the normalized lists as comma-separated strings.
  users: async ({ resolveVariable }) => exemptUserNames(await resolveVariable('param:exemptUsers')).join(','),
  paths: async ({ resolveVariable }) => exemptPathList(await resolveVariable('param:exemptPaths')).join(','),
};
