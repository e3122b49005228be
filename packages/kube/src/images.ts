/**
 * Image substitution: the `images` input names new images, and every container (init and ephemeral included) of
 * every pod template whose image has the same repository gets the new one. A Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Job, Pod and a CronJob's job template are all reached.
 */
import { parseImageRef } from '@slipway/core';
import { containersOf, podSpecOf } from './pod-templates.js';
import { cloneJson, describeRef, refOf } from './types.js';
import type { Manifest } from './types.js';

/** One entry of the `images` input. */
export interface ImageOverride {
  /** The entry as written. */
  entry: string;
  /** The image to put in place. */
  image: string;
  /** `registry/repository` the entry matches (normalised: `nginx` is `docker.io/library/nginx`). */
  repository: string;
  /** The last path component, matched against bare placeholder images (`image: web`). */
  shortName: string;
  /** Set when written `name=image`: only this name (or repository) matches. */
  explicitName?: string;
}

/** One container whose image was replaced. */
export interface ImageReplacement {
  object: string;
  container: string;
  from: string;
  to: string;
}

function repositoryKey(ref: string): { repository: string; shortName: string; bare: boolean } | undefined {
  try {
    const parsed = parseImageRef(ref);
    const name = ref.split('@')[0] ?? ref;
    const bare = !name.includes('/');
    return {
      repository: `${parsed.registry}/${parsed.repository}`,
      shortName: parsed.repository.split('/').pop() ?? '',
      bare,
    };
  } catch {
    return undefined;
  }
}

/**
 * Parses the `images` entries: `REGISTRY/REPO:TAG` (or `@sha256:...`), or `NAME=IMAGE` to replace images whose
 * repository (or last path component) is NAME. Returns one problem per bad entry.
 */
export function parseImageOverrides(entries: string[]): { overrides: ImageOverride[]; problems: string[] } {
  const overrides: ImageOverride[] = [];
  const problems: string[] = [];
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const name = eq < 0 ? undefined : entry.slice(0, eq).trim();
    const image = (eq < 0 ? entry : entry.slice(eq + 1)).trim();
    try {
      const parsed = parseImageRef(image);
      if (parsed.tag === undefined && parsed.digest === undefined) {
        problems.push(
          `${JSON.stringify(entry)} has neither a tag nor a digest: name the image to deploy exactly (name:tag or name@sha256:...)`,
        );
        continue;
      }
    } catch (e) {
      problems.push(e instanceof Error ? e.message : String(e));
      continue;
    }
    const matchOn = repositoryKey(name ?? image);
    if (matchOn === undefined || name === '') {
      problems.push(`${JSON.stringify(entry)}: ${JSON.stringify(name)} is not an image name`);
      continue;
    }
    overrides.push({
      entry,
      image,
      repository: matchOn.repository,
      shortName: matchOn.shortName,
      ...(name === undefined ? {} : { explicitName: name }),
    });
  }
  const seen = new Map<string, string>();
  for (const o of overrides) {
    const previous = seen.get(o.repository);
    if (previous !== undefined)
      problems.push(
        `${JSON.stringify(previous)} and ${JSON.stringify(o.entry)} both replace ${o.repository}`,
      );
    seen.set(o.repository, o.entry);
  }
  return { overrides, problems };
}

/** Whether an override replaces a container image. */
function matches(override: ImageOverride, image: string): boolean {
  const key = repositoryKey(image);
  if (key === undefined) return false;
  if (key.repository === override.repository) return true;
  // A bare placeholder (`image: web`) matches an override for any registry's `.../web`, and `web=...` matches
  // any repository whose last component is `web`.
  if (key.bare && key.shortName === override.shortName) return true;
  return (
    override.explicitName !== undefined &&
    !override.explicitName.includes('/') &&
    key.shortName === override.explicitName
  );
}

/**
 * Replaces images in copies of the manifests. Returns the new manifests, every replacement, and the overrides
 * that matched no container (the caller warns about each).
 */
export function substituteImages(
  manifests: Manifest[],
  overrides: ImageOverride[],
): { manifests: Manifest[]; replacements: ImageReplacement[]; unmatched: ImageOverride[] } {
  const used = new Set<ImageOverride>();
  const replacements: ImageReplacement[] = [];
  const out = manifests.map((m) => {
    const object = cloneJson(m.object);
    const podSpec = podSpecOf(object);
    if (podSpec === undefined) return { ...m, object };
    for (const { container } of containersOf(podSpec)) {
      const image = container.image;
      if (typeof image !== 'string') continue;
      const override = overrides.find((o) => matches(o, image));
      if (override === undefined) continue;
      used.add(override);
      if (image !== override.image) {
        replacements.push({
          object: describeRef(refOf(object)),
          container: String(container.name),
          from: image,
          to: override.image,
        });
        container.image = override.image;
      }
    }
    return { ...m, object };
  });
  return { manifests: out, replacements, unmatched: overrides.filter((o) => !used.has(o)) };
}

/** Every image in the pod templates of the manifests, in order, without repeats. */
export function imagesOf(manifests: Manifest[]): string[] {
  const images: string[] = [];
  for (const m of manifests) {
    const podSpec = podSpecOf(m.object);
    if (podSpec === undefined) continue;
    for (const { container } of containersOf(podSpec)) {
      if (typeof container.image === 'string' && !images.includes(container.image))
        images.push(container.image);
    }
  }
  return images;
}
