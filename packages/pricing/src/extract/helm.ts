/**
 * Helm chart templates are not deploy specs until rendered: tell them apart from YAML that merely contains `{{`
 * in a string (Prometheus rules, Alertmanager templates), which is read as usual.
 */

/** The message a Helm template gets. */
export const HELM_MESSAGE = 'Helm template: render it first (`helm template …`)';

// Names that only Helm's template language uses (built-in objects and its common functions).
const HELM_ACTION =
  /^-?\s*(?:\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|\$\.(?:Values|Release|Chart)\b|(?:include|template|define|toYaml|tpl|required|nindent|indent)\b)/;
const MAX_ACTION = 400;

/** The 1-based line of the first `{{` in `text`, or 0 when there is none. */
export function firstActionLine(text: string): number {
  const at = text.indexOf('{{');
  return at === -1 ? 0 : lineOfOffset(text, at);
}

/**
 * The line of the first Helm template action in `text` (a `{{` followed by one of Helm's own objects or
 * functions), or 0 when there is none. Only the few characters after each `{{` are looked at.
 */
export function helmActionLine(text: string): number {
  for (let at = text.indexOf('{{'); at !== -1; at = text.indexOf('{{', at + 2)) {
    if (HELM_ACTION.test(text.slice(at + 2, at + 2 + MAX_ACTION))) return lineOfOffset(text, at);
  }
  return 0;
}

function lineOfOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/**
 * Directories holding a `Chart.yaml` among the paths given: files under their `templates/` are chart templates.
 */
export function chartDirectories(paths: readonly string[]): string[] {
  const dirs: string[] = [];
  for (const path of paths) {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    if (name === 'Chart.yaml' || name === 'Chart.yml') dirs.push(path.slice(0, slash + 1));
  }
  return dirs;
}

/** Whether `path` lies under `<chart dir>/templates/` of one of `chartDirs`. */
export function isUnderChartTemplates(path: string, chartDirs: readonly string[]): boolean {
  return chartDirs.some((dir) => path.startsWith(`${dir}templates/`));
}
