/**
 * The `capacity-provider-strategy` grammar: items separated by commas or newlines, each
 *
 *     PROVIDER[:WEIGHT][:base=BASE]
 *
 * e.g. `FARGATE_SPOT:3,FARGATE:1:base=1`. PROVIDER is a capacity provider name (letters, digits, `_`, `-`; up to
 * 255), WEIGHT a whole number 0..1000 (default 1), BASE a whole number 0..100000 (default 0). At most one item
 * may have a base above 0, at least one must have a weight above 0, a provider appears once, and a strategy has
 * at most 20 items, as ECS requires
 * (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html).
 */
import type { CapacityProviderStrategyItem } from '@aws-sdk/client-ecs';

/** The parsed strategy, or the first problem found (with the item it is about). */
export type StrategyResult =
  { ok: true; value: CapacityProviderStrategyItem[] } | { ok: false; message: string };

const PROVIDER = /^[A-Za-z0-9_-]{1,255}$/;
const WHOLE = /^\d+$/;

/** Parses the strategy grammar above. */
export function parseCapacityProviderStrategy(text: string): StrategyResult {
  const items = text
    .split(/[,\n]/)
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'));
  if (items.length === 0) return { ok: false, message: 'lists no capacity provider' };
  if (items.length > 20)
    return { ok: false, message: `lists ${items.length} capacity providers; ECS allows 20` };
  const value: CapacityProviderStrategyItem[] = [];
  for (const item of items) {
    const parts = item.split(':').map((part) => part.trim());
    const [provider = '', ...rest] = parts;
    const fail = (why: string): StrategyResult => ({
      ok: false,
      message: `${JSON.stringify(item)}: ${why} (write PROVIDER[:WEIGHT][:base=N], e.g. FARGATE_SPOT:3,FARGATE:1:base=1)`,
    });
    if (!PROVIDER.test(provider))
      return fail(
        'the capacity provider name is missing or has characters other than letters, digits, _ and -',
      );
    let weight: number | undefined;
    let base: number | undefined;
    for (const part of rest) {
      const baseMatch = /^base\s*=\s*(.*)$/.exec(part);
      if (baseMatch !== null) {
        if (base !== undefined) return fail('base is given twice');
        if (!WHOLE.test(baseMatch[1] ?? '') || Number(baseMatch[1]) > 100000) {
          return fail('base must be a whole number from 0 to 100000');
        }
        base = Number(baseMatch[1]);
      } else if (/^weight\s*=/.test(part) || WHOLE.test(part)) {
        const raw = part.replace(/^weight\s*=\s*/, '');
        if (weight !== undefined) return fail('the weight is given twice');
        if (!WHOLE.test(raw) || Number(raw) > 1000)
          return fail('the weight must be a whole number from 0 to 1000');
        weight = Number(raw);
      } else {
        return fail(`${JSON.stringify(part)} is neither a weight nor base=N`);
      }
    }
    if (value.some((existing) => existing.capacityProvider === provider)) {
      return fail(`${provider} is listed more than once`);
    }
    value.push({
      capacityProvider: provider,
      weight: weight ?? 1,
      ...(base !== undefined && base > 0 ? { base } : {}),
    });
  }
  if (value.filter((item) => (item.base ?? 0) > 0).length > 1) {
    return { ok: false, message: 'gives a base to more than one capacity provider; ECS allows one' };
  }
  if (value.every((item) => item.weight === 0)) {
    return { ok: false, message: 'needs at least one capacity provider with a weight above 0' };
  }
  return { ok: true, value };
}

/** The strategy written back in the input grammar, for logs and summaries. */
export function formatCapacityProviderStrategy(strategy: readonly CapacityProviderStrategyItem[]): string {
  return strategy
    .map(
      (item) =>
        `${item.capacityProvider}:${item.weight ?? 0}${(item.base ?? 0) > 0 ? `:base=${item.base}` : ''}`,
    )
    .join(',');
}
