// Serverless variable resolver: an explicit Deny on changing the keys of the users that the
// `exemptUsers` (names and globs) and `exemptPaths` params exempt, so no planner bug can act on
// them. CloudFormation cannot map a list to ARNs (Fn::Join and Fn::Split take literal delimiters,
// so each entry cannot get the partition and account), so the policy is built here, reading the
// params as the settings do: comma separated, entries trimmed, a path given its trailing slash.
//
// A user's ARN is `user<path><name>`. A name or glob is denied at any path (`user/NAME` and
// `user/*/NAME`); `*` and `?` mean in an ARN what they mean in a glob, except that IAM's `*` also
// crosses `/`, so `ci-*` also covers the users under a path starting `/ci-` (more is denied, never
// less). ARNs are compared case-sensitively: the Deny covers a name as written, while the planner
// also exempts its other spellings.
const { exemptUserNames, exemptPathList } = require('./exemption-lists.cjs');

const userArn = (rest) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:user${rest}` });

module.exports = async ({ resolveVariable }) => {
  const names = exemptUserNames(await resolveVariable('param:exemptUsers'));
  const paths = exemptPathList(await resolveVariable('param:exemptPaths'));
  const deny = (sid, resources) => ({
    Sid: sid,
    Effect: 'Deny',
    Action: ['iam:UpdateAccessKey', 'iam:DeleteAccessKey'],
    Resource: resources,
  });
  const statements = [];
  if (names.length > 0) {
    statements.push(
      deny(
        'DenyKeyChangesOnExemptUserNames',
        names.flatMap((name) => [userArn(`/${name}`), userArn(`/*/${name}`)]),
      ),
    );
  }
  if (paths.length > 0) {
    statements.push(
      deny(
        'DenyKeyChangesOnExemptPaths',
        paths.map((path) => userArn(`${path}*`)),
      ),
    );
  }
  if (statements.length === 0) return {};
  return {
    ExemptUsersDenyPolicy: {
      Type: 'AWS::IAM::Policy',
      Properties: {
        PolicyName: 'exempt-users-deny',
        // The exposed-key responder's role, the answer page's and the organization account audit's
        // change keys too.
        Roles: [
          { Ref: 'IamRoleLambdaExecution' },
          { Ref: 'ExposedKeyResponderRole' },
          { 'Fn::If': ['HasReportBucket', { Ref: 'AnswerPageRole' }, { Ref: 'AWS::NoValue' }] },
          {
            'Fn::If': [
              'OrganizationAuditEnabled',
              { Ref: 'OrganizationAuditAccountRole' },
              { Ref: 'AWS::NoValue' },
            ],
          },
        ],
        PolicyDocument: { Version: '2012-10-17', Statement: statements },
      },
    },
  };
};
