/**
 * The `KEY=VALUE` grammar of map inputs (environment variables, labels, build arguments).
 *
 * Rules, applied to each line of the raw input in order (line numbers count from 1 within the input):
 *
 * 1. While the current value holds a PEM block that has begun (`-----BEGIN X-----`) but not ended
 *    (`-----END X-----`), every line belongs to it, whatever it looks like. A secret substituted with
 *    `${{ secrets.KEY }}` arrives unindented and its base64 lines can look like `ABC=`, so nothing else is safe.
 * 2. Blank lines are dropped, unless more lines of the same value follow them.
 * 3. A line matching `^[A-Za-z_][A-Za-z0-9_.-]*\s*=` starts a new entry; the key ends at the FIRST `=`, and the
 *    rest of the line (trimmed) begins the value, so values keep commas, `=` and JSON.
 * 4. A line starting with `#` is a comment.
 * 5. A line continues the current value when it is indented (space or tab), when the value is JSON whose
 *    brackets are still open (it began with `{` or `[`), or when it begins a PEM block and the value is still
 *    empty (`CERT=` then the block) or has just ended one (a certificate chain). Continuation lines are joined with `\n`, after removing their common indentation.
 * 6. Any other line is an error naming its line number: a key without `=` is the usual slip, and swallowing
 *    such a line into the previous value would hide it.
 *
 * Finally a value wholly wrapped in one pair of matching quotes (`"…"` or `'…'`) that do not occur inside it
 * loses them, as people write `KEY="a,b"` expecting `a,b`. A key given twice is an error.
 */

const KEY_LINE = /^([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=(.*)$/;
const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]+-----/g;
const PEM_END = /-----END [A-Z0-9 ]+-----/g;
const PEM_BEGIN_LINE = /^-----BEGIN [A-Z0-9 ]+-----/;
const PEM_END_AT_END = /-----END [A-Z0-9 ]+-----$/;

/** Result of {@link parseKeyValueLines}: the entries, or every line-numbered error found. */
export type KeyValueResult = { ok: true; value: Record<string, string> } | { ok: false; errors: string[] };

interface Entry {
  key: string;
  line: number;
  first: string;
  rest: string[];
  pendingBlanks: number;
  pemDepth: number;
  json: JsonScan | undefined;
}

interface JsonScan {
  depth: number;
  inString: boolean;
  escaped: boolean;
}

function scanJson(scan: JsonScan, text: string): void {
  for (const ch of text) {
    if (scan.inString) {
      if (scan.escaped) scan.escaped = false;
      else if (ch === '\\') scan.escaped = true;
      else if (ch === '"') scan.inString = false;
    } else if (ch === '"') scan.inString = true;
    else if (ch === '{' || ch === '[') scan.depth++;
    else if (ch === '}' || ch === ']') scan.depth--;
  }
}

function count(re: RegExp, text: string): number {
  return text.match(re)?.length ?? 0;
}

function track(entry: Entry, text: string): void {
  entry.pemDepth += count(PEM_BEGIN, text) - count(PEM_END, text);
  if (entry.pemDepth < 0) entry.pemDepth = 0;
  if (entry.json) scanJson(entry.json, text);
}

function lastLine(entry: Entry): string {
  return entry.rest.length > 0 ? entry.rest[entry.rest.length - 1]! : entry.first;
}

function continues(entry: Entry, line: string): boolean {
  if (/^[ \t]/.test(line)) return true;
  if (entry.json && (entry.json.depth > 0 || entry.json.inString)) return true;
  if (!PEM_BEGIN_LINE.test(line)) return false;
  return (entry.first === '' && entry.rest.length === 0) || PEM_END_AT_END.test(lastLine(entry).trimEnd());
}

function append(entry: Entry, line: string): void {
  for (; entry.pendingBlanks > 0; entry.pendingBlanks--) entry.rest.push('');
  const text = line.trimEnd();
  entry.rest.push(text);
  track(entry, `\n${text}`);
}

function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length > 0 ? Math.min(...indents) : 0;
  return cut === 0 ? lines : lines.map((l) => l.slice(cut));
}

function unquote(value: string): string {
  const q = value[0];
  if (value.length >= 2 && (q === '"' || q === "'") && value.endsWith(q)) {
    const inner = value.slice(1, -1);
    if (!inner.includes(q)) return inner;
  }
  return value;
}

function valueOf(entry: Entry): string {
  const rest = dedent(entry.rest);
  const lines = entry.first === '' && rest.length > 0 ? rest : [entry.first, ...rest];
  return unquote(lines.join('\n'));
}

/** Parses `KEY=VALUE` lines by the rules above. */
export function parseKeyValueLines(raw: string): KeyValueResult {
  const lines = raw.split(/\r\n|\r|\n/);
  const entries: Entry[] = [];
  const seen = new Map<string, number>();
  const errors: string[] = [];
  let current: Entry | undefined;

  lines.forEach((line, index) => {
    const n = index + 1;
    if (current && current.pemDepth > 0) {
      append(current, line);
      return;
    }
    if (line.trim() === '') {
      if (current) current.pendingBlanks++;
      return;
    }
    const m = KEY_LINE.exec(line);
    if (m) {
      const key = m[1]!;
      const first = m[2]!.trim();
      const previous = seen.get(key);
      if (previous !== undefined)
        errors.push(`line ${n}: duplicate key \`${key}\` (first set on line ${previous})`);
      else seen.set(key, n);
      current = { key, line: n, first, rest: [], pendingBlanks: 0, pemDepth: 0, json: undefined };
      if (/^'?[{[]/.test(first)) current.json = { depth: 0, inString: false, escaped: false };
      track(current, first);
      entries.push(current);
      return;
    }
    if (line.startsWith('#')) return;
    if (current && continues(current, line)) {
      append(current, line);
      return;
    }
    // Never echo the line: it may be part of a secret.
    errors.push(
      line.includes('=')
        ? `line ${n}: not a KEY=VALUE line (a key starts with a letter or _ and holds only letters, digits, _ . -)`
        : `line ${n}: has no '=' (expected KEY=VALUE${current ? '; indent a line to continue the previous value' : ''})`,
    );
  });

  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: Object.fromEntries(entries.map((e) => [e.key, valueOf(e)])) };
}
