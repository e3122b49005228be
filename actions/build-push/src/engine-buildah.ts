/**
 * Buildah (daemonless, rootless): `buildah bud` builds into local storage, `buildah push` writes the result once
 * to an OCI image layout under RUNNER_TEMP, and `skopeo copy --preserve-digests` sends exactly those bytes to
 * each repository, first by digest and only then under each tag. So no tag ever points at an image that did not
 * reach every repository, and every repository gets the same digest. Pure: plans commands, runs nothing.
 */
import { basename, join } from 'node:path';
import { DIGEST, pairs, secretEnvName } from './commands.js';
import type { Command, EnginePlan, EngineSpec } from './commands.js';

const LAYOUT_REF = 'image';

/** `buildah login` for one registry: the password comes on stdin, into the action's own auth file. */
export function buildahLogin(authFile: string, host: string, username: string, insecure: boolean): Command {
  return {
    title: `log in to ${host}`,
    command: 'buildah',
    args: [
      'login',
      '--authfile',
      authFile,
      '--username',
      username,
      '--password-stdin',
      ...(insecure ? ['--tls-verify=false'] : []),
      host,
    ],
  };
}

function skopeoCopy(
  authFile: string,
  layout: string,
  insecure: boolean,
  dest: string,
  digestFile: string,
): string[] {
  return [
    'copy',
    '--all',
    '--preserve-digests',
    '--retry-times',
    '3',
    '--authfile',
    authFile,
    ...(insecure ? ['--dest-tls-verify=false'] : []),
    '--digestfile',
    digestFile,
    `oci:${layout}:${LAYOUT_REF}`,
    dest,
  ];
}

/** Plans a Buildah build, its export to an OCI layout, the pushes by digest and the tags. */
export function planBuildah(spec: EngineSpec): EnginePlan {
  const authFile = join(spec.workDir, 'auth.json');
  const layout = join(spec.workDir, 'oci-layout');
  const digestFile = join(spec.workDir, 'digest');
  const local = `localhost/slipway-build-push:${basename(spec.workDir).replace(/^slipway-build-push-/, '') || 'build'}`;
  const multi = spec.platforms.length > 1;
  const secretEnv = Object.fromEntries(spec.secretIds.map((id, i) => [secretEnvName(i), id]));

  const bud: Command = {
    title: 'build',
    command: 'buildah',
    args: [
      'bud',
      '--file',
      spec.file,
      ...(spec.target === undefined ? [] : ['--target', spec.target]),
      ...pairs('--build-arg', spec.buildArgs),
      ...spec.secretIds.flatMap((id, i) => ['--secret', `id=${id},env=${secretEnvName(i)}`]),
      ...(spec.platforms.length > 0 ? ['--platform', spec.platforms.join(',')] : []),
      ...(multi ? ['--manifest', local] : ['--tag', local]),
      ...pairs('--label', spec.labels),
      ...pairs('--annotation', spec.annotations),
      '--authfile',
      authFile,
      spec.context,
    ],
    ...(spec.secretIds.length > 0 ? { secretEnv } : {}),
  };
  const build: Command[] = [bud];
  if (spec.push) {
    build.push({
      title: 'write the image to an OCI layout',
      command: 'buildah',
      args: multi
        ? [
            'manifest',
            'push',
            '--all',
            '--quiet',
            '--digestfile',
            digestFile,
            local,
            `oci:${layout}:${LAYOUT_REF}`,
          ]
        : ['push', '--quiet', '--digestfile', digestFile, local, `oci:${layout}:${LAYOUT_REF}`],
    });
  }
  const push: Command[] = [];
  const tag: Command[] = [];
  if (spec.push) {
    spec.images.forEach((image, i) => {
      push.push({
        title: `push ${image.name}@${DIGEST}`,
        command: 'skopeo',
        args: skopeoCopy(
          authFile,
          layout,
          image.insecure,
          `docker://${image.name}@${DIGEST}`,
          join(spec.workDir, `pushed-${i}`),
        ),
      });
      spec.tags.forEach((t, j) => {
        tag.push({
          title: `tag ${image.name}:${t}`,
          command: 'skopeo',
          args: skopeoCopy(
            authFile,
            layout,
            image.insecure,
            `docker://${image.name}:${t}`,
            join(spec.workDir, `tagged-${i}-${j}`),
          ),
        });
      });
    });
  }
  return {
    engine: 'buildah',
    authFile,
    env: {},
    build,
    push,
    tag,
    digest: spec.push ? { kind: 'digestfile', path: digestFile } : { kind: 'none' },
    layout: spec.push ? layout : undefined,
  };
}
