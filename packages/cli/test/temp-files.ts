// Test helper: writes a set of files into a fresh temporary directory.
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Writes `files` (path → text) under a new temp dir and returns its path. A path ending in `*` is executable. */
export async function writeTempFiles(
  files: Record<string, string>,
  prefix = 'slipway-cli-',
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  await writeFilesInto(root, files);
  return root;
}

/** Writes `files` under `root`, creating directories. */
export async function writeFilesInto(root: string, files: Record<string, string>): Promise<void> {
  for (const [name, text] of Object.entries(files)) {
    const executable = name.endsWith('*');
    const path = join(root, executable ? name.slice(0, -1) : name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    if (executable) await chmod(path, 0o755);
  }
}

/** Removes a temp dir made by {@link writeTempFiles}. */
export function removeTemp(root: string): Promise<void> {
  return rm(root, { recursive: true, force: true });
}
