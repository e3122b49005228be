// Finds secrets in the places a workflow run makes visible: the step log, the job summary and outputs.
// The runner would mask log lines, but a leak there means the action printed a secret before masking it
// or never masked it; summaries and outputs are not masked at all.

/** Where a secret was found. */
export interface Leak {
  /** `log`, `post log`, `summary` or `output '<name>'`. */
  where: string;
  /** 1-based line number of the first hit inside that text. */
  line: number;
  /** A redacted preview of the secret (first two characters and its length), never the value. */
  secret: string;
}

/** Text to search for one secret, plus log line indexes to skip (the `::add-mask::` commands). */
export interface LeakSource {
  where: string;
  lines: readonly string[];
  skipLines?: ReadonlySet<number>;
}

/** Shows enough of a secret to tell test fakes apart without printing it. */
export function redact(secret: string): string {
  return `${secret.slice(0, 2)}… (${secret.length} chars)`;
}

/**
 * Expands secrets into the strings to look for: the value itself and, for a multi-line value, each
 * non-trivial line (a secret split over lines leaks line by line). Values under 3 characters are ignored
 * because they match ordinary text.
 */
export function secretNeedles(secrets: readonly string[]): string[] {
  const needles = new Set<string>();
  for (const secret of secrets) {
    for (const candidate of [secret, ...secret.split(/\r?\n/)]) {
      if (candidate.trim().length >= 3) needles.add(candidate);
    }
  }
  return [...needles];
}

/** Searches every source for every secret and lists each hit once per place. */
export function findLeaks(secrets: readonly string[], sources: readonly LeakSource[]): Leak[] {
  const leaks: Leak[] = [];
  for (const needle of secretNeedles(secrets)) {
    for (const source of sources) {
      const index = source.lines.findIndex((l, i) => !source.skipLines?.has(i) && l.includes(needle));
      if (index < 0) continue;
      leaks.push({ where: source.where, line: index + 1, secret: redact(needle) });
    }
  }
  return leaks;
}

/** Formats leaks as one error message that names each place. */
export function describeLeaks(action: string, leaks: readonly Leak[]): string {
  const places = leaks.map((l) => `  - secret ${l.secret} in ${l.where} (line ${l.line})`);
  return `secret leak in ${action}: a masked value or a secret appears in plain text\n${places.join('\n')}`;
}
