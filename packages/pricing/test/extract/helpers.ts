// Shared by the extraction tests: fixtures on disk and a shortcut to extract one text.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ExtractResult } from '../../src/types.js';
import { extractWorkloads } from '../../src/extract/index.js';
import type { ExtractOptions, SpecFile } from '../../src/extract/index.js';

/** The repository root (packages/pricing/test/extract → four levels up). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A fixture of packages/pricing/test/fixtures/extract as a SpecFile named `fixtures/<name>`. */
export function fixture(name: string): SpecFile {
  const text = readFileSync(new URL(`../fixtures/extract/${name}`, import.meta.url), 'utf8');
  return { path: `fixtures/${name}`, text };
}

/** Extracts one in-memory file. */
export function extractText(text: string, path = 'spec.yaml', options?: ExtractOptions): ExtractResult {
  return extractWorkloads([{ path, text }], options);
}

/** The only workload of a result, failing loudly (with the errors) when there is not exactly one. */
export function only(result: ExtractResult): ExtractResult['workloads'][number] {
  if (result.workloads.length !== 1) {
    throw new Error(
      `expected 1 workload, got ${result.workloads.length}; errors: ${JSON.stringify(result.errors)}`,
    );
  }
  return result.workloads[0] as ExtractResult['workloads'][number];
}
