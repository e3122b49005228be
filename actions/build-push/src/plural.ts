/** `1 tag`, `2 tags`: counts in log lines and the summary. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
