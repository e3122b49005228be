// Parses `::command key=value,…::message` workflow commands out of an action's log the way the runner does,
// including its escaping (%25 %0D %0A in messages; also %3A %2C in property values) and `::stop-commands::`.

/** Severity of an annotation command; `debug` lines are kept too so tests can assert on them. */
export type AnnotationLevel = 'error' | 'warning' | 'notice' | 'debug';

/** One `::error|warning|notice|debug::` command, unescaped. */
export interface Annotation {
  level: AnnotationLevel;
  message: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  endColumn?: number;
  title?: string;
}

/** A parsed workflow command: lower-case name, unescaped properties and message. */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** What the runner would have acted on in a whole log. */
export interface CommandSummary {
  annotations: Annotation[];
  /** Values registered with `::add-mask::`, in order. */
  masked: string[];
  /** Indexes (0-based) of the log lines that were `::add-mask::` commands. */
  maskLines: Set<number>;
}

function unescape(value: string, codes: Record<string, string>): string {
  // One pass, so `%250A` decodes to `%0A` and not to a newline, as the runner's replacement order ensures.
  return value.replace(/%(25|0D|0A|3A|2C)/g, (match, code: string) => codes[code] ?? match);
}

const DATA_CODES: Record<string, string> = { '25': '%', '0D': '\r', '0A': '\n' };
const PROPERTY_CODES: Record<string, string> = { ...DATA_CODES, '3A': ':', '2C': ',' };

/** Undoes the runner's escaping of a command message. */
export function unescapeData(value: string): string {
  return unescape(value, DATA_CODES);
}

/** Undoes the runner's escaping of a command property value. */
export function unescapeProperty(value: string): string {
  return unescape(value, PROPERTY_CODES);
}

/** Parses one log line as a workflow command, or returns undefined when it is not one. */
export function parseWorkflowCommand(line: string): WorkflowCommand | undefined {
  const text = line.trim();
  if (!text.startsWith('::')) return undefined;
  const end = text.indexOf('::', 2);
  if (end < 0) return undefined;
  const info = text.slice(2, end);
  const space = info.indexOf(' ');
  const command = (space < 0 ? info : info.slice(0, space)).toLowerCase();
  if (command === '') return undefined;
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of info
      .slice(space + 1)
      .trim()
      .split(',')) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      properties[pair.slice(0, eq)] = unescapeProperty(pair.slice(eq + 1));
    }
  }
  return { command, properties, message: unescapeData(text.slice(end + 2)) };
}

const LEVELS: ReadonlySet<string> = new Set<AnnotationLevel>(['error', 'warning', 'notice', 'debug']);

function toNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isInteger(n) ? n : undefined;
}

function toAnnotation(cmd: WorkflowCommand): Annotation {
  const p = cmd.properties;
  const annotation: Annotation = { level: cmd.command as AnnotationLevel, message: cmd.message };
  if (p.file !== undefined) annotation.file = p.file;
  const line = toNumber(p.line);
  if (line !== undefined) annotation.line = line;
  const endLine = toNumber(p.endLine);
  if (endLine !== undefined) annotation.endLine = endLine;
  const col = toNumber(p.col);
  if (col !== undefined) annotation.col = col;
  const endColumn = toNumber(p.endColumn);
  if (endColumn !== undefined) annotation.endColumn = endColumn;
  if (p.title !== undefined) annotation.title = p.title;
  return annotation;
}

/**
 * Collects annotations and masks from log lines. Honours `::stop-commands::TOKEN` … `::TOKEN::`, during
 * which the runner treats command-looking lines as plain text.
 */
export function collectCommands(lines: readonly string[]): CommandSummary {
  const summary: CommandSummary = { annotations: [], masked: [], maskLines: new Set() };
  let stopToken: string | undefined;
  lines.forEach((line, index) => {
    const cmd = parseWorkflowCommand(line);
    if (cmd === undefined) return;
    if (stopToken !== undefined) {
      if (cmd.command === stopToken.toLowerCase()) stopToken = undefined;
      return;
    }
    if (cmd.command === 'stop-commands') {
      stopToken = cmd.message;
    } else if (cmd.command === 'add-mask') {
      summary.masked.push(cmd.message);
      summary.maskLines.add(index);
    } else if (LEVELS.has(cmd.command)) {
      summary.annotations.push(toAnnotation(cmd));
    }
  });
  return summary;
}
