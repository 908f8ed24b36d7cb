/**
 * Matches a user name against a glob: `*` is any run of characters (also none), `?` exactly one.
 * Case-insensitive, because IAM user names are (`Alice` and `alice` cannot both exist). No regular
 * expression is built from configuration, so a glob like `a*a*a*a*b` cannot backtrack badly: the
 * greedy two-pointer walk below is O(name x glob) at worst.
 */
export function matchesGlob(name: string, glob: string): boolean {
  const text = name.toLowerCase();
  const pattern = glob.toLowerCase();
  let t = 0;
  let p = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (t < text.length) {
    const wanted = pattern[p];
    if (wanted === '*') {
      starAt = p;
      resumeAt = t;
      p += 1;
    } else if (wanted !== undefined && (wanted === '?' || wanted === text[t])) {
      t += 1;
      p += 1;
    } else if (starAt >= 0) {
      // Let the last star swallow one more character and retry from just after it.
      resumeAt += 1;
      t = resumeAt;
      p = starAt + 1;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}
