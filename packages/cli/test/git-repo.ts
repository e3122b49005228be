// Test helper: a throw-away git repository with commits made from file maps.
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFilesInto, writeTempFiles } from './temp-files.js';

/** A temp repository; `commit` writes files (a `null` text deletes) and returns the new commit id. */
export interface TempRepo {
  dir: string;
  git(...args: string[]): string;
  commit(files: Record<string, string | null>, message: string): Promise<string>;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Slipway Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Slipway Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

/** Creates a repository on branch `main`. */
export async function createTempRepo(): Promise<TempRepo> {
  const dir = await writeTempFiles({}, 'slipway-git-test-');
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8' }).trim();
  git('init', '--quiet', '--initial-branch=main');
  git('config', 'commit.gpgsign', 'false');
  return {
    dir,
    git,
    async commit(files, message) {
      const writes: Record<string, string> = {};
      for (const [path, text] of Object.entries(files)) {
        if (text === null) await rm(join(dir, path), { force: true });
        else writes[path] = text;
      }
      await writeFilesInto(dir, writes);
      git('add', '--all');
      git('commit', '--quiet', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
}
