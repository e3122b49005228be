/**
 * The post step: removes the work directory main saved in state (the auth file with the registry passwords, the
 * image layout), even when main failed, timed out or was cancelled. Only a directory this action made under
 * RUNNER_TEMP is removed, whatever the state says.
 */
import { getState } from '@actions/core';
import { log, runAction } from '@slipway/core';
import { existsSync } from 'node:fs';
import { WORK_DIR_STATE, isOwnWorkDir, removeWorkDir } from './auth-file.js';

await runAction('build-push post', async () => {
  const workDir = getState(WORK_DIR_STATE);
  if (workDir === '') return;
  const runnerTemp = process.env.RUNNER_TEMP ?? '';
  if (runnerTemp === '' || !isOwnWorkDir(workDir, runnerTemp)) {
    log.warning(`Not removing ${workDir}: it is not a build-push work directory under RUNNER_TEMP`);
    return;
  }
  if (!existsSync(workDir)) {
    log.info('Registry credentials: already removed.');
    return;
  }
  await removeWorkDir(workDir);
  log.info(`Registry credentials: removed ${workDir}.`);
});
