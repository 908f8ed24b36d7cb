import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SETTINGS_DOC } from '../../src/config/settings-table.js';
import { SLACK_NOTIFIER_PERMISSIONS } from '../../src/notify/slack-webhook-url.js';
import { createLambdaRuntime } from '../../src/runtime/lambda-runtime.js';
import { recordAuditMetrics } from '../../src/runtime/metrics.js';
import { FINDINGS, finding, sampleReport } from '../report/sample-report.js';
import { PACKAGE_PARAMS } from '../support/package-service.js';
import {
  defaultResolver,
  packagedArtifacts,
  packagedResolver,
  packagedTemplate,
} from '../support/packaged-template.js';
import { simulateAs } from '../support/role-simulation.js';

// The template comes from one `serverless package` per test run (test/support/package-service.ts).
// Role permissions are checked by test/deploy/least-privilege.test.ts.
const template = packagedTemplate();
/** The package is built with a report bucket (package-service.ts), so the archive's resources are checked too. */
const REPORT_BUCKET = 'acme-key-hygiene-reports';

interface TemplateResource {
  Type: string;
  Condition?: string;
  DeletionPolicy?: string;
  Properties: Record<string, unknown>;
}
const resolver = packagedResolver();
/** The stage packaged with every param at its default. */
const defaults = defaultResolver();
const settingsPage = readFileSync(new URL('../../docs/settings.md', import.meta.url), 'utf8');

/** The asynchronous-invocation config of a function retried twice, then sent to its failure queue. */
function retriedTwiceInto(functionId: string, queueId: string) {
  return {
    FunctionName: resolver.ref(functionId),
    Qualifier: '$LATEST',
    MaximumRetryAttempts: 2,
    DestinationConfig: { OnFailure: { Destination: resolver.getAtt(queueId, 'Arn') } },
  };
}

function resourcesOfType(type: string) {
  return Object.entries(template.Resources).filter(([, r]) => r.Type === type) as [
    string,
    { Type: string; Properties: Record<string, unknown> },
  ][];
}

describe('Deployment: serverless package', () => {
  describe("the functions' packages: one each, minified, source maps only when asked", () => {
    /** The function of each zip and the one bundle it holds, as serverless.yml names them. */
    const BUNDLES: Record<string, string> = {
      'adhocAudit.zip': 'handlers/adhoc-audit.cjs',
      'answerPage.zip': 'handlers/answer-page.cjs',
      'exposedKeyResponder.zip': 'handlers/exposed-key-responder.cjs',
      'organizationAuditAccount.zip': 'handlers/organization-audit-account.cjs',
      'organizationListAccounts.zip': 'handlers/organization-list-accounts.cjs',
      'organizationSummary.zip': 'handlers/organization-summary.cjs',
      'scheduledAudit.zip': 'handlers/scheduled-audit.cjs',
      'slackNotifier.zip': 'handlers/slack-notifier.cjs',
    };
    const defaultZips = packagedArtifacts('defaults');
    const configuredZips = packagedArtifacts('configured');
    const functionsOf = (which: ReturnType<typeof defaultResolver>) =>
      Object.entries(which.template.Resources)
        .filter(
          ([, r]) => r.Type === 'AWS::Lambda::Function' && (!r.Condition || which.condition(r.Condition)),
        )
        .map(([id, r]) => ({ id, properties: which.resolve(r.Properties) as Record<string, unknown> }));
    const nodeOptionsOf = (properties: Record<string, unknown>) =>
      (properties.Environment as { Variables: Record<string, string> }).Variables.NODE_OPTIONS;

    it('gives each function its own zip holding its one bundle and nothing else', () => {
      // Assess
      expect(Object.keys(defaultZips).sort()).toEqual(Object.keys(BUNDLES));
      for (const [zip, bundle] of Object.entries(BUNDLES)) {
        expect(
          defaultZips[zip]?.files.map((f) => f.name),
          zip,
        ).toEqual([bundle]);
      }
      const keys = functionsOf(resolver).map(({ properties }) =>
        String((properties.Code as { S3Key: string }).S3Key)
          .split('/')
          .at(-1),
      );
      expect(keys.sort()).toEqual(Object.keys(BUNDLES));
    });

    it('keeps every zip under 1 MB', () => {
      for (const [zip, { bytes }] of Object.entries(defaultZips))
        expect(bytes, zip).toBeLessThan(1024 * 1024);
    });

    it('ships no source map and sets no NODE_OPTIONS by default', () => {
      // Assess
      for (const [zip, { files }] of Object.entries(defaultZips)) {
        expect(
          files.filter((f) => f.name.endsWith('.map')),
          zip,
        ).toEqual([]);
      }
      for (const { id, properties } of functionsOf(defaults)) expect(nodeOptionsOf(properties), id).toBe('');
    });

    it('with sourceMaps=true ships each bundle with its map and turns on source-map support', () => {
      // Assess
      expect(PACKAGE_PARAMS.sourceMaps).toBe('true');
      for (const [zip, bundle] of Object.entries(BUNDLES)) {
        expect(configuredZips[zip]?.files.map((f) => f.name).sort(), zip).toEqual([bundle, `${bundle}.map`]);
      }
      for (const { id, properties } of functionsOf(resolver)) {
        expect(nodeOptionsOf(properties), id).toBe('--enable-source-maps');
      }
    });

    it('never bundles the AGPL policy simulator (@cloud-copilot), which only the tests use', () => {
      for (const [zip, { packages }] of Object.entries(configuredZips)) {
        // The maps name what each bundle carries: the SDK core at least, so the check looked.
        expect(packages, zip).toContain('@smithy/core');
        expect(
          packages.filter((name) => name.startsWith('@cloud-copilot/')),
          zip,
        ).toEqual([]);
      }
    });

    it('bundles exactly the SDK clients each function calls, and no other', () => {
      // Prepare: what each function calls, read from its steps (the audit: IAM, STS, SNS, the
      // archive in S3 and Security Hub, the team directory in SSM and who created a key, and the
      // usage evidence, in CloudTrail, the owners' notices in SES and their answer links' key in
      // Secrets Manager; the list: who it is, Organizations, the list in S3; the
      // summary: the results and archive in S3, the report on SNS; the responder: the key in IAM
      // and CloudTrail, STS, the alert, the handled events in S3, Organizations).
      const audit = [
        '@aws-sdk/client-cloudtrail',
        '@aws-sdk/client-iam',
        '@aws-sdk/client-s3',
        '@aws-sdk/client-secrets-manager',
        '@aws-sdk/client-securityhub',
        '@aws-sdk/client-sesv2',
        '@aws-sdk/client-sns',
        '@aws-sdk/client-ssm',
        '@aws-sdk/client-sts',
      ];
      const expected: Record<string, string[]> = {
        'adhocAudit.zip': audit,
        'answerPage.zip': [
          '@aws-sdk/client-iam',
          '@aws-sdk/client-organizations',
          '@aws-sdk/client-s3',
          '@aws-sdk/client-secrets-manager',
          '@aws-sdk/client-sns',
          '@aws-sdk/client-sts',
        ],
        'exposedKeyResponder.zip': [
          '@aws-sdk/client-cloudtrail',
          '@aws-sdk/client-iam',
          '@aws-sdk/client-organizations',
          '@aws-sdk/client-s3',
          '@aws-sdk/client-sns',
          '@aws-sdk/client-sts',
        ],
        'organizationAuditAccount.zip': audit,
        'organizationListAccounts.zip': [
          '@aws-sdk/client-organizations',
          '@aws-sdk/client-s3',
          '@aws-sdk/client-sts',
        ],
        'organizationSummary.zip': ['@aws-sdk/client-s3', '@aws-sdk/client-sns'],
        'scheduledAudit.zip': audit,
        'slackNotifier.zip': ['@aws-sdk/client-ssm'],
      };
      // Act
      const carried = Object.fromEntries(
        Object.entries(configuredZips).map(([zip, { packages }]) => [
          zip,
          packages.filter((name) => name.startsWith('@aws-sdk/client-')),
        ]),
      );
      // Assess
      expect(carried).toEqual(expected);
    });

    it("carries zod's English messages only, none of its other translations", () => {
      for (const [zip, { packageFiles }] of Object.entries(configuredZips)) {
        // Every function parses its settings with zod, so each map names zod's files.
        expect(packageFiles.filter((file) => file.startsWith('zod/')).length, zip).toBeGreaterThan(0);
        expect(
          packageFiles.filter((file) => /^zod\/.*\/locales\//.test(file)),
          zip,
        ).toEqual(['zod/v4/locales/en.js']);
      }
    });
  });

  it('schedules the nightly audit at 03:00 UTC by default', () => {
    // Prepare
    // (The organization state machine's own schedule is tested with it.)
    const rules = resourcesOfType('AWS::Events::Rule').filter(
      ([id, r]) => r.Properties.ScheduleExpression && id !== 'OrganizationAuditSchedule',
    );
    // Assess
    expect(rules).toHaveLength(1);
    expect(rules[0]?.[1].Properties.ScheduleExpression).toBe('cron(0 3 * * ? *)');
  });

  it('triggers the exposed-key responder on the AWS Health event, matched by its event type code', () => {
    // Prepare
    const rules = resourcesOfType('AWS::Events::Rule').filter(([, r]) => r.Properties.EventPattern);
    // Assess
    expect(rules.map(([, r]) => r.Properties.EventPattern)).toEqual([
      {
        source: ['aws.health'],
        'detail-type': ['AWS Health Event'],
        detail: { eventTypeCode: ['AWS_RISK_CREDENTIALS_EXPOSED'] },
      },
    ]);
    const targets = JSON.stringify(rules[0]?.[1].Properties.Targets);
    expect(targets).toContain('ExposedKeyResponderLambdaFunction');
  });

  it('creates an encrypted report topic and subscribes the configured email', () => {
    // Prepare
    const topics = resourcesOfType('AWS::SNS::Topic');
    const subscriptions = resourcesOfType('AWS::SNS::Subscription');
    // Assess: the report topic and the alarms' own topic, each with its own key.
    expect(topics.map(([id]) => id).sort()).toEqual(['AlarmTopic', 'ReportTopic']);
    expect(template.Resources.ReportTopic?.Properties?.KmsMasterKeyId).toEqual({ Ref: 'ReportTopicKey' });
    expect(template.Resources.AlarmTopic?.Properties?.KmsMasterKeyId).toEqual({ Ref: 'AlarmTopicKey' });
    const emails = subscriptions.filter(
      ([, s]) =>
        s.Properties.Protocol === 'email' &&
        JSON.stringify(s.Properties.TopicArn) === '{"Ref":"ReportTopic"}',
    );
    expect(emails.map(([, s]) => s.Properties)).toEqual([
      {
        TopicArn: { Ref: 'ReportTopic' },
        Protocol: 'email',
        Endpoint: 'secops@example.com',
        // Email gets the full report only, not the per-team copies.
        FilterPolicyScope: 'MessageAttributes',
        FilterPolicy: { team: [{ exists: false }] },
      },
    ]);
  });

  it('runs the functions on nodejs24.x arm64, the audits with a timeout above the time-budget margin', () => {
    // Prepare
    const functions = resourcesOfType('AWS::Lambda::Function').map(([, f]) => f.Properties);
    // Assess
    // The audit functions, the exposed-key responder, the organization state machine's three tasks
    // and the answer page.
    expect(functions).toHaveLength(8);
    const shortTimeouts: Record<string, number> = {
      'handlers/answer-page.handler': 15,
      'handlers/slack-notifier.handler': 60,
      'handlers/exposed-key-responder.handler': 120,
      'handlers/organization-list-accounts.handler': 300,
      'handlers/organization-summary.handler': 300,
    };
    for (const fn of functions) {
      expect(fn.Runtime).toBe('nodejs24.x');
      expect(fn.Architectures).toEqual(['arm64']);
      expect(fn.Timeout).toBe(shortTimeouts[String(fn.Handler)] ?? 900);
      const env = (fn.Environment as { Variables: Record<string, unknown> }).Variables;
      expect(Number(env.TIME_BUDGET_MARGIN_SECONDS)).toBeLessThan(900);
      expect(env.MODE).toBe('report');
      expect(env.POWERTOOLS_SERVICE_NAME).toBe('key-hygiene');
      // Every documented setting reaches the function, as a plain string (invoke local needs that).
      for (const { env: name } of SETTINGS_DOC) expect(typeof env[name], name).toBe('string');
    }
  });

  describe('operations: a failed nightly run is retried, kept and announced', () => {
    const functionName = resolver.ref('ScheduledAuditLambdaFunction');
    const topicArn = resolver.ref('AlarmTopic');
    const alarmTopicArn = topicArn;
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm').map(([id, a]) => ({
      id,
      arn: resolver.getAtt(id, 'Arn'),
      properties: resolver.resolve(a.Properties) as Record<string, unknown>,
    }));
    const alarmOn = (namespace: string, metric: string) =>
      alarms.filter((a) => a.properties.Namespace === namespace && a.properties.MetricName === metric);

    it('never runs two nightly audits at once: reserved concurrency 1 (when the reservedConcurrency param says so)', () => {
      // Prepare
      const properties = resolver.resolve(
        resolver.resource('ScheduledAuditLambdaFunction').Properties,
      ) as Record<string, unknown>;
      // Assess: a string, as CloudFormation takes integers from params.
      expect(PACKAGE_PARAMS.reservedConcurrency).toBe('1');
      expect(Number(properties.ReservedConcurrentExecutions)).toBe(1);
    });

    it('reserves no concurrency by default, so an account whose limit is 10 can deploy it', () => {
      // Prepare
      const properties = defaults.resolve(
        defaults.resource('ScheduledAuditLambdaFunction').Properties,
      ) as Record<string, unknown>;
      // Assess
      expect(properties).not.toHaveProperty('ReservedConcurrentExecutions');
      expect(settingsPage).toMatch(/`reservedConcurrency`/);
    });

    it('retries a failed asynchronous run twice, then sends it to an encrypted queue', () => {
      // Prepare
      const configs = resourcesOfType('AWS::Lambda::EventInvokeConfig').map(
        ([, c]) => resolver.resolve(c.Properties) as Record<string, unknown>,
      );
      const queues = resourcesOfType('AWS::SQS::Queue');
      // Assess: the nightly audit's, the Slack notifier's and the exposed-key responder's (see below).
      expect(configs).toContainEqual(
        retriedTwiceInto('ScheduledAuditLambdaFunction', 'ScheduledAuditFailureQueue'),
      );
      expect(configs).toHaveLength(3);
      expect(queues.map(([id]) => id).sort()).toEqual([
        'ExposedKeyResponderFailureQueue',
        'ScheduledAuditFailureQueue',
        'SlackNotifierFailureQueue',
      ]);
      for (const [id, { Properties: queue }] of queues) {
        expect(
          queue.SqsManagedSseEnabled === true || queue.KmsMasterKeyId !== undefined,
          `${id} encrypted`,
        ).toBe(true);
        // Lambda keeps a failed event for the full SQS maximum, 14 days: time to look after a holiday.
        expect(queue.MessageRetentionPeriod, id).toBe(1_209_600);
      }
    });

    it('alarms on any error of the nightly function, to the alarm topic', () => {
      // Prepare
      const [errors, ...others] = alarmOn('AWS/Lambda', 'Errors').filter(
        (a) =>
          JSON.stringify(a.properties.Dimensions) ===
          JSON.stringify([{ Name: 'FunctionName', Value: functionName }]),
      );
      // Assess
      expect(others).toEqual([]);
      expect(errors?.properties).toMatchObject({
        Dimensions: [{ Name: 'FunctionName', Value: functionName }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [alarmTopicArn],
      });
    });

    it('alarms when a failed run waits in the queue, to the alarm topic', () => {
      // Prepare
      const [depth, ...others] = alarmOn('AWS/SQS', 'ApproximateNumberOfMessagesVisible').filter(
        (a) =>
          JSON.stringify(a.properties.Dimensions) ===
          JSON.stringify([
            { Name: 'QueueName', Value: resolver.getAtt('ScheduledAuditFailureQueue', 'QueueName') },
          ]),
      );
      // Assess
      expect(others).toEqual([]);
      expect(depth?.properties).toMatchObject({
        Dimensions: [
          { Name: 'QueueName', Value: resolver.getAtt('ScheduledAuditFailureQueue', 'QueueName') },
        ],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [alarmTopicArn],
      });
    });

    it('lets these alarms, and no other account, publish to the KMS-encrypted topic (simulated)', async () => {
      // Prepare: CloudWatch publishes as its service principal; the topic and key policies decide.
      const keyArn = resolver.getAtt('AlarmTopicKey', 'Arn');
      const asCloudWatch = (action: string, resource: string, sourceArn: string, sourceAccount: string) =>
        simulateAs(resolver, {
          principal: 'cloudwatch.amazonaws.com',
          identityPolicies: [],
          probe: {
            action,
            resource,
            context: {
              'aws:SourceArn': sourceArn,
              'aws:SourceAccount': sourceAccount,
              'aws:SecureTransport': 'true',
            },
          },
        });
      const { accountId } = resolver.deployment;
      // Act
      const ours = await Promise.all(
        alarms.flatMap((alarm) => [
          asCloudWatch('sns:Publish', topicArn, alarm.arn, accountId),
          asCloudWatch('kms:GenerateDataKey', keyArn, alarm.arn, accountId),
          asCloudWatch('kms:Decrypt', keyArn, alarm.arn, accountId),
        ]),
      );
      const foreignArn = alarms[0]?.arn.replace(accountId, '210987654321') ?? '';
      const foreign = await asCloudWatch('sns:Publish', topicArn, foreignArn, '210987654321');
      // The key's statement is limited the same way: another account's alarm, or an alarm of this
      // account that is not this stack's, cannot use the key.
      const foreignKey = await Promise.all([
        asCloudWatch('kms:GenerateDataKey', keyArn, foreignArn, '210987654321'),
        asCloudWatch('kms:Decrypt', keyArn, foreignArn, '210987654321'),
        asCloudWatch(
          'kms:GenerateDataKey',
          keyArn,
          resolver.arn('cloudwatch', 'alarm:other-alarm'),
          accountId,
        ),
        asCloudWatch('kms:GenerateDataKey', keyArn, alarms[0]?.arn ?? '', '210987654321'),
      ]);
      // Alarms do not depend on the report topic or its key.
      const reportTopic = await Promise.all([
        asCloudWatch('sns:Publish', resolver.ref('ReportTopic'), alarms[0]?.arn ?? '', accountId),
        asCloudWatch(
          'kms:GenerateDataKey',
          resolver.getAtt('ReportTopicKey', 'Arn'),
          alarms[0]?.arn ?? '',
          accountId,
        ),
      ]);
      // Assess
      expect(alarms.map((a) => a.id).sort()).toEqual([
        'ActionsFailedAlarm',
        'BlastRadiusCapAlarm',
        'ExposedKeyFailedAlarm',
        'ExposedKeyResponderErrorsAlarm',
        'ExposedKeyResponderFailureQueueAlarm',
        'IncompleteRunAlarm',
        'ScheduledAuditErrorsAlarm',
        'ScheduledAuditFailureQueueAlarm',
        'SlackNotifierErrorsAlarm',
      ]);
      expect(new Set(ours)).toEqual(new Set(['Allowed']));
      expect(foreign).not.toBe('Allowed');
      for (const result of foreignKey) expect(result).not.toBe('Allowed');
      for (const result of reportTopic) expect(result).not.toBe('Allowed');
      for (const alarm of alarms) expect(alarm.properties.AlarmActions, alarm.id).toEqual([alarmTopicArn]);
    });

    it('outputs the failed-runs queue URL for `aws sqs receive-message`', () => {
      // Assess
      expect(resolver.resolve(template.Outputs?.FailedRunsQueueUrl?.Value)).toBe(
        resolver.ref('ScheduledAuditFailureQueue'),
      );
    });
  });

  it('creates the report bucket only when reportBucket is set: encrypted, private, kept on stack removal', () => {
    // Prepare
    // (The other bucket is osls's deployment bucket.)
    const buckets = resourcesOfType('AWS::S3::Bucket').filter(([id]) => id !== 'ServerlessDeploymentBucket');
    // Assess: with an empty param the condition is Not(Equals('', '')), false, so no bucket.
    expect(template.Conditions?.HasReportBucket).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [REPORT_BUCKET, ''] }],
    });
    expect(buckets.map(([id]) => id)).toEqual(['ReportBucket']);
    const bucket = template.Resources.ReportBucket as TemplateResource;
    expect(bucket.Condition).toBe('HasReportBucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.BucketName).toBe(REPORT_BUCKET);
    expect(bucket.Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
  });

  it('expires archived reports after reportRetentionDays (400 by default), delivery records after 30 days, handled exposed-key events after a year', () => {
    const bucket = template.Resources.ReportBucket as TemplateResource;
    expect(bucket.Properties.LifecycleConfiguration).toEqual({
      Rules: [
        { Id: 'ExpireArchivedReports', Status: 'Enabled', Prefix: 'reports/', ExpirationInDays: 400 },
        { Id: 'ExpireDeliveryRecords', Status: 'Enabled', Prefix: 'deliveries/', ExpirationInDays: 30 },
        {
          Id: 'ExpireExposedKeyEventRecords',
          Status: 'Enabled',
          Prefix: 'exposed-key-events/',
          ExpirationInDays: 365,
        },
      ],
    });
  });

  it("denies every request to the bucket and its objects that does not use TLS, and every write of a notice record but the auditor roles' own", () => {
    const policy = template.Resources.ReportBucketPolicy as TemplateResource;
    expect(policy.Properties.Bucket).toEqual({ Ref: 'ReportBucket' });
    expect(policy.Condition).toBe('HasReportBucket');
    const statements = (policy.Properties.PolicyDocument as { Statement: Record<string, unknown>[] })
      .Statement;
    expect(statements).toEqual([
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [
          { 'Fn::GetAtt': ['ReportBucket', 'Arn'] },
          { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ReportBucket', 'Arn'] }, '/*']] },
        ],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
      {
        Sid: 'OnlyTheAuditorWritesNotices',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:PutObject', 's3:DeleteObject'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['ReportBucket', 'Arn'] }, '/notices/*']] },
        Condition: {
          ArnNotEquals: {
            'aws:PrincipalArn': [
              { 'Fn::GetAtt': ['IamRoleLambdaExecution', 'Arn'] },
              {
                'Fn::If': [
                  'OrganizationAuditEnabled',
                  { 'Fn::GetAtt': ['OrganizationAuditAccountRole', 'Arn'] },
                  { Ref: 'AWS::NoValue' },
                ],
              },
            ],
          },
        },
      },
    ]);
  });

  it('attaches the archive policy to the function role only with the bucket, and tells the functions the bucket', () => {
    // (What that policy allows and denies is simulated in least-privilege.test.ts.)
    const policy = template.Resources.ReportArchivePolicy as TemplateResource;
    expect(policy.Condition).toBe('HasReportBucket');
    expect(policy.Properties.Roles).toEqual([{ Ref: 'IamRoleLambdaExecution' }]);
    const functions = resourcesOfType('AWS::Lambda::Function').map(([, f]) => f.Properties);
    for (const fn of functions) {
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables.REPORT_BUCKET).toBe(
        REPORT_BUCKET,
      );
    }
  });

  it('deploys the Slack notifier only with a webhook parameter, with its own role reading that parameter only', () => {
    // Prepare
    const resources = template.Resources as Record<
      string,
      { Type: string; Condition?: string; Properties: Record<string, unknown> }
    >;
    const role = resources.SlackNotifierRole;
    type Statement = { Action: string | string[]; Resource: unknown; Condition?: unknown };
    const actionsOf = (st: Statement) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
    const statements = (
      (role?.Properties.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]
    ).flatMap((p) => p.PolicyDocument.Statement);
    // (Logs, traces and the failure destination are Lambda's: checked in least-privilege.test.ts.)
    const granted = statements.flatMap(actionsOf).filter((a) => !/^(logs|xray|sqs):/.test(a));
    const ssm = statements.find((st) => actionsOf(st).includes('ssm:GetParameter'));
    const kms = statements.find((st) => actionsOf(st).includes('kms:Decrypt'));
    // Assess
    for (const name of [
      'SlackNotifierRole',
      'SlackNotifierLambdaFunction',
      'SlackNotifierSubscription',
      'SlackNotifierInvokePermission',
      'SlackNotifierLogGroup',
      'SlackNotifierFailureQueue',
      'SlackNotifierErrorsAlarm',
      'SlackNotifierLambdaEvConf',
    ]) {
      expect(resources[name]?.Condition, name).toBe('HasSlackWebhook');
    }
    expect(granted.sort()).toEqual(SLACK_NOTIFIER_PERMISSIONS.map((p) => p.action).sort());
    expect(JSON.stringify(ssm?.Resource)).toContain('parameter/key-hygiene/slack-webhook');
    expect(kms?.Condition).toEqual({
      StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' } },
    });
    expect(resources.SlackNotifierLambdaFunction?.Properties.Role).toEqual({
      'Fn::GetAtt': ['SlackNotifierRole', 'Arn'],
    });
    expect(resources.SlackNotifierSubscription?.Properties).toMatchObject({
      Protocol: 'lambda',
      FilterPolicy: { team: [{ exists: false }], mode: ['report', 'enforce'] },
    });
  });

  describe('operations: the Slack notifier fails loudly too', () => {
    it('retries a failed post twice, then keeps it in its own encrypted queue', () => {
      // Prepare
      const config = resolver.resolve(resolver.resource('SlackNotifierLambdaEvConf').Properties);
      // Assess
      expect(config).toEqual(retriedTwiceInto('SlackNotifierLambdaFunction', 'SlackNotifierFailureQueue'));
    });

    it('alarms on any error of the notifier, to the alarm topic', () => {
      // Prepare
      const alarm = resolver.resolve(resolver.resource('SlackNotifierErrorsAlarm').Properties);
      // Assess
      expect(alarm).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: resolver.ref('SlackNotifierLambdaFunction') }],
        Statistic: 'Sum',
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [resolver.ref('AlarmTopic')],
      });
    });
  });

  describe('the exposed-key responder: invoked by its rule only, failing loudly', () => {
    const functionArn = resolver.getAtt('ExposedKeyResponderLambdaFunction', 'Arn');
    const functionName = resolver.ref('ExposedKeyResponderLambdaFunction');
    const alarmOf = (id: string) => resolver.resolve(resolver.resource(id).Properties);

    it("lets only its EventBridge rule invoke it: the one Lambda permission names the rule's ARN as SourceArn", () => {
      // Prepare
      const [rule, ...otherRules] = resourcesOfType('AWS::Events::Rule').filter(([, r]) =>
        JSON.stringify(r.Properties.Targets).includes('ExposedKeyResponderLambdaFunction'),
      );
      const permissions = resourcesOfType('AWS::Lambda::Permission')
        .map(([, p]) => resolver.resolve(p.Properties) as Record<string, unknown>)
        .filter((p) => p.FunctionName === functionArn || p.FunctionName === functionName);
      // Assess
      expect(otherRules).toEqual([]);
      expect(permissions).toEqual([
        {
          Action: 'lambda:InvokeFunction',
          FunctionName: functionArn,
          Principal: 'events.amazonaws.com',
          SourceArn: resolver.getAtt(rule?.[0] ?? 'no rule', 'Arn'),
        },
      ]);
    });

    it('retries an event it could not handle twice, then keeps it in its own encrypted queue', () => {
      // Prepare
      const config = resolver.resolve(resolver.resource('ExposedKeyResponderLambdaEvConf').Properties);
      // Assess
      expect(config).toEqual(
        retriedTwiceInto('ExposedKeyResponderLambdaFunction', 'ExposedKeyResponderFailureQueue'),
      );
    });

    it('alarms, to the alarm topic, on any error of the function, on a key it could not deal with, and on a failed event waiting in its queue', () => {
      // Assess
      const loud = {
        Statistic: expect.any(String),
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [resolver.ref('AlarmTopic')],
      };
      expect(alarmOf('ExposedKeyResponderErrorsAlarm')).toMatchObject({
        ...loud,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: functionName }],
      });
      // The metric the handler records per key (ExposedKey_<outcome>), as Powertools names it.
      expect(alarmOf('ExposedKeyFailedAlarm')).toMatchObject({
        ...loud,
        Namespace: 'KeyHygiene',
        MetricName: 'ExposedKey_failed',
        Dimensions: [{ Name: 'service', Value: 'key-hygiene' }],
      });
      expect(alarmOf('ExposedKeyResponderFailureQueueAlarm')).toMatchObject({
        ...loud,
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [
          { Name: 'QueueName', Value: resolver.getAtt('ExposedKeyResponderFailureQueue', 'QueueName') },
        ],
      });
    });

    it("admits member accounts' events to the default bus from the organization only (aws:PrincipalOrgID), and only with organizationId", () => {
      // Prepare
      const policy = resolver.resolve(resolver.resource('OrganizationEventBusPolicy').Properties);
      // Assess
      expect(policy).toMatchObject({
        EventBusName: 'default',
        Statement: {
          Effect: 'Allow',
          Principal: '*',
          Action: 'events:PutEvents',
          Resource: `arn:aws:events:us-east-1:${resolver.deployment.accountId}:event-bus/default`,
          Condition: { StringEquals: { 'aws:PrincipalOrgID': PACKAGE_PARAMS.organizationId } },
        },
      });
      expect(resolver.exists('OrganizationEventBusPolicy')).toBe(true);
      expect(defaults.exists('OrganizationEventBusPolicy')).toBe(false);
    });
  });

  describe('operations: alarms on what a run did, from the metrics it records', () => {
    // The metrics one run records, as the deployed function records them: its runtime built from
    // the packaged environment, for a run with a failed action, users not reached and the cap tripped.
    const fn = resolver.resource('ScheduledAuditLambdaFunction').Properties as {
      Environment: { Variables: Record<string, unknown> };
    };
    const runtime = createLambdaRuntime(resolver.resolve(fn.Environment.Variables) as Record<string, string>);
    const capTripped = finding({
      ruleId: 'blast-radius-cap',
      severity: 'critical',
      userName: null,
      accessKeyId: null,
      controls: [],
      message: '30 keys are due for deactivation, more than the blast-radius cap of 25 per run',
      action: 'notify',
    });
    const report = sampleReport({
      complete: false,
      notReached: ['zoe'],
      findings: [...FINDINGS, capTripped],
    });
    recordAuditMetrics(runtime.metrics, report);
    const emf = runtime.metrics.serializeMetrics() as unknown as Record<string, unknown> & {
      _aws: {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
      };
    };
    const [directive] = emf._aws.CloudWatchMetrics;

    it.each([
      ['ActionsFailedAlarm', 'a failed action'],
      ['IncompleteRunAlarm', 'an incomplete run'],
      ['BlastRadiusCapAlarm', 'a tripped blast-radius cap'],
    ])('%s fires on %s: it watches a metric the run records, with its namespace and dimensions', (id) => {
      // Prepare
      const alarm = resolver.resolve(resolver.resource(id).Properties) as {
        Namespace: string;
        MetricName: string;
        Dimensions: { Name: string; Value: string }[];
        Threshold: number;
        ComparisonOperator: string;
        AlarmActions: string[];
      };
      // Assess
      expect(alarm.Namespace).toBe(directive?.Namespace);
      expect(directive?.Metrics.map((m) => m.Name)).toContain(alarm.MetricName);
      expect(alarm.Dimensions).toEqual(
        (directive?.Dimensions[0] ?? []).map((name) => ({ Name: name, Value: emf[name] })),
      );
      expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
      expect(Number(emf[alarm.MetricName])).toBeGreaterThanOrEqual(alarm.Threshold);
      expect(alarm.AlarmActions).toEqual([resolver.ref('AlarmTopic')]);
    });
  });

  it('subscribes the configured email to the alarm topic too, and outputs that topic', () => {
    // Prepare
    const subscriptions = resourcesOfType('AWS::SNS::Subscription')
      .map(([, s]) => resolver.resolve(s.Properties) as Record<string, unknown>)
      .filter((s) => s.TopicArn === resolver.ref('AlarmTopic'));
    // Assess
    expect(subscriptions).toEqual([
      { TopicArn: resolver.ref('AlarmTopic'), Protocol: 'email', Endpoint: 'secops@example.com' },
    ]);
    expect(resolver.resolve(template.Outputs?.AlarmTopicArn?.Value)).toBe(resolver.ref('AlarmTopic'));
  });
});
