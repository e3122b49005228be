/**
 * What deploy-ecs tells the workflow: the plan in the log, the outputs, and a job summary with the plan, the
 * deployment's progress and the result (and, on failure, why: reasons, stopped tasks, events, links).
 */
import { SummaryBuilder, escapeMarkdownCell, group, log, setOutputs } from '@slipway/core';
import { describeContainer } from '@slipway/aws/ecs';
import type { DeployPlan, DeployResult } from '@slipway/aws/ecs';

function label(arn: string | undefined): string {
  return arn?.split('/').pop() ?? '(none)';
}

/** Logs the plan: the calls, the task definition changes, and the rendered definition (in a group). */
export async function logPlan(plan: DeployPlan, dryRun: boolean): Promise<void> {
  for (const warning of plan.warnings) log.warning(warning);
  await group(dryRun ? 'Plan (dry run: nothing will be changed)' : 'Plan', () => {
    for (const call of plan.calls) log.info(`- ${call}`);
    const td = plan.taskDefinition;
    if (td.action === 'register' && td.diff.length > 0) {
      log.info(`Changes from ${td.comparedWith}:`);
      for (const line of td.diff) log.info(`  ${line}`);
    }
    return Promise.resolve();
  });
  await group('Rendered task definition', () => {
    log.info(JSON.stringify(plan.taskDefinition.request, null, 2));
    return Promise.resolve();
  });
}

/** The action's outputs from the plan and what the deploy did (unset ones are left out). */
export function outputsOf(
  plan: DeployPlan,
  result: DeployResult,
): Record<string, string | number | undefined> {
  return {
    'task-definition-arn': result.taskDefinitionArn,
    'service-arn': result.serviceArn,
    'deployment-id': result.deploymentId,
    'rollout-state': result.rolloutState,
    'task-arn': result.taskArn,
    'exit-code': result.exitCode,
    'console-url': result.consoleUrl ?? plan.consoleUrl,
  };
}

/** Sets the outputs. */
export function writeOutputs(plan: DeployPlan, result: DeployResult): void {
  setOutputs(outputsOf(plan, result));
}

function headline(
  plan: DeployPlan,
  result: DeployResult,
  error: string | undefined,
  dryRun: boolean,
): string {
  if (dryRun) return '🧪 Dry run: nothing was registered or changed.';
  if (error !== undefined) {
    if (result.failure === undefined) return `❌ ${error}`;
    const what =
      result.oneOff !== undefined && result.exitCode !== 0
        ? `${result.oneOff.purpose === 'before-deploy' ? 'The task before the deploy' : 'The one-off task'} ${label(result.taskArn)}`
        : `Deployment ${result.deploymentId ?? ''}`;
    return `❌ ${what} failed: ${result.failure.reasons.map((r) => r.replace(/\.$/, '')).join('; ')}.`;
  }
  if (plan.mode === 'run-task') {
    return result.exitCode === undefined
      ? `▶️ One-off task ${label(result.taskArn)} started (not followed).`
      : `✅ One-off task ${label(result.taskArn)} exited ${result.exitCode}.`;
  }
  switch (result.outcome) {
    case 'COMPLETED':
      return `✅ Deployment ${result.deploymentId} COMPLETED: ${plan.service} runs ${label(result.taskDefinitionArn)}.`;
    case 'NOT_WAITED':
      return `▶️ Deployment ${result.deploymentId} started; not followed (wait: false).`;
    case 'NO_DEPLOYMENT':
      return `✅ ${plan.service} ${result.serviceAction === 'unchanged' ? 'already runs' : 'updated without a new deployment; runs'} ${label(result.taskDefinitionArn)}.`;
    default:
      return `✅ ${plan.service}: ${result.rolloutState ?? 'done'}.`;
  }
}

/** The job summary as Markdown. */
export function summaryOf(
  plan: DeployPlan,
  result: DeployResult,
  options: { error?: string; dryRun: boolean },
): string {
  const summary = new SummaryBuilder();
  summary.heading(
    plan.mode === 'deploy'
      ? `deploy-ecs: ${plan.service} in ${plan.cluster}`
      : `deploy-ecs: one-off task of ${plan.taskDefinition.request.family} in ${plan.cluster}`,
  );
  summary.paragraph(escapeMarkdownCell(headline(plan, result, options.error, options.dryRun)));

  const rows: string[][] = [];
  const td = plan.taskDefinition;
  rows.push([
    'Task definition',
    options.dryRun
      ? td.action === 'register'
        ? `${td.family}: a new revision would be registered`
        : `${label(td.arn)} (${td.reason})`
      : result.registered
        ? `${label(result.taskDefinitionArn)} (registered)`
        : `${label(result.taskDefinitionArn)} (reused: ${td.action === 'reuse' ? td.reason : 'unchanged'})`,
  ]);
  if (plan.mode === 'deploy') {
    const action = options.dryRun
      ? (plan.servicePlan?.action ?? (plan.codeDeploy ? 'codedeploy' : 'none'))
      : (result.serviceAction ?? 'not changed');
    rows.push([
      'Service',
      `${plan.service} (${action})${plan.consoleUrl ? ` ${summary.link('console', plan.consoleUrl)}` : ''}`,
    ]);
  }
  if (result.deploymentId !== undefined)
    rows.push(['Deployment', `${result.deploymentId}: ${result.rolloutState ?? 'started'}`]);
  if (result.rolledBack !== undefined) {
    rows.push([
      'Rollback',
      `${label(result.rolledBack.taskDefinition)} by ${result.rolledBack.by}${result.rolledBack.deploymentId ? ` (deployment ${result.rolledBack.deploymentId}: ${result.rolledBack.state ?? 'started'})` : ''}`,
    ]);
  }
  if (result.taskArn !== undefined) {
    rows.push([
      plan.oneOff?.purpose === 'before-deploy' ? 'Task before the deploy' : 'One-off task',
      `${label(result.taskArn)}${result.exitCode === undefined ? '' : `: exit ${result.exitCode}`}`,
    ]);
  }
  summary.table(['', ''], rows);

  summary.heading('Plan', 3);
  summary.list(plan.calls.map((call) => escapeMarkdownCell(call)));
  if (td.action === 'register' && td.diff.length > 0) {
    summary.details(
      `Task definition changes from ${td.comparedWith ?? 'the previous revision'}`,
      td.diff.map((d) => `- ${escapeMarkdownCell(d)}`).join('\n'),
    );
  }

  const failure = result.failure;
  if (failure !== undefined) {
    summary.heading('Why it failed', 3);
    summary.list(failure.reasons.map((r) => escapeMarkdownCell(r)));
    if (failure.stoppedTasks.length > 0) {
      summary.table(
        ['Stopped task', 'Stopped reason', 'Containers (exit code, reason)', 'Logs'],
        failure.stoppedTasks.map((task) => [
          summary.link(task.taskId.slice(0, 12), task.consoleUrl),
          task.stoppedReason ?? task.stopCode ?? '',
          task.containers.map((c) => describeContainer(c, task.stoppedReason)).join('; '),
          task.containers
            .filter((c) => c.logUrl !== undefined)
            .map((c) => summary.link(c.name, c.logUrl ?? ''))
            .join(' '),
        ]),
      );
    }
  }
  if (result.events.length > 0) {
    const recent = result.events.slice(-30);
    summary.details(
      `Service events (${result.events.length})`,
      recent.map((event) => `- ${escapeMarkdownCell(event)}`).join('\n'),
    );
  }
  return summary.toMarkdown();
}
