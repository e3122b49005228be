// Small spec texts shared by the CLI tests.

/** A Deployment with `replicas` and one container's requests. */
export function deployment(name: string, cpu = '250m', memory = '256Mi', replicas = 1): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
spec:
  replicas: ${replicas}
  template:
    spec:
      containers:
        - name: app
          image: example/${name}:1
          resources:
            requests:
              cpu: ${cpu}
              memory: ${memory}
`;
}

/** An HPA targeting Deployment `name`. */
export function hpa(name: string, min: number, max: number): string {
  return `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: ${name}
  minReplicas: ${min}
  maxReplicas: ${max}
`;
}

/** A Fargate task definition of `cpu` units and `memory` MiB. */
export function taskDefinition(family: string, cpu = '256', memory = '512'): string {
  return JSON.stringify(
    {
      family,
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu,
      memory,
      containerDefinitions: [{ name: family, image: `example/${family}:1`, essential: true }],
    },
    null,
    2,
  );
}

/** A GitHub workflow, which must never be priced. */
export const WORKFLOW = `name: ci
on:
  push:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
`;
