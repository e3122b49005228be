/**
 * What the action tells the user: the plan in the log (all of it in a dry run), then outputs and the job summary.
 */
import { SummaryBuilder, group, log, setOutputs } from '@slipway/core';
import type { BuildResult } from './apply.js';
import { plural } from './plural.js';
import { formatCommand } from './commands.js';
import type { Plan } from './plan.js';
import type { RegistryType } from './registries.js';

const TYPE_NAMES: Record<RegistryType, string> = {
  ecr: 'Amazon ECR',
  'artifact-registry': 'Artifact Registry',
  oci: 'OCI registry',
};

/** The plan as log lines (pure, for tests and the dry-run). */
export function planLines(plan: Plan): string[] {
  const lines = [`Engine: ${plan.engine} (${plan.engineReason})`, 'Registries:'];
  for (const registry of plan.registries) {
    const login = plan.logins.find((l) => l.host === registry.host);
    const how =
      login === undefined
        ? plan.push
          ? 'no login (anonymous)'
          : 'no login (no push)'
        : `log in as ${login.username}`;
    const where = registry.region === undefined ? '' : `, ${registry.region}`;
    lines.push(
      `  ${registry.host}: ${TYPE_NAMES[registry.type]}${where}, ${how}${registry.insecure ? ', plain HTTP' : ''}`,
    );
  }
  for (const repo of plan.repositories) {
    lines.push(
      repo.kind === 'ecr'
        ? `Repository: ensure ECR ${repo.repositoryName} in ${repo.region} (scan on push ${repo.scanOnPush ? 'on' : 'off'}, tags ${repo.tagMutability.toLowerCase()}${repo.lifecyclePolicy === undefined ? '' : ', lifecycle policy'})`
        : `Repository: ensure Artifact Registry projects/${repo.project}/locations/${repo.location}/repositories/${repo.repository}`,
    );
  }
  lines.push(`Tags: ${plan.tags.map((t) => `${t.tag} (${t.source})`).join(', ')}`);
  lines.push(`Platforms: ${plan.platforms.length > 0 ? plan.platforms.join(', ') : "the engine's default"}`);
  lines.push(
    `Cache: ${plan.cache.kind === 'gha' ? `gha (scope ${plan.cache.scope})` : plan.cache.kind === 'registry' ? `registry (${plan.cache.ref})` : 'none'}`,
  );
  if (plan.secretIds.length > 0)
    lines.push(
      `Build secrets: ${plan.secretIds.join(', ')} (values from the environment, never in the image or the log)`,
    );
  lines.push(
    `Push: ${plan.push ? `by digest to ${plan.images.map((i) => i.name).join(', ')}, then ${plural(plan.references.length, 'tag')}` : 'no'}`,
  );
  lines.push('Commands:');
  for (const login of plan.logins) lines.push(`  $ ${formatCommand(login.command)}   # password on stdin`);
  for (const command of [...plan.commands.build, ...plan.commands.push, ...plan.commands.tag]) {
    lines.push(`  $ ${formatCommand(command)}`);
  }
  return lines;
}

/** Logs the plan and its warnings. */
export async function reportPlan(plan: Plan): Promise<void> {
  await group('Plan', () => {
    for (const line of planLines(plan)) log.info(line);
    return Promise.resolve();
  });
  for (const warning of plan.warnings) log.warning(warning);
}

/** The `metadata` output: everything about the build as one JSON object. */
export function metadataOf(
  plan: Plan,
  result: BuildResult | undefined,
  dryRun: boolean,
): Record<string, unknown> {
  return {
    engine: plan.engine,
    dryRun,
    digest: result?.digest ?? null,
    images: plan.images.map((i) => i.name),
    pinned: result?.pinned ?? [],
    references: plan.references,
    tags: plan.tags.map((t) => t.tag),
    labels: plan.labels,
    annotations: plan.annotations,
    platforms: result?.platforms ?? plan.platforms,
    sizeBytes: result?.sizeBytes ?? null,
    buildSeconds: result === undefined ? null : Math.round(result.buildMs) / 1000,
    pushSeconds: result === undefined ? null : Math.round(result.pushMs) / 1000,
    registries: plan.registries.map((r) => ({ host: r.host, type: r.type })),
    repositorySteps: result?.repositorySteps ?? [],
    renewedCredentials: result?.renewed ?? [],
  };
}

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'unknown';
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

/** The job summary (pure). */
export function summaryOf(plan: Plan, result: BuildResult | undefined, dryRun: boolean): SummaryBuilder {
  const summary = new SummaryBuilder().heading(dryRun ? 'build-push: dry run' : 'build-push');
  if (result?.digest !== undefined) {
    summary.table(
      ['Image', 'Digest-pinned reference'],
      result.pinned.map((p) => {
        const name = p.slice(0, p.indexOf('@'));
        return [name, `\`${p}\``];
      }),
    );
    summary.table(
      ['Tag', 'Source'],
      plan.tags.map((t) => [`\`${t.tag}\``, t.source]),
    );
  } else {
    summary.paragraph(dryRun ? 'Nothing was built or pushed. The plan:' : 'Built without pushing.');
    summary.table(
      ['Reference', 'Source'],
      plan.images.flatMap((i) => plan.tags.map((t) => [`\`${i.name}:${t.tag}\``, t.source])),
    );
  }
  const platforms = result?.platforms ?? plan.platforms;
  summary.table(
    ['', ''],
    [
      ['Digest', result?.digest === undefined ? '—' : `\`${result.digest}\``],
      ['Platforms', platforms.length > 0 ? platforms.join(', ') : "the engine's default"],
      ['Size', formatBytes(result?.sizeBytes)],
      ['Build time', result === undefined ? '—' : `${(result.buildMs / 1000).toFixed(1)} s`],
      ['Push time', result === undefined || !plan.push ? '—' : `${(result.pushMs / 1000).toFixed(1)} s`],
      ['Engine', `${plan.engine} (${plan.engineReason})`],
    ],
  );
  if (dryRun)
    summary.details(
      'Commands',
      [
        '```sh',
        ...planLines(plan)
          .filter((l) => l.startsWith('  $ '))
          .map((l) => l.slice(4)),
        '```',
      ].join('\n'),
    );
  if (result !== undefined && result.repositorySteps.length > 0) {
    summary.heading('Repositories set up', 3).list(result.repositorySteps);
  }
  return summary;
}

/** Sets the outputs and writes the job summary. */
export async function reportOutcome(
  plan: Plan,
  result: BuildResult | undefined,
  dryRun: boolean,
): Promise<void> {
  setOutputs({
    digest: result?.digest,
    image: result?.pinned[0],
    images: result === undefined || result.pinned.length === 0 ? undefined : result.pinned.join('\n'),
    tags: plan.references.join('\n'),
    metadata: metadataOf(plan, result, dryRun),
  });
  await summaryOf(plan, result, dryRun).write();
  if (result?.digest !== undefined) {
    log.info(
      `Pushed ${result.digest} to ${plural(result.pinned.length, 'repository', 'repositories')} under ${plural(plan.tags.length, 'tag')}.`,
    );
  }
}
