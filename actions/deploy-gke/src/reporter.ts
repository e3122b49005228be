/** The deploy's reporter on the runner: log lines, annotations at the manifest's file and line, log groups. */
import { annotate, group, log } from '@slipway/core';
import type { DeployReporter, SourceLocation } from '@slipway/kube';

function where(location: SourceLocation | undefined): { file?: string; line?: number } {
  return location === undefined ? {} : { file: location.file, line: location.line };
}

/** A reporter over @slipway/core. */
export function runnerReporter(): DeployReporter {
  return {
    info: (message) => log.info(message),
    warning: (message, location) => annotate('warning', message, where(location)),
    error: (message, location) => annotate('error', message, where(location)),
    group: (title, fn) => group(title, fn),
  };
}
