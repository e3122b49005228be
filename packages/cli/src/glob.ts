/**
 * Glob patterns matched against paths we already hold as strings (the file list of a git revision), with the
 * same rules tinyglobby applies on disk: `*` and `?` stay within one path segment, `**` spans segments, `{a,b}`
 * alternates, `[...]` is a character class, and wildcards do not match a segment that starts with a dot.
 */

const GLOB_CHARS = /[*?[\]{}]/;

/** Whether `pattern` holds glob syntax (as opposed to naming one file or directory). */
export function isGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern.startsWith('!') ? pattern.slice(1) : pattern);
}

/** A segment-aware regular expression for one glob pattern (without a leading `!`). */
export function globToRegExp(pattern: string): RegExp {
  const clean = pattern.replace(/^\.\//, '');
  return new RegExp(`^${translate(clean)}$`);
}

function translate(glob: string): string {
  let out = '';
  let i = 0;
  let braceDepth = 0;
  while (i < glob.length) {
    const c = glob[i]!;
    const atSegmentStart = i === 0 || glob[i - 1] === '/';
    if (c === '*') {
      if (glob[i + 1] === '*' && atSegmentStart && (glob[i + 2] === '/' || i + 2 === glob.length)) {
        // `**/` matches zero or more whole segments; a trailing `**` matches everything below.
        if (glob[i + 2] === '/') {
          out += '(?:(?!\\.)[^/]*/)*';
          i += 3;
        } else {
          out += '(?:(?!\\.)[^/]*(?:/(?!\\.)[^/]*)*)?';
          i += 2;
        }
        continue;
      }
      out += atSegmentStart ? '(?!\\.)[^/]*' : '[^/]*';
      while (glob[i] === '*') i++;
      continue;
    }
    if (c === '?') {
      out += atSegmentStart ? '(?!\\.)[^/]' : '[^/]';
      i++;
      continue;
    }
    if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close !== -1) {
        let body = glob.slice(i + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        out += `[${body.replace(/\\/g, '\\\\')}]`;
        i = close + 1;
        continue;
      }
    }
    if (c === '{') {
      braceDepth++;
      out += '(?:';
      i++;
      continue;
    }
    if (c === '}' && braceDepth > 0) {
      braceDepth--;
      out += ')';
      i++;
      continue;
    }
    if (c === ',' && braceDepth > 0) {
      out += '|';
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < glob.length) {
      out += escape(glob[i + 1]!);
      i += 2;
      continue;
    }
    out += escape(c);
    i++;
  }
  return out;
}

function escape(c: string): string {
  return /[.+^$()|[\]{}\\*?]/.test(c) ? `\\${c}` : c;
}

/**
 * A predicate for a set of patterns: a path matches when some positive pattern matches it and no negated
 * (`!`-prefixed) pattern does. Patterns without any positive entry match nothing.
 */
export function compileGlobs(patterns: readonly string[]): (path: string) => boolean {
  const include = patterns.filter((p) => !p.startsWith('!')).map(globToRegExp);
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => globToRegExp(p.slice(1)));
  return (path) => include.some((re) => re.test(path)) && !exclude.some((re) => re.test(path));
}
