/**
 * Reads what was pushed from the OCI image layout Buildah wrote (https://github.com/opencontainers/image-spec/blob/main/image-layout.md):
 * the compressed size of the image (config and layers, each platform counted) and its platforms.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface Descriptor {
  mediaType?: string;
  digest?: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
}

interface Document {
  mediaType?: string;
  manifests?: Descriptor[];
  config?: Descriptor;
  layers?: Descriptor[];
}

/** Size and platforms of the image in a layout. */
export interface LayoutSummary {
  /** Bytes of config and compressed layers over every platform. */
  sizeBytes: number;
  platforms: string[];
}

const INDEX_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

async function blob(layout: string, digest: string | undefined): Promise<Document> {
  const m = /^sha256:([a-f0-9]{64})$/.exec(digest ?? '');
  if (!m) throw new Error(`the OCI layout names a blob with an unexpected digest ${JSON.stringify(digest)}`);
  return JSON.parse(await readFile(join(layout, 'blobs', 'sha256', m[1]!), 'utf8')) as Document;
}

function platformText(
  p: { os?: string; architecture?: string; variant?: string } | undefined,
): string | undefined {
  if (p?.os === undefined || p.architecture === undefined) return undefined;
  return [p.os, p.architecture, p.variant].filter((x) => x !== undefined && x !== '').join('/');
}

async function manifestSummary(
  layout: string,
  manifest: Document,
): Promise<{ size: number; platform: string | undefined }> {
  const size = (manifest.config?.size ?? 0) + (manifest.layers ?? []).reduce((n, l) => n + (l.size ?? 0), 0);
  const config = (await blob(layout, manifest.config?.digest)) as {
    os?: string;
    architecture?: string;
    variant?: string;
  };
  return { size, platform: platformText(config) };
}

/** Reads the image a layout holds (its first entry). */
export async function summarizeLayout(layout: string): Promise<LayoutSummary> {
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as Document;
  const top = index.manifests?.[0];
  const doc = await blob(layout, top?.digest);
  if (INDEX_TYPES.has(doc.mediaType ?? top?.mediaType ?? '') || Array.isArray(doc.manifests)) {
    let sizeBytes = 0;
    const platforms: string[] = [];
    for (const entry of doc.manifests ?? []) {
      const one = await manifestSummary(layout, await blob(layout, entry.digest));
      sizeBytes += one.size;
      const platform = platformText(entry.platform) ?? one.platform;
      if (platform !== undefined) platforms.push(platform);
    }
    // The index lists platforms in the order their builds finished: sort them for stable outputs.
    return { sizeBytes, platforms: platforms.sort() };
  }
  const one = await manifestSummary(layout, doc);
  return { sizeBytes: one.size, platforms: one.platform === undefined ? [] : [one.platform] };
}
