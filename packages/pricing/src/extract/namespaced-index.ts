/**
 * Objects looked up by namespace and name across all the files of one extraction (HPA targets, claims, the
 * Deployment a Rollout references).
 */

/**
 * A name → value index where a missing namespace matches any: `kubectl apply -n <ns>` puts an object without a
 * namespace into the same namespace as its neighbours, so an HPA written without one still scales a Deployment
 * written with one (and the other way round). Two different stated namespaces never match.
 */
export class NamespacedIndex<T> {
  private readonly byName = new Map<string, Array<{ namespace: string | null; value: T }>>();

  /** Adds `value` under `namespace`/`name`. */
  add(namespace: string | null, name: string, value: T): void {
    const list = this.byName.get(name);
    if (list === undefined) this.byName.set(name, [{ namespace, value }]);
    else list.push({ namespace, value });
  }

  /** Every value under `name` whose namespace matches `namespace`, in the order they were added. */
  findAll(namespace: string | null, name: string): T[] {
    const list = this.byName.get(name);
    if (list === undefined) return [];
    return list
      .filter((entry) => namespace === null || entry.namespace === null || entry.namespace === namespace)
      .map((entry) => entry.value);
  }

  /** The first value under `name` whose namespace matches, or `undefined`. */
  find(namespace: string | null, name: string): T | undefined {
    return this.findAll(namespace, name)[0];
  }
}
