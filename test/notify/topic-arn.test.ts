import { describe, expect, it } from 'vitest';
import { TopicConfigError } from '../../src/notify/errors.js';
import { resolveTopicArn } from '../../src/notify/topic-arn.js';

describe('Function: resolveTopicArn', () => {
  it('uses the topic ARN when one is given, over the name', () => {
    // Prepare
    const topicArn = 'arn:aws:sns:eu-central-1:222222222222:security-central';

    // Act
    const arn = resolveTopicArn({
      topicArn,
      topicName: 'key-hygiene-reports',
      region: 'us-east-1',
      accountId: '111111111111',
    });

    // Assess
    expect(arn).toBe(topicArn);
  });

  it('builds the ARN from the name, the region and the account', () => {
    // Prepare
    const ref = { topicName: 'key-hygiene-reports', region: 'eu-west-1', accountId: '111111111111' };

    // Act
    const arn = resolveTopicArn({ ...ref, topicArn: '' });

    // Assess
    expect(arn).toBe('arn:aws:sns:eu-west-1:111111111111:key-hygiene-reports');
  });

  it('uses the partition of the region', () => {
    // Prepare
    const regions = [
      'cn-north-1',
      'cn-northwest-1',
      'us-gov-west-1',
      'us-east-1',
      'us-iso-east-1',
      'us-isob-east-1',
    ];

    // Act
    const arns = regions.map((region) =>
      resolveTopicArn({ topicName: 't', region, accountId: '111111111111' }),
    );

    // Assess
    expect(arns.map((arn) => arn.split(':')[1])).toEqual([
      'aws-cn',
      'aws-cn',
      'aws-us-gov',
      'aws',
      'aws-iso',
      'aws-iso-b',
    ]);
  });

  it('refuses to guess when neither an ARN nor a name is configured', () => {
    // Prepare
    const ref = { topicArn: undefined, topicName: '  ', region: 'us-east-1', accountId: '111111111111' };

    // Act & Assess
    expect(() => resolveTopicArn(ref)).toThrow(TopicConfigError);
    expect(() => resolveTopicArn(ref)).toThrow(/REPORT_TOPIC_ARN/);
  });

  it('refuses a malformed ARN, topic name, region or account', () => {
    // Prepare
    const good = { topicName: 'reports', region: 'us-east-1', accountId: '111111111111' };
    const bad = [
      { ...good, topicArn: 'arn:aws:sqs:us-east-1:111111111111:queue' },
      { ...good, topicName: 'reports with spaces' },
      { ...good, region: 'nowhere' },
      { ...good, accountId: 'unknown' },
    ];

    // Act
    const errors = bad.map((ref) => {
      try {
        resolveTopicArn(ref);
        return null;
      } catch (error) {
        return error;
      }
    });

    // Assess
    expect(errors.every((error) => error instanceof TopicConfigError)).toBe(true);
  });
});
