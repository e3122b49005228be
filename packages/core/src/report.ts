/**
 * Thin, typed wrappers over `@actions/core` for everything an action reports: outputs, masks, annotations,
 * log groups and the job summary.
 */
import { appendFile } from 'node:fs/promises';
import {
  debug as coreDebug,
  error as coreError,
  group as coreGroup,
  info as coreInfo,
  notice as coreNotice,
  setOutput,
  setSecret,
  warning as coreWarning,
} from '@actions/core';
import type { AnnotationProperties } from '@actions/core';

/** A value {@link setOutputs} accepts. */
export type OutputValue = string | number | boolean | object | null | undefined;

/**
 * Sets every output: strings as they are, numbers and booleans as text, objects and arrays as JSON;
 * `undefined` and `null` are skipped, so optional results can be passed as they are.
 */
export function setOutputs(outputs: Record<string, OutputValue>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value === undefined || value === null) continue;
    setOutput(name, typeof value === 'object' ? JSON.stringify(value) : String(value));
  }
}

// Lines this short are not secret on their own (`}`, `{`), and masking them would blank unrelated log text.
const MIN_MASKED_LINE = 4;

/**
 * Masks a secret in the log. The runner matches masks line by line, so each line of a multi-line secret
 * (a PEM key, a JSON key file) is masked as well; lines shorter than 4 characters are left alone.
 * Does nothing for `undefined` or an empty string.
 */
export function mask(secret: string | undefined): void {
  if (secret === undefined || secret.trim() === '') return;
  setSecret(secret);
  const lines = secret.split(/\r\n|\r|\n/);
  if (lines.length === 1) return;
  for (const line of new Set(lines.map((l) => l.trim()))) {
    if (line.length >= MIN_MASKED_LINE) setSecret(line);
  }
}

/** Where an annotation points. */
export interface AnnotationLocation {
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
  title?: string;
}

/** Writes an error, warning or notice annotation, attached to a file and line when given. */
export function annotate(
  level: 'error' | 'warning' | 'notice',
  message: string,
  where: AnnotationLocation = {},
): void {
  // Only defined keys: @actions/core prints `::error ::` for an object whose values are all undefined.
  const properties: AnnotationProperties = {};
  if (where.title !== undefined) properties.title = where.title;
  if (where.file !== undefined) properties.file = where.file;
  if (where.line !== undefined) properties.startLine = where.line;
  if (where.endLine !== undefined) properties.endLine = where.endLine;
  if (where.col !== undefined) properties.startColumn = where.col;
  const write = level === 'error' ? coreError : level === 'warning' ? coreWarning : coreNotice;
  write(message, properties);
}

/** Runs `fn` inside a collapsible log group, closed even when `fn` throws. */
export function group<T>(title: string, fn: () => Promise<T>): Promise<T> {
  return coreGroup(title, fn);
}

/** Plain log lines (no annotations, except `warning`). */
export const log: { info(m: string): void; debug(m: string): void; warning(m: string): void } = {
  info: (m) => coreInfo(m),
  debug: (m) => coreDebug(m),
  warning: (m) => coreWarning(m),
};

/** Escapes text for one GitHub-flavoured Markdown table cell: pipes, and line breaks as `<br>`. */
export function escapeMarkdownCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r\n|\r|\n/g, '<br>');
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const ALIGN = { left: ':---', right: '---:', center: ':---:' } as const;

/**
 * Builds a job summary as Markdown. Blocks are separated by blank lines; {@link toMarkdown} is exact and pure,
 * {@link write} appends it to the step summary file.
 */
export class SummaryBuilder {
  readonly #blocks: string[] = [];

  /** A heading, level 2 unless told. */
  heading(text: string, level: 1 | 2 | 3 | 4 = 2): this {
    return this.raw(`${'#'.repeat(level)} ${text.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`);
  }

  /** A paragraph of Markdown, used as given. */
  paragraph(markdown: string): this {
    return this.raw(markdown);
  }

  /**
   * A table. Cells are escaped with {@link escapeMarkdownCell}; short rows are padded, and a row longer than the
   * header is a programming error.
   */
  table(
    header: string[],
    rows: Array<Array<string | number>>,
    opts: { align?: Array<'left' | 'right' | 'center'> } = {},
  ): this {
    if (header.length === 0) throw new RangeError('SummaryBuilder.table: the header has no columns');
    const line = (cells: Array<string | number>) =>
      `| ${cells.map((c) => escapeMarkdownCell(String(c))).join(' | ')} |`;
    const separator = `| ${header.map((_, i) => (opts.align?.[i] ? ALIGN[opts.align[i]] : '---')).join(' | ')} |`;
    const body = rows.map((row, r) => {
      if (row.length > header.length) {
        throw new RangeError(
          `SummaryBuilder.table: row ${r + 1} has ${row.length} cells for ${header.length} columns`,
        );
      }
      return line([...row, ...Array<string>(header.length - row.length).fill('')]);
    });
    return this.raw([line(header), separator, ...body].join('\n'));
  }

  /** A collapsed block: the summary is plain text (escaped), the body Markdown. */
  details(summary: string, body: string): this {
    return this.raw(`<details><summary>${escapeHtml(summary)}</summary>\n\n${body.trim()}\n\n</details>`);
  }

  /** A Markdown link (returned, not added): brackets in the text and spaces or parentheses in the URL escaped. */
  link(text: string, href: string): string {
    const label = text.replace(/[\\[\]]/g, (c) => `\\${c}`);
    const url = href.replace(
      /[ ()<>]/g,
      (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
    );
    return `[${label}](${url})`;
  }

  /** A fenced code block, with a fence longer than any run of backticks inside. */
  code(text: string, lang = ''): this {
    const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(Math.max(3, longest + 1));
    return this.raw(`${fence}${lang}\n${text.replace(/\n$/, '')}\n${fence}`);
  }

  /** A bulleted list; an item's further lines are indented under it. */
  list(items: string[]): this {
    if (items.length === 0) return this;
    return this.raw(items.map((item) => `- ${item.replace(/\r?\n/g, '\n  ')}`).join('\n'));
  }

  /** Markdown added as given. */
  raw(markdown: string): this {
    this.#blocks.push(markdown);
    return this;
  }

  /** The summary so far: blocks separated by a blank line, ending with a newline ('' when empty). */
  toMarkdown(): string {
    return this.#blocks.length === 0 ? '' : `${this.#blocks.join('\n\n')}\n`;
  }

  /**
   * Appends the summary to the file named by `GITHUB_STEP_SUMMARY` (read now, not at import), or to `file`;
   * does nothing when there is none, as when run outside Actions.
   */
  async write(file: string | undefined = process.env.GITHUB_STEP_SUMMARY): Promise<void> {
    const markdown = this.toMarkdown();
    if (!file || markdown === '') return;
    await appendFile(file, `${markdown}\n`, 'utf8');
  }
}
