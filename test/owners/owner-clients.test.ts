import { describe, expect, it } from 'vitest';
import { createOwnerClients } from '../../src/aws/owner-clients.js';

describe('Function: createOwnerClients', () => {
  it.each([
    ['eu-west-1', 'us-east-1'],
    ['us-east-1', 'us-east-1'],
    ['cn-northwest-1', 'cn-north-1'],
    ['us-gov-east-1', 'us-gov-west-1'],
  ])('reads CreateAccessKey events where IAM records them: from %s, in %s', async (region, expected) => {
    // Act
    const { cloudtrail, ssm } = createOwnerClients({ region });
    // Assess: IAM's calls are in the event history of the partition's home region only
    expect(await cloudtrail.config.region()).toBe(expected);
    expect(await ssm.config.region()).toBe(region);
  });
});
