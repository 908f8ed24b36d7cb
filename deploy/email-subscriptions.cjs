// Serverless variable resolver: one SNS email subscription to the report topic and one to the alarm
// topic per address in the `alertEmails` param (comma separated). CloudFormation cannot loop over a list, so the resources are built here.
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

module.exports = async ({ resolveVariable }) => {
  const raw = String((await resolveVariable('param:alertEmails')) ?? '');
  const emails = raw
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const resources = {};
  emails.forEach((email, index) => {
    if (!EMAIL.test(email)) {
      throw new Error(
        `Invalid param alertEmails: "${email}" is not an email address (use a comma-separated list)`,
      );
    }
    resources[`ReportEmailSubscription${index + 1}`] = {
      Type: 'AWS::SNS::Subscription',
      Properties: {
        TopicArn: { Ref: 'ReportTopic' },
        Protocol: 'email',
        Endpoint: email,
        // The full report only: per-team copies carry a `team` attribute.
        FilterPolicyScope: 'MessageAttributes',
        FilterPolicy: { team: [{ exists: false }] },
      },
    };
    // The same people hear of the alarms, through the alarm topic (it does not share the report
    // topic's fate). SNS asks each address to confirm each subscription.
    resources[`AlarmEmailSubscription${index + 1}`] = {
      Type: 'AWS::SNS::Subscription',
      Properties: { TopicArn: { Ref: 'AlarmTopic' }, Protocol: 'email', Endpoint: email },
    };
  });
  return resources;
};
