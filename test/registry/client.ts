// Reading a registry back over the distribution API (https://distribution.github.io/distribution/spec/api/):
// manifests by tag or digest with their Docker-Content-Digest, tags, and blobs, with basic auth when needed.
import { gunzipSync } from 'node:zlib';
import type { LocalRegistry } from './registry.js';

/** Every manifest type a client can take, as `docker` sends them. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

function headers(registry: LocalRegistry, extra: Record<string, string> = {}): Record<string, string> {
  const auth: Record<string, string> = {};
  const first = registry.users === undefined ? undefined : Object.entries(registry.users)[0];
  if (first !== undefined)
    auth.authorization = `Basic ${Buffer.from(`${first[0]}:${first[1]}`).toString('base64')}`;
  return { ...auth, ...extra };
}

/** `HEAD /v2/<repo>/manifests/<ref>`: the status and `Docker-Content-Digest`. */
export async function headManifest(
  registry: LocalRegistry,
  repository: string,
  reference: string,
): Promise<{ status: number; digest: string | null }> {
  const res = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    method: 'HEAD',
    headers: headers(registry, { accept: MANIFEST_ACCEPT }),
  });
  return { status: res.status, digest: res.headers.get('docker-content-digest') };
}

/** An image manifest or index. */
export interface Manifest {
  mediaType?: string;
  config?: { digest: string };
  layers?: Array<{ digest: string; mediaType: string }>;
  manifests?: Array<{ digest: string; platform?: { os: string; architecture: string } }>;
  annotations?: Record<string, string>;
}

/** `GET /v2/<repo>/manifests/<ref>`. */
export async function getManifest(
  registry: LocalRegistry,
  repository: string,
  reference: string,
): Promise<Manifest> {
  const res = await fetch(`${registry.url}/v2/${repository}/manifests/${reference}`, {
    headers: headers(registry, { accept: MANIFEST_ACCEPT }),
  });
  if (!res.ok) throw new Error(`GET manifest ${repository}:${reference}: HTTP ${res.status}`);
  return (await res.json()) as Manifest;
}

/** `GET /v2/<repo>/blobs/<digest>` as bytes. */
export async function getBlob(registry: LocalRegistry, repository: string, digest: string): Promise<Buffer> {
  const res = await fetch(`${registry.url}/v2/${repository}/blobs/${digest}`, { headers: headers(registry) });
  if (!res.ok) throw new Error(`GET blob ${repository}@${digest}: HTTP ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** The image config (labels live in `config.Labels`). */
export async function getImageConfig(
  registry: LocalRegistry,
  repository: string,
  manifest: Manifest,
): Promise<{ config?: { Labels?: Record<string, string> }; architecture?: string; os?: string }> {
  if (manifest.config === undefined) throw new Error('not an image manifest');
  return JSON.parse((await getBlob(registry, repository, manifest.config.digest)).toString('utf8')) as {
    config?: { Labels?: Record<string, string> };
  };
}

/** The uncompressed bytes of every layer of an image, for searching them. */
export async function layerBytes(
  registry: LocalRegistry,
  repository: string,
  manifest: Manifest,
): Promise<Buffer[]> {
  const layers: Buffer[] = [];
  for (const layer of manifest.layers ?? []) {
    const blob = await getBlob(registry, repository, layer.digest);
    layers.push(layer.mediaType.includes('gzip') ? gunzipSync(blob) : blob);
  }
  return layers;
}

/** `GET /v2/<repo>/tags/list`; an unknown repository (no tag ever pushed) is `[]`. */
export async function listTags(registry: LocalRegistry, repository: string): Promise<string[]> {
  const res = await fetch(`${registry.url}/v2/${repository}/tags/list`, { headers: headers(registry) });
  if (res.status === 404) return [];
  if (!res.ok) throw new Error(`GET tags ${repository}: HTTP ${res.status}`);
  const body = (await res.json()) as { tags?: string[] | null };
  return [...(body.tags ?? [])].sort();
}
