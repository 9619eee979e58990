/**
 * CSV for spreadsheets (RFC 4180): a cell is quoted when it holds a comma, quote, CR or LF (quotes
 * doubled), and a cell starting with `=`, `+`, `-`, `@`, a tab or a CR gets a leading `'` so a
 * spreadsheet shows it as text instead of running it as a formula (CSV injection). Lines end in CRLF.
 *
 * @module
 */

const FORMULA = /^[=+\-@\t\r]/;
const QUOTE = /[",\r\n]/;

/** One cell, neutralised and quoted as needed. */
export function csvCell(value: string | number): string {
  let s = typeof value === "number" ? String(value) : value;
  if (typeof value === "string" && FORMULA.test(s)) s = `'${s}`;
  return QUOTE.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One line of cells, CRLF-terminated. */
export function csvLine(cells: readonly (string | number)[]): string {
  return cells.map(csvCell).join(",") + "\r\n";
}
