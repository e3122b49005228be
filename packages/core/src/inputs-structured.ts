/**
 * Structured (YAML or JSON) inputs. Kept apart from the other readers because it is the only one that needs
 * the `yaml` package, so that it can be split off or loaded lazily if start-up measurements ask for it.
 */
import { parseDocument } from 'yaml';

/** Result of {@link parseStructured}: the value, or an error message that names the line. */
export type StructuredResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Parses YAML (a superset of JSON) or strict JSON. Error messages carry `line L, column C` and never the
 * source text, which may hold secrets.
 */
export function parseStructured(text: string, format: 'yaml' | 'json'): StructuredResult {
  return format === 'json' ? parseJson(text) : parseYaml(text);
}

function parseYaml(text: string): StructuredResult {
  const doc = parseDocument(text);
  const error = doc.errors[0];
  if (error) {
    // yaml appends " at line L, column C:" and a source excerpt; keep only the description.
    const description = error.message.split(' at line ')[0]!.trim();
    const pos = error.linePos?.[0];
    const where = pos ? `line ${pos.line}, column ${pos.col}: ` : '';
    return { ok: false, message: `${where}invalid YAML: ${description}` };
  }
  return { ok: true, value: doc.toJS() as unknown };
}

function parseJson(text: string): StructuredResult {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, message: `${jsonWhere(text, message)}invalid JSON: ${jsonDescription(message)}` };
  }
}

function jsonWhere(text: string, message: string): string {
  const lc = /\(line (\d+) column (\d+)\)/.exec(message);
  if (lc) return `line ${lc[1]}, column ${lc[2]}: `;
  // Some V8 messages carry no position: the YAML parser, held to the JSON schema, usually finds the spot.
  const pos = parseDocument(text, { schema: 'json' }).errors[0]?.linePos?.[0];
  return pos ? `line ${pos.line}, column ${pos.col}: ` : '';
}

function jsonDescription(message: string): string {
  // V8 quotes the source (`…, "{"a": x}" is not valid JSON`) and repeats the position: drop both.
  return message
    .replace(/,\s*(?:\.\.\.)?".*$/s, '')
    .replace(/ in JSON at position.*$/s, '')
    .trim();
}
