import { escapeHtml } from './html-escape.js';

/** One cell: its text, and optionally what it sorts by and a class (for badges). */
export interface HtmlCell {
  text: string;
  /** Sort key; a number for numeric columns (`Infinity` sorts last ascending), absent sorts by text. */
  sort?: string | number;
  className?: string;
  /** A second, smaller line under the text (a user's team under the user name). */
  note?: string | null;
}

export interface HtmlColumn<T> {
  header: string;
  /** Numeric columns sort by number; the others by text. */
  numeric?: boolean;
  /** Prose (a message, a reason): kept wide enough to read on a desktop-width table. */
  wide?: boolean;
  cell: (item: T) => HtmlCell | string | null;
}

export interface HtmlTableOptions<T> {
  /** Element id of the table; also the id the section links to. */
  id: string;
  /** Accessible name of the table and of its filter box, e.g. `Findings`. */
  label: string;
  columns: readonly HtmlColumn<T>[];
  items: readonly T[];
  /** Shown instead of an empty table. */
  empty: string;
}

/**
 * A table the report's inline script can sort (click a header) and filter (a text box it adds
 * above the table). Without JavaScript it is a plain table. Every cell also carries its column
 * name in `data-label`, which the phone layout shows next to the value. Null cells print as `-`.
 */
export function renderHtmlTable<T>(options: HtmlTableOptions<T>): string {
  if (options.items.length === 0) return `<p class="empty">${escapeHtml(options.empty)}</p>`;
  const head = options.columns
    .map(
      (c) =>
        `<th scope="col"${c.numeric ? ' data-type="number"' : ''}${c.wide ? ' class="wide"' : ''}>${escapeHtml(c.header)}</th>`,
    )
    .join('');
  const body = options.items.map((item) => {
    const cells = options.columns.map((column) => {
      const value = column.cell(item);
      const cell: HtmlCell =
        value === null ? { text: '-', sort: '' } : typeof value === 'string' ? { text: value } : value;
      const attrs = [`data-label="${escapeHtml(column.header)}"`];
      if (column.wide) attrs.push('class="wide"');
      if (cell.sort !== undefined) attrs.push(`data-sort="${escapeHtml(String(cell.sort))}"`);
      const text = cell.className
        ? `<span class="${escapeHtml(cell.className)}">${escapeHtml(cell.text)}</span>`
        : escapeHtml(cell.text);
      const note = cell.note ? `<span class="note">${escapeHtml(cell.note)}</span>` : '';
      return `<td ${attrs.join(' ')}>${text}${note}</td>`;
    });
    return `<tr>${cells.join('')}</tr>`;
  });
  return [
    `<div class="table-wrap"><table id="${escapeHtml(options.id)}" class="data" data-sortable aria-label="${escapeHtml(options.label)}">`,
    `<thead><tr>${head}</tr></thead>`,
    `<tbody>\n${body.join('\n')}\n</tbody>`,
    '</table></div>',
  ].join('\n');
}
