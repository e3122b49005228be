import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { SpecError, translateKnativeService } from '../../src/run/index.js';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/deploy-cloudrun/', import.meta.url));

function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

describe('translateKnativeService', () => {
  it('translates a service as gcloud exports it', () => {
    expect(translateKnativeService(fixture('service.yaml'), 'service.yaml')).toEqual({
      name: 'checkout',
      service: {
        labels: { team: 'payments' },
        ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
        template: {
          labels: { team: 'payments' },
          scaling: { minInstanceCount: 1, maxInstanceCount: 20 },
          maxInstanceRequestConcurrency: 40,
          timeout: { seconds: '120' },
          containers: [
            {
              name: 'app',
              image: 'us-docker.pkg.dev/demo-project/apps/web:placeholder',
              ports: [{ name: 'http1', containerPort: 8080 }],
              env: [{ name: 'PAYMENTS_URL', value: 'https://payments.internal/v1?region=us,eu' }],
              resources: { limits: { cpu: '2', memory: '1Gi' }, cpuIdle: false },
            },
          ],
        },
        traffic: [{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }],
      },
    });
  });

  it('maps secrets, volumes, probes, network and traffic', () => {
    const yaml = `apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: api
  annotations:
    run.googleapis.com/launch-stage: beta
    run.googleapis.com/description: The API
    example.com/owner: team-a
spec:
  template:
    metadata:
      name: api-v7
      annotations:
        run.googleapis.com/execution-environment: gen2
        run.googleapis.com/vpc-access-egress: private-ranges-only
        run.googleapis.com/network-interfaces: '[{"network":"default","subnetwork":"sub","tags":["api"]}]'
        run.googleapis.com/client-name: gcloud
    spec:
      serviceAccountName: api@p.iam.gserviceaccount.com
      containers:
        - image: api:7
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db-password
                  key: '3'
          volumeMounts:
            - name: config
              mountPath: /etc/api
          startupProbe:
            httpGet:
              path: /healthz
              port: 8080
            periodSeconds: 5
      volumes:
        - name: config
          secret:
            secretName: api-config
            items:
              - key: latest
                path: config.json
  traffic:
    - revisionName: api-v6
      percent: 90
    - latestRevision: true
      percent: 10
      tag: canary
`;
    const { name, service } = translateKnativeService(yaml, 'api.yaml');
    expect(name).toBe('api');
    expect(service).toMatchObject({
      launchStage: 'BETA',
      description: 'The API',
      annotations: { 'example.com/owner': 'team-a' },
      template: {
        revision: 'api-v7',
        executionEnvironment: 'EXECUTION_ENVIRONMENT_GEN2',
        serviceAccount: 'api@p.iam.gserviceaccount.com',
        vpcAccess: {
          egress: 'PRIVATE_RANGES_ONLY',
          networkInterfaces: [{ network: 'default', subnetwork: 'sub', tags: ['api'] }],
        },
        containers: [
          {
            image: 'api:7',
            env: [
              { name: 'DB_PASSWORD', valueSource: { secretKeyRef: { secret: 'db-password', version: '3' } } },
            ],
            volumeMounts: [{ name: 'config', mountPath: '/etc/api' }],
            startupProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5 },
          },
        ],
        volumes: [
          {
            name: 'config',
            secret: { secret: 'api-config', items: [{ path: 'config.json', version: 'latest' }] },
          },
        ],
      },
      traffic: [
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'api-v6', percent: 90 },
        { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 10, tag: 'canary' },
      ],
    });
  });

  const HEAD =
    'apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  template:\n    spec:\n      containers:\n';

  it.each([
    [
      'a quote left open (at its last line)',
      fixture('malformed-service.yaml'),
      12,
      /^invalid YAML: Missing closing "quote/,
    ],
    [
      'a field the translation does not know',
      fixture('unsupported-field-service.yaml'),
      10,
      /^spec\.template\.spec\.containers\[0\]\.imagePullPolicy: unsupported field/,
    ],
    [
      'another kind of document',
      'apiVersion: apps/v1\nkind: Deployment\n',
      1,
      /^apiVersion: must be serving\.knative\.dev\/v1/,
    ],
    [
      'memory above the limit',
      `${HEAD}        - image: x\n          resources:\n            limits:\n              memory: 40Gi\n`,
      12,
      /memory: must be between 128Mi and 32Gi/,
    ],
    [
      'a CPU Cloud Run does not offer',
      `${HEAD}        - image: x\n          resources:\n            limits:\n              cpu: '3'\n`,
      12,
      /cpu: Cloud Run offers/,
    ],
    [
      'concurrency out of range',
      `${HEAD}        - image: x\n      containerConcurrency: 5000\n`,
      10,
      /containerConcurrency: must be between 1 and 1000, got 5000/,
    ],
    [
      'two ports',
      `${HEAD}        - image: x\n          ports:\n            - containerPort: 80\n            - containerPort: 81\n`,
      12,
      /Cloud Run serves one port per container/,
    ],
    [
      'an annotation the translation does not know',
      `${HEAD}        - image: x\n    metadata:\n      annotations:\n        run.googleapis.com/gpu-type: l4\n`,
      12,
      /unsupported annotation/,
    ],
    [
      'a duplicate key',
      `${HEAD}        - image: x\n          image: y\n`,
      10,
      /^invalid YAML: Map keys must be unique/,
    ],
    [
      'no containers',
      'apiVersion: serving.knative.dev/v1\nkind: Service\nspec:\n  template:\n    spec:\n      containers: []\n',
      6,
      /lists no container/,
    ],
  ])('refuses %s, naming the line', (_what, text, line, message) => {
    let error: unknown;
    try {
      translateKnativeService(text, 'deploy/service.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const spec = error as SpecError;
    expect(spec.line).toBe(line);
    expect(spec.detail).toMatch(message);
    expect(spec.message.startsWith(`deploy/service.yaml:${line}: `)).toBe(true);
  });
});
