import { imagesOf, parseImageOverrides, substituteImages } from '../src/images.js';
import type { KubeObject, Manifest } from '../src/types.js';

const at = (object: KubeObject): Manifest => ({ object, source: { file: 'm.yaml', line: 1 } });
const podSpec = (images: string[], init: string[] = []) => ({
  ...(init.length > 0 ? { initContainers: init.map((image, i) => ({ name: `init${i}`, image })) } : {}),
  containers: images.map((image, i) => ({ name: `c${i}`, image })),
});
const workload = (kind: string, images: string[], init: string[] = []): KubeObject => {
  const name = { metadata: { name: kind.toLowerCase() } };
  switch (kind) {
    case 'Pod':
      return { apiVersion: 'v1', kind, ...name, spec: podSpec(images, init) };
    case 'CronJob':
      return {
        apiVersion: 'batch/v1',
        kind,
        ...name,
        spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: podSpec(images, init) } } } },
      };
    default:
      return { apiVersion: 'apps/v1', kind, ...name, spec: { template: { spec: podSpec(images, init) } } };
  }
};

describe('parseImageOverrides', () => {
  it.each([
    { entry: 'ghcr.io/acme/web:2', repository: 'ghcr.io/acme/web', image: 'ghcr.io/acme/web:2' },
    { entry: 'nginx:1.27', repository: 'docker.io/library/nginx', image: 'nginx:1.27' },
    {
      entry: 'web=123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:' + 'a'.repeat(64),
      repository: 'docker.io/library/web',
      image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:' + 'a'.repeat(64),
    },
  ])('reads $entry', ({ entry, repository, image }) => {
    const { overrides, problems } = parseImageOverrides([entry]);
    expect(problems).toEqual([]);
    expect(overrides).toEqual([expect.objectContaining({ entry, repository, image })]);
  });

  it.each([
    { entries: ['ghcr.io/acme/web'], problem: /has neither a tag nor a digest/ },
    { entries: ['Web:1'], problem: /must be lowercase/ },
    { entries: ['=ghcr.io/acme/web:1'], problem: /is not an image name/ },
    { entries: ['ghcr.io/acme/web:1', 'ghcr.io/acme/web:2'], problem: /both replace ghcr\.io\/acme\/web/ },
  ])('rejects $entries', ({ entries, problem }) => {
    expect(parseImageOverrides(entries).problems).toEqual([expect.stringMatching(problem)]);
  });
});

describe('substituteImages', () => {
  it.each(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'])(
    'replaces images in a %s, init containers included',
    (kind) => {
      const { overrides } = parseImageOverrides(['ghcr.io/acme/web:2']);
      const result = substituteImages(
        [at(workload(kind, ['ghcr.io/acme/web:1', 'redis:7'], ['ghcr.io/acme/web:1']))],
        overrides,
      );
      expect(imagesOf(result.manifests)).toEqual(['ghcr.io/acme/web:2', 'redis:7']);
      expect(result.replacements).toHaveLength(2);
      expect(result.unmatched).toEqual([]);
    },
  );

  it.each([
    {
      manifest: 'web',
      entry: 'ghcr.io/acme/web:2',
      replaced: true,
      why: 'a bare placeholder matches by its name',
    },
    {
      manifest: 'web:latest',
      entry: 'web=ghcr.io/acme/web:2',
      replaced: true,
      why: 'NAME= matches the placeholder',
    },
    {
      manifest: 'ghcr.io/other/web:1',
      entry: 'web=ghcr.io/acme/web:2',
      replaced: true,
      why: 'NAME= matches the last path component',
    },
    {
      manifest: 'ghcr.io/other/web:1',
      entry: 'ghcr.io/acme/web:2',
      replaced: false,
      why: 'another registry path is another image',
    },
    {
      manifest: 'ghcr.io/acme/web-worker:1',
      entry: 'ghcr.io/acme/web:2',
      replaced: false,
      why: 'a longer name is another image',
    },
    {
      manifest: '${IMAGE}',
      entry: 'ghcr.io/acme/web:2',
      replaced: false,
      why: 'an unparseable placeholder is left alone',
    },
  ])('$manifest with $entry: $why', ({ manifest, entry, replaced }) => {
    const { overrides } = parseImageOverrides([entry]);
    const result = substituteImages([at(workload('Deployment', [manifest]))], overrides);
    expect(imagesOf(result.manifests)).toEqual([replaced ? (overrides[0]?.image ?? '') : manifest]);
    expect(result.unmatched).toHaveLength(replaced ? 0 : 1);
  });

  it('leaves the input manifests untouched and reports overrides that match nothing', () => {
    const original = workload('Deployment', ['ghcr.io/acme/web:1']);
    const { overrides } = parseImageOverrides(['ghcr.io/acme/web:2', 'ghcr.io/acme/worker:2']);
    const result = substituteImages([at(original)], overrides);
    expect(JSON.stringify(original)).toContain('web:1');
    expect(result.unmatched.map((u) => u.entry)).toEqual(['ghcr.io/acme/worker:2']);
  });
});
