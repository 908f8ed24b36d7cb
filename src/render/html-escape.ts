import { clean } from './text-format.js';

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Makes any string safe as HTML text and as a quoted attribute value: the five characters that
 * can open markup or close an attribute become entities, and control and bidi characters (see
 * {@link clean}) become U+FFFD so a user name cannot reorder what the reader sees.
 */
export function escapeHtml(value: string): string {
  return clean(value).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}
