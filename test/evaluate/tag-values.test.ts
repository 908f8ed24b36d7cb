import { describe, expect, it } from 'vitest';
import { tagValue } from '../../src/evaluate/tags.js';

describe('Function: tagValue', () => {
  it('finds a tag in another case, and none when absent even beside a tag named "undefined"', () => {
    // Prepare: a tag someone named "undefined" must not stand in for a missing one
    const tags = { undefined: 'true', 'Key-Hygiene:Exempt': 'until 2027-01-31' };
    // Act
    const exempt = tagValue(tags, 'key-hygiene:exempt');
    const reason = tagValue(tags, 'key-hygiene:exempt-reason');
    // Assess
    expect([exempt, reason]).toEqual(['until 2027-01-31', undefined]);
  });
});
