// Parsers for the runner's file commands (GITHUB_OUTPUT, GITHUB_ENV, GITHUB_STATE, GITHUB_PATH), written
// to accept exactly what the runner accepts: a malformed file fails the step on GitHub, so it throws here.

/**
 * Parses the key/value file format shared by GITHUB_OUTPUT, GITHUB_ENV and GITHUB_STATE:
 * `name=value` lines and `name<<DELIM` … `DELIM` heredoc blocks. Blank lines are skipped and a later
 * entry for the same name wins, as on the runner. Heredoc lines are joined with `\n`.
 * @param label names the file in error messages (e.g. `GITHUB_OUTPUT`).
 * @throws Error when a line has no name, no `=`/`<<`, or a heredoc is never closed.
 */
export function parseKeyValueFile(content: string, label: string): Record<string, string> {
  const values: Record<string, string> = {};
  const lines = content.split(/\r?\n/);
  // A trailing newline leaves one empty element, which the blank-line rule below skips.
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const equals = line.indexOf('=');
    const heredoc = line.indexOf('<<');
    // The runner picks whichever marker comes first, so `a=b<<c` is a plain value.
    if (equals >= 0 && (heredoc < 0 || equals < heredoc)) {
      const name = line.slice(0, equals);
      if (name === '') throw new Error(`${label}: line ${i + 1} has an empty name: ${JSON.stringify(line)}`);
      values[name] = line.slice(equals + 1);
      continue;
    }
    if (heredoc < 0) throw new Error(`${label}: line ${i + 1} is neither name=value nor name<<DELIM`);
    const name = line.slice(0, heredoc);
    const delimiter = line.slice(heredoc + 2);
    if (name === '') throw new Error(`${label}: line ${i + 1} has an empty name: ${JSON.stringify(line)}`);
    if (delimiter === '') throw new Error(`${label}: line ${i + 1} has an empty heredoc delimiter`);
    const body: string[] = [];
    let closed = false;
    for (i++; i < lines.length; i++) {
      const next = lines[i] ?? '';
      if (next === delimiter) {
        closed = true;
        break;
      }
      body.push(next);
    }
    if (!closed) throw new Error(`${label}: heredoc for '${name}' is never closed by '${delimiter}'`);
    values[name] = body.join('\n');
  }
  return values;
}

/** Parses GITHUB_PATH: one directory per non-empty line, in the order written. */
export function parsePathFile(content: string): string[] {
  return content
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
