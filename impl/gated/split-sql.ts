/**
 * Splits a string of SQL into its statements at the semicolons that end them, skipping semicolons inside
 * string literals ('...'), quoted identifiers ("...", `...`, [...]) and comments. A CREATE TRIGGER body holds
 * semicolons of its own: a text with a trigger is returned whole (one statement for the gate; SQLite runs it
 * with exec). Empty statements are dropped.
 *
 * Why: `exec()` on a gated connection runs every statement as a scheduling point of its own, as SQLite itself
 * runs them one after the other (sqlite3_exec), so another actor may step between two of them.
 */
export function splitStatements(sql: string): string[] {
  if (/\bCREATE\s+(TEMP\s+|TEMPORARY\s+)?TRIGGER\b/i.test(sql)) return sql.trim() === '' ? [] : [sql];
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  const close: Record<string, string> = { "'": "'", '"': '"', '`': '`', '[': ']' };
  while (i < sql.length) {
    const c = sql[i]!;
    if (c in close) {
      const end = sql.indexOf(close[c]!, i + 1);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === ';') {
      statements.push(sql.slice(start, i + 1));
      start = i + 1;
      i++;
    } else {
      i++;
    }
  }
  statements.push(sql.slice(start));
  return statements.filter((s) => hasCode(s));
}

/** Whether a piece holds anything but whitespace, semicolons and comments. */
function hasCode(piece: string): boolean {
  const stripped = piece.replace(/--[^\n]*/g, '').replace(/\/\*[\s\S]*?\*\//g, '');
  return /[^\s;]/.test(stripped);
}
