/**
 * The service YAML named by `service-yaml`, read from the workspace and translated. Its problems are input
 * problems: one line naming the input, the file and the line.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { InputError } from '@slipway/core';
import { SpecError, translateKnativeService } from '@slipway/gcp/run';
import type { KnativeService } from '@slipway/gcp/run';

function inputError(message: string): InputError {
  return new InputError([{ input: 'service-yaml', message }]);
}

/** Reads and translates the service YAML at `path` (relative to the workspace). */
export function loadServiceYaml(
  path: string,
  workspace: string,
  readFile: (path: string) => string,
): KnativeService {
  const file = isAbsolute(path) ? path : resolve(workspace, path);
  const shown = relative(workspace, file).startsWith('..') ? file : relative(workspace, file);
  let text: string;
  try {
    text = readFile(file);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw inputError(
      code === 'ENOENT'
        ? `${shown} does not exist in the workspace`
        : `${shown} cannot be read (${String(code ?? e)})`,
    );
  }
  try {
    return translateKnativeService(text, shown);
  } catch (e) {
    if (e instanceof SpecError) throw inputError(e.message);
    throw e;
  }
}
