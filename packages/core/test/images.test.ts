import { formatImageRef, isValidTag, parseImageRef, withDigest } from '../src/images.js';
import type { ImageRef } from '../src/images.js';

const SHA = `sha256:${'a1'.repeat(32)}`;
const SHA512 = `sha512:${'0f'.repeat(64)}`;

function ref(
  registry: string,
  repository: string,
  tag?: string,
  digest?: string,
  extra: Partial<ImageRef> = {},
): ImageRef {
  return { registry, repository, tag, digest, ...extra };
}

describe('parseImageRef', () => {
  it.each<[string, ImageRef]>([
    // Docker Hub normalisation
    ['nginx', ref('docker.io', 'library/nginx')],
    ['nginx:1.27', ref('docker.io', 'library/nginx', '1.27')],
    ['nginx:latest', ref('docker.io', 'library/nginx', 'latest')],
    ['user/app:v1.2.3', ref('docker.io', 'user/app', 'v1.2.3')],
    ['user/app/sub', ref('docker.io', 'user/app/sub')],
    ['docker.io/nginx', ref('docker.io', 'library/nginx')],
    ['docker.io/library/nginx:1', ref('docker.io', 'library/nginx', '1')],
    ['index.docker.io/user/app', ref('docker.io', 'user/app')],
    ['index.docker.io/redis', ref('docker.io', 'library/redis')],
    ['my-registry/app', ref('docker.io', 'my-registry/app')],
    ['team/a.b_c__d-e--f', ref('docker.io', 'team/a.b_c__d-e--f')],
    ['nginx:_tag', ref('docker.io', 'library/nginx', '_tag')],
    [`nginx:${'t'.repeat(128)}`, ref('docker.io', 'library/nginx', 't'.repeat(128))],
    // hosts with ports, localhost, IPs
    ['localhost:5000/a/b:tag', ref('localhost:5000', 'a/b', 'tag')],
    ['localhost/app', ref('localhost', 'app')],
    ['127.0.0.1:5000/demo:1', ref('127.0.0.1:5000', 'demo', '1')],
    ['[::1]:5000/demo', ref('[::1]:5000', 'demo')],
    [
      'registry.example.com:443/team/app:2024.01.01-rc.1',
      ref('registry.example.com:443', 'team/app', '2024.01.01-rc.1'),
    ],
    ['Registry.Example.com/app', ref('registry.example.com', 'app')],
    ['ghcr.io/owner/app:sha-abc123', ref('ghcr.io', 'owner/app', 'sha-abc123')],
    ['localhost:5000', ref('docker.io', 'library/localhost', '5000')],
    // digests
    [`nginx@${SHA}`, ref('docker.io', 'library/nginx', undefined, SHA)],
    [`nginx:1.27@${SHA}`, ref('docker.io', 'library/nginx', '1.27', SHA)],
    [`localhost:5000/a@${SHA512}`, ref('localhost:5000', 'a', undefined, SHA512)],
    ['app@sha384+b64u:AbC_-=', ref('docker.io', 'library/app', undefined, 'sha384+b64u:AbC_-=')],
    // ECR
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1',
      ref('123456789012.dkr.ecr.us-east-1.amazonaws.com', 'web', '1', undefined, {
        ecr: { accountId: '123456789012', region: 'us-east-1', fips: false, partition: 'aws' },
      }),
    ],
    [
      `123456789012.dkr.ecr.eu-central-2.amazonaws.com/team/web@${SHA}`,
      ref('123456789012.dkr.ecr.eu-central-2.amazonaws.com', 'team/web', undefined, SHA, {
        ecr: { accountId: '123456789012', region: 'eu-central-2', fips: false, partition: 'aws' },
      }),
    ],
    [
      '123456789012.dkr.ecr-fips.us-west-2.amazonaws.com/web',
      ref('123456789012.dkr.ecr-fips.us-west-2.amazonaws.com', 'web', undefined, undefined, {
        ecr: { accountId: '123456789012', region: 'us-west-2', fips: true, partition: 'aws' },
      }),
    ],
    [
      '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/web:2',
      ref('123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn', 'web', '2', undefined, {
        ecr: { accountId: '123456789012', region: 'cn-north-1', fips: false, partition: 'aws-cn' },
      }),
    ],
    [
      '123456789012.dkr.ecr.us-gov-west-1.amazonaws.com/web',
      ref('123456789012.dkr.ecr.us-gov-west-1.amazonaws.com', 'web', undefined, undefined, {
        ecr: { accountId: '123456789012', region: 'us-gov-west-1', fips: false, partition: 'aws-us-gov' },
      }),
    ],
    [
      '123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com/web',
      ref('123456789012.dkr.ecr-fips.us-gov-east-1.amazonaws.com', 'web', undefined, undefined, {
        ecr: { accountId: '123456789012', region: 'us-gov-east-1', fips: true, partition: 'aws-us-gov' },
      }),
    ],
    [
      '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov/web',
      ref('123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov', 'web', undefined, undefined, {
        ecr: { accountId: '123456789012', region: 'us-iso-east-1', fips: false, partition: 'aws-iso' },
      }),
    ],
    [
      '123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/web',
      ref('123456789012.dkr.ecr.us-isob-east-1.sc2s.sgov.gov', 'web', undefined, undefined, {
        ecr: { accountId: '123456789012', region: 'us-isob-east-1', fips: false, partition: 'aws-iso-b' },
      }),
    ],
    // not ECR: public ECR, a short account id
    ['public.ecr.aws/nginx/nginx:1', ref('public.ecr.aws', 'nginx/nginx', '1')],
    ['12345.dkr.ecr.us-east-1.amazonaws.com/web', ref('12345.dkr.ecr.us-east-1.amazonaws.com', 'web')],
    // Artifact Registry
    [
      'us-central1-docker.pkg.dev/my-project/my-repo/web:1',
      ref('us-central1-docker.pkg.dev', 'my-project/my-repo/web', '1', undefined, {
        artifactRegistry: {
          location: 'us-central1',
          project: 'my-project',
          repository: 'my-repo',
          image: 'web',
        },
      }),
    ],
    [
      'europe-docker.pkg.dev/proj/repo/team/web/api:2',
      ref('europe-docker.pkg.dev', 'proj/repo/team/web/api', '2', undefined, {
        artifactRegistry: { location: 'europe', project: 'proj', repository: 'repo', image: 'team/web/api' },
      }),
    ],
    [
      'us-docker.pkg.dev/example.com/proj/repo/img',
      ref('us-docker.pkg.dev', 'example.com/proj/repo/img', undefined, undefined, {
        artifactRegistry: { location: 'us', project: 'example.com:proj', repository: 'repo', image: 'img' },
      }),
    ],
    // Container Registry
    [
      'gcr.io/my-project/web:1',
      ref('gcr.io', 'my-project/web', '1', undefined, { gcr: { host: 'gcr.io', project: 'my-project' } }),
    ],
    [
      'eu.gcr.io/my-project/team/web',
      ref('eu.gcr.io', 'my-project/team/web', undefined, undefined, {
        gcr: { host: 'eu.gcr.io', project: 'my-project' },
      }),
    ],
    [
      'gcr.io/cloudrun/hello',
      ref('gcr.io', 'cloudrun/hello', undefined, undefined, { gcr: { host: 'gcr.io', project: 'cloudrun' } }),
    ],
    [
      'gcr.io/example.com/proj/web',
      ref('gcr.io', 'example.com/proj/web', undefined, undefined, {
        gcr: { host: 'gcr.io', project: 'example.com:proj' },
      }),
    ],
  ])('%s', (text, expected) => {
    expect(parseImageRef(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['', 'invalid image reference: it is empty'],
    ['   ', 'invalid image reference: it is empty'],
    ['nginx: 1', 'invalid image reference "nginx: 1": it contains whitespace'],
    [
      'https://ghcr.io/a/b',
      'invalid image reference "https://ghcr.io/a/b": write it without a URL scheme (no https://)',
    ],
    ['Nginx', 'invalid image reference "Nginx": repository "Nginx" must be lowercase'],
    [
      'ghcr.io/Owner/App:1',
      'invalid image reference "ghcr.io/Owner/App:1": repository "Owner/App" must be lowercase',
    ],
    ['myUser/app', 'invalid image reference "myUser/app": repository "myUser/app" must be lowercase'],
    [
      'nginx:-bad',
      'invalid image reference "nginx:-bad": tag "-bad" is not valid (a letter, digit or _ then up to 127 of those, \'.\' or \'-\')',
    ],
    [
      'nginx:.bad',
      'invalid image reference "nginx:.bad": tag ".bad" is not valid (a letter, digit or _ then up to 127 of those, \'.\' or \'-\')',
    ],
    [
      'nginx:a+b',
      'invalid image reference "nginx:a+b": tag "a+b" is not valid (a letter, digit or _ then up to 127 of those, \'.\' or \'-\')',
    ],
    [
      `nginx:${'t'.repeat(129)}`,
      `invalid image reference "nginx:${'t'.repeat(129)}": tag "${'t'.repeat(129)}" is not valid (a letter, digit or _ then up to 127 of those, '.' or '-')`,
    ],
    [
      'nginx:',
      'invalid image reference "nginx:": tag "" is not valid (a letter, digit or _ then up to 127 of those, \'.\' or \'-\')',
    ],
    [
      'nginx@sha256:abc',
      'invalid image reference "nginx@sha256:abc": a sha256 digest is 64 lowercase hex digits, got 3 characters',
    ],
    [
      `nginx@sha256:${'A1'.repeat(32)}`,
      'invalid image reference "nginx@sha256:' +
        'A1'.repeat(32) +
        '": a sha256 digest is 64 lowercase hex digits, got 64 characters',
    ],
    [
      'nginx@sha512:abc',
      'invalid image reference "nginx@sha512:abc": a sha512 digest is 128 lowercase hex digits, got 3 characters',
    ],
    [
      'nginx@latest',
      'invalid image reference "nginx@latest": a digest is ALGORITHM:HEX, such as sha256:<64 hex digits>',
    ],
    [
      'nginx@SHA256:abc',
      'invalid image reference "nginx@SHA256:abc": digest algorithm "SHA256" is not valid',
    ],
    [
      'nginx@foo:a/b',
      'invalid image reference "nginx@foo:a/b": the digest holds characters outside [a-zA-Z0-9=_-]',
    ],
    [`a@${SHA}@${SHA}`, `invalid image reference "a@${SHA}@${SHA}": it has more than one '@'`],
    [':tag', 'invalid image reference ":tag": the repository name is missing'],
    ['ghcr.io//app', 'invalid image reference "ghcr.io//app": the repository path has an empty component'],
    ['app/', 'invalid image reference "app/": the repository path has an empty component'],
    [
      'ghcr.io/-app',
      "invalid image reference \"ghcr.io/-app\": repository path component \"-app\" is not valid (lowercase letters and digits, separated by '.', '_', '__' or '-')",
    ],
    [
      'ghcr.io/a___b',
      "invalid image reference \"ghcr.io/a___b\": repository path component \"a___b\" is not valid (lowercase letters and digits, separated by '.', '_', '__' or '-')",
    ],
    [
      'bad_host.io/app',
      'invalid image reference "bad_host.io/app": registry host "bad_host.io" is not valid',
    ],
    ['host:port/app', 'invalid image reference "host:port/app": registry host "host:port" is not valid'],
    [
      `ghcr.io/${'a'.repeat(250)}`,
      `invalid image reference "ghcr.io/${'a'.repeat(250)}": the name is longer than 255 characters`,
    ],
    [
      'us-docker.pkg.dev/proj/repo',
      'invalid image reference "us-docker.pkg.dev/proj/repo": an Artifact Registry image is LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE',
    ],
    ['gcr.io/web', 'invalid image reference "gcr.io/web": a Container Registry image is HOST/PROJECT/IMAGE'],
  ])('rejects %j', (text, message) => {
    expect(() => parseImageRef(text)).toThrow(new Error(message));
  });
});

describe('formatImageRef', () => {
  it.each<[string, boolean, string]>([
    ['nginx', false, 'docker.io/library/nginx'],
    ['nginx', true, 'nginx'],
    ['nginx:1.27', true, 'nginx:1.27'],
    [`nginx:1.27@${SHA}`, false, `docker.io/library/nginx:1.27@${SHA}`],
    [`nginx@${SHA}`, true, `nginx@${SHA}`],
    ['user/app:v1', true, 'user/app:v1'],
    ['library/nginx/extra', true, 'library/nginx/extra'],
    ['user/app:v1', false, 'docker.io/user/app:v1'],
    ['localhost:5000/a/b:tag', true, 'localhost:5000/a/b:tag'],
    [
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1',
      true,
      '123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1',
    ],
  ])('%s (familiar: %s) -> %s', (text, familiar, expected) => {
    expect(formatImageRef(parseImageRef(text), { familiar })).toBe(expected);
  });

  it.each([
    'docker.io/library/nginx:1.27',
    `ghcr.io/o/app:v1@${SHA}`,
    'us-central1-docker.pkg.dev/p/r/i/j:2',
    '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/web',
  ])('round-trips %s', (text) => {
    expect(formatImageRef(parseImageRef(text))).toBe(text);
    expect(parseImageRef(formatImageRef(parseImageRef(text)))).toEqual(parseImageRef(text));
  });
});

describe('withDigest', () => {
  it('pins a reference and keeps its tag and registry details', () => {
    const base = parseImageRef('123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1');
    const pinned = withDigest(base, SHA);
    expect(pinned).toEqual({ ...base, digest: SHA });
    expect(base.digest).toBeUndefined();
    expect(formatImageRef(pinned)).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1@${SHA}`);
  });

  it('replaces an existing digest', () => {
    expect(withDigest(parseImageRef(`a@${SHA}`), SHA512).digest).toBe(SHA512);
  });

  it.each([
    [
      'sha256:123',
      'invalid digest "sha256:123": a sha256 digest is 64 lowercase hex digits, got 3 characters',
    ],
    ['', 'invalid digest "": a digest is ALGORITHM:HEX, such as sha256:<64 hex digits>'],
    ['abc', 'invalid digest "abc": a digest is ALGORITHM:HEX, such as sha256:<64 hex digits>'],
  ])('rejects %j', (digest, message) => {
    expect(() => withDigest(parseImageRef('nginx'), digest)).toThrow(new Error(message));
  });
});

describe('isValidTag', () => {
  it.each<[string, boolean]>([
    ['latest', true],
    ['v1.2.3', true],
    ['1.27-alpine', true],
    ['_x', true],
    ['A_B.c-D', true],
    ['t'.repeat(128), true],
    ['t'.repeat(129), false],
    ['', false],
    ['-x', false],
    ['.x', false],
    ['a/b', false],
    ['a:b', false],
    ['a b', false],
    ['ü', false],
  ])('%j -> %s', (tag, expected) => {
    expect(isValidTag(tag)).toBe(expected);
  });
});
