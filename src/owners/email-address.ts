/**
 * Whether a tag value or a directory entry can be written to: one plain address, `name@domain.tld`.
 * Deliberately narrow (no display names, no lists, no spaces): a value that is not clearly one
 * address is reported and the next source is tried, never guessed at.
 */
export const EMAIL_ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL_ADDRESS.test(value);
}
