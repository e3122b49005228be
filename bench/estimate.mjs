#!/usr/bin/env node
// Estimate throughput: 10,000 generated workload documents (Deployments with HPAs, StatefulSets, CronJobs, ECS
// task definitions, Cloud Run services), extracted and priced in memory the way `slipway estimate` does it
// (priceCollected: extractWorkloads + estimate), start-up excluded. The library is bundled once with ncc into
// bench/.out (as the CLI is bundled); after a warm-up it is timed with performance.now() over several rounds, and
// the median round gives documents per second. Next to it: the first round before any warm-up (what a single
// `slipway estimate` run of these files spends past start-up) and the cold start of the CLI bundle on the examples.
// Usage: node scripts/with-node24.mjs bench/estimate.mjs [--docs 10000] [--rounds 9] [--warmup 5] [--json] [--profile]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'bench', '.out', 'estimate');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const DOCS = option('--docs', 10_000);
const ROUNDS = option('--rounds', 9);
const TARGET = 20_000;
const WARMUP_ROUNDS = option('--warmup', 5);
const WARMUP_MS = 2_000;

/** Bundles the CLI's pricing path (the same sources the `slipway` bundle holds) into bench/.out. */
async function buildLibrary(minify) {
  mkdirSync(out, { recursive: true });
  const entry = join(out, 'entry.mjs');
  writeFileSync(
    entry,
    "export { priceCollected } from '@slipway/cli';\nexport { extractWorkloads, estimate } from '@slipway/pricing';\n",
  );
  const ncc = require('@vercel/ncc');
  // Type checking is `npm run typecheck`'s job; a benchmark only needs the code.
  const { code } = await ncc(entry, {
    minify,
    quiet: true,
    target: 'es2022',
    cache: false,
    transpileOnly: true,
  });
  const file = join(out, 'library.mjs');
  writeFileSync(file, code);
  return file;
}

// Deterministic variety: sizes and counts cycle through small tables rather than a random generator.
const CPUS = ['100m', '250m', '500m', '1', '1500m', '2'];
const MEMS = ['128Mi', '256Mi', '512Mi', '1Gi', '2Gi', '3G'];
const TASK_SIZES = [
  ['256', '512'],
  ['512', '1024'],
  ['1024', '2048'],
  ['2048', '4096'],
  ['1 vCPU', '3 GB'],
];
const SCHEDULES = ['*/5 * * * *', '0 * * * *', '30 2 * * *', '0 */6 * * *', '15 3 * * 1'];

function container(i, name) {
  return `        - name: ${name}
          image: registry.example.com/team/${name}:${i % 97}
          ports:
            - containerPort: ${8000 + (i % 50)}
          env:
            - name: LOG_LEVEL
              value: info
          resources:
            requests:
              cpu: ${CPUS[i % CPUS.length]}
              memory: ${MEMS[i % MEMS.length]}
            limits:
              memory: ${MEMS[i % MEMS.length]}
`;
}

function deploymentWithHpa(i) {
  const name = `web-${i}`;
  return [
    `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: team-${i % 13}
  labels:
    app.kubernetes.io/name: ${name}
spec:
  replicas: ${1 + (i % 4)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
${container(i, 'app')}${i % 3 === 0 ? container(i + 2, 'proxy') : ''}`,
    `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
  namespace: team-${i % 13}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: ${2 + (i % 3)}
  maxReplicas: ${6 + (i % 5)}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
`,
  ];
}

function statefulSet(i) {
  return `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-${i}
  namespace: data
spec:
  serviceName: db-${i}
  replicas: ${1 + (i % 3)}
  template:
    spec:
      initContainers:
        - name: init
          image: busybox:1.36
          command: ["sh", "-c", "echo init"]
          resources:
            requests: { cpu: 50m, memory: 64Mi }
      containers:
${container(i, 'db')}  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: ${1 + (i % 20)}Gi
`;
}

function cronJob(i) {
  return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: job-${i}
  annotations:
    slipway.dev/run-duration: ${1 + (i % 30)}m
spec:
  schedule: "${SCHEDULES[i % SCHEDULES.length]}"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
${container(i, 'task').replace(/^ {8}/gm, '            ')}`;
}

function cloudRunService(i) {
  return `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: svc-${i}
  labels:
    cloud.googleapis.com/location: us-central1
spec:
  template:
    metadata:
      annotations:
        autoscaling.knative.dev/minScale: "${i % 3}"
        autoscaling.knative.dev/maxScale: "${10 + (i % 90)}"
        run.googleapis.com/cpu-throttling: "${i % 2 === 0 ? 'true' : 'false'}"
    spec:
      containerConcurrency: 80
      containers:
        - image: us-docker.pkg.dev/project/images/svc-${i}:1
          resources:
            limits:
              cpu: "${1 + (i % 2)}"
              memory: ${['512Mi', '1Gi', '2Gi'][i % 3]}
`;
}

function taskDefinition(i) {
  const [cpu, memory] = TASK_SIZES[i % TASK_SIZES.length];
  return JSON.stringify(
    {
      family: `task-${i}`,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu,
      memory,
      runtimePlatform: { cpuArchitecture: i % 4 === 0 ? 'ARM64' : 'X86_64', operatingSystemFamily: 'LINUX' },
      containerDefinitions: [
        {
          name: `app-${i}`,
          image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/app:${i}`,
          essential: true,
          portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
          environment: [{ name: 'MODE', value: 'prod' }],
        },
        {
          name: 'log-router',
          image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
          essential: false,
        },
      ],
    },
    null,
    2,
  );
}

/**
 * About `docs` documents: multi-document YAML files of up to 10 documents (a Deployment and its HPA are two),
 * and one JSON file per ECS task definition. Returns the files and the exact document count.
 */
export function generate(docs) {
  const files = [];
  let count = 0;
  let yaml = [];
  let fileNo = 0;
  const flush = () => {
    if (yaml.length === 0) return;
    files.push({ path: `k8s/file-${fileNo++}.yaml`, text: yaml.join('---\n') });
    yaml = [];
  };
  for (let i = 0; count < docs; i++) {
    const kind = i % 5;
    if (kind === 0 && count + 2 <= docs) {
      yaml.push(...deploymentWithHpa(i));
      count += 2;
    } else if (kind === 1) {
      yaml.push(statefulSet(i));
      count += 1;
    } else if (kind === 2) {
      yaml.push(cronJob(i));
      count += 1;
    } else if (kind === 3) {
      files.push({ path: `ecs/task-${i}.json`, text: taskDefinition(i) });
      count += 1;
    } else {
      yaml.push(cloudRunService(i));
      count += 1;
    }
    if (yaml.length >= 10) flush();
  }
  flush();
  return { files, count };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Cold start of the CLI bundle on examples/ (spawn to exit), median of a few runs. */
function coldStart(runs = 5) {
  const bin = join(root, 'packages', 'cli', 'dist', 'slipway.js');
  if (!existsSync(bin)) return undefined;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bin, 'estimate', 'examples/'], { cwd: root, stdio: 'ignore' });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`slipway estimate examples/ exited ${r.status}`);
  }
  const floor = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    floor.push(performance.now() - t0);
  }
  return { ms: median(times), nodeMs: median(floor) };
}

async function main() {
  // Profiling wants readable function names; timing wants the code as the CLI ships it (minified).
  const library = await buildLibrary(!args.includes('--profile'));
  const { priceCollected, extractWorkloads, estimate } = await import(pathToFileURL(library).href);
  const { files, count } = generate(DOCS);
  const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
  const collected = { files, errors: [], skipped: [], namespaces: {} };

  // The first round is what one `slipway estimate` run of these files spends past start-up: V8 has compiled
  // nothing yet. Reported on its own, not in the throughput.
  const t0 = performance.now();
  const warm = priceCollected(collected, {});
  const firstMs = performance.now() - t0;
  if (warm.errors.length > 0)
    throw new Error(`generated specs have errors: ${JSON.stringify(warm.errors[0])}`);
  // Warm-up until V8 has tiered the hot paths up (Sparkplug, Maglev, then TurboFan, compiled on another
  // thread) and the heap has grown to its working size: measured here, rounds 2 to 5 still run 1.2–2.5× slower
  // than the rounds after them. At least WARMUP_ROUNDS rounds and WARMUP_MS; then timed rounds.
  let warmupRounds = 1;
  const warmupStart = performance.now();
  while (warmupRounds < WARMUP_ROUNDS || performance.now() - warmupStart < WARMUP_MS) {
    priceCollected(collected, {});
    warmupRounds++;
  }
  // Each timed round prices the files once as the CLI does, then once more split in two, to tell where the time
  // goes. Interleaved, so a busier moment of the machine weighs on both alike.
  const total = [];
  const extractMs = [];
  const estimateMs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    priceCollected(collected, {});
    total.push(performance.now() - t0);
    const t1 = performance.now();
    const extracted = extractWorkloads(files);
    const t2 = performance.now();
    estimate(extracted, {});
    estimateMs.push(performance.now() - t2);
    extractMs.push(t2 - t1);
  }
  const ms = median(total);
  const docsPerSecond = Math.round((count / ms) * 1000);
  const cold = coldStart();
  const result = {
    documents: count,
    files: files.length,
    megabytes: Number((bytes / 1e6).toFixed(2)),
    workloads: warm.workloads.length,
    rounds: ROUNDS,
    warmupRounds,
    firstRoundMs: Number(firstMs.toFixed(1)),
    medianMs: Number(ms.toFixed(1)),
    extractMedianMs: Number(median(extractMs).toFixed(1)),
    estimateMedianMs: Number(median(estimateMs).toFixed(1)),
    docsPerSecond,
    target: TARGET,
    meetsTarget: docsPerSecond > TARGET,
    coldStartMs: cold ? Number(cold.ms.toFixed(0)) : null,
    nodeStartMs: cold ? Number(cold.nodeMs.toFixed(0)) : null,
    node: process.version,
    bundleBytes: statSync(library).size,
  };
  if (args.includes('--json')) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    console.log(
      `estimate throughput (${process.version}, start-up and JIT warm-up excluded, median of ${ROUNDS} rounds)`,
    );
    console.log(
      `  input        ${count} documents in ${files.length} files (${result.megabytes} MB) → ${result.workloads} workloads`,
    );
    console.log(
      `  round        ${result.medianMs} ms = extract ${result.extractMedianMs} ms + estimate ${result.estimateMedianMs} ms`,
    );
    console.log(
      `  throughput   ${docsPerSecond.toLocaleString('en-US')} documents/s (target > ${TARGET.toLocaleString('en-US')}: ${result.meetsTarget ? 'met' : 'NOT met'})`,
    );
    console.log(
      `  first round  ${result.firstRoundMs} ms before any warm-up (${Math.round((count / firstMs) * 1000).toLocaleString('en-US')} documents/s: one CLI run), then ${warmupRounds} warm-up rounds`,
    );
    if (cold) {
      console.log(
        `  cold start   slipway estimate examples/: ${result.coldStartMs} ms (node -e 0: ${result.nodeStartMs} ms)`,
      );
    } else {
      console.log('  cold start   packages/cli/dist/slipway.js not built (npm run build): skipped');
    }
  }
  if (args.includes('--profile')) {
    const { Session } = await import('node:inspector/promises');
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    for (let i = 0; i < 3; i++) priceCollected(collected, {});
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(join(out, 'estimate.cpuprofile'), JSON.stringify(profile));
    const self = new Map();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    profile.samples.forEach((id, i) => {
      const { functionName, url, lineNumber } = byId.get(id).callFrame;
      // The profiler's own call into the inspector is not the code under test.
      if (url.startsWith('node:inspector') || functionName === '(idle)' || functionName === '(program)')
        return;
      const key = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
    });
    const totalUs = [...self.values()].reduce((a, b) => a + b, 0);
    console.log(
      `  hot spots (self time over 3 rounds, ${(totalUs / 1000).toFixed(0)} ms; unminified bundle ${library}):`,
    );
    for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
      console.log(
        `    ${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 3000).toFixed(1).padStart(7)} ms/round  ${key}`,
      );
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
