import { loadCatalog } from '../../src/catalog/load-catalog.js';
import { estimate } from '../../src/estimate/estimate.js';
import { renderTable } from '../../src/render/table.js';
import { container, kube } from '../platforms/make-workload.js';
import { tableReport } from './fixtures.js';

describe('renderTable', () => {
  it('renders a fixed-width table, totals, the cheapest platform, assumptions, warnings and errors', () => {
    expect(renderTable(tableReport())).toBe(
      [
        'Monthly cost estimate (730 h a month, USD list prices, catalog 2026-10-02)',
        '',
        'WORKLOAD             PLATFORM          BILLED SIZE      REPLICAS              MONTHLY',
        '-------------------  ----------------  ---------------  --------  -------------------',
        'Deployment shop/web  ecs-fargate       0.5 vCPU / 1 GB       2-4  $36.04 (max $72.08)',
        '                     ecs-fargate-spot  0.5 vCPU / 1 GB                            n/a',
        '',
        'PLATFORM          REGION     CLUSTER FEE   TOTAL',
        '----------------  ---------  -----------  ------  ------------',
        'ecs-fargate       us-east-1        $0.00  $36.04  <- cheapest',
        'ecs-fargate-spot  us-east-1        $0.00     n/a  1 not priced',
        '',
        'Cheapest: ecs-fargate at $36.04 a month.',
        '',
        'Assumptions:',
        '- Monthly cost = 730 hours.',
        '',
        'Warnings:',
        '- Deployment shop/web (k8s/web.yaml:4): HPA web: minReplicas 2, maxReplicas 4',
        '- Deployment shop/web on ecs-fargate-spot: Fargate Spot price unconfirmed: read the live feed (refresh-prices)',
        '',
        'Errors:',
        '- k8s/bad.yaml:3: not a YAML mapping',
        '',
      ].join('\n'),
    );
  });

  it('says when nothing was priced', () => {
    const report = { ...tableReport(), workloads: [], totals: [], cheapest: null, errors: [] };
    expect(renderTable(report)).toBe(
      [
        'Monthly cost estimate (730 h a month, USD list prices, catalog 2026-10-02)',
        '',
        'No workloads to price.',
        '',
        'Assumptions:',
        '- Monthly cost = 730 hours.',
        '',
      ].join('\n'),
    );
  });

  it('renders a real estimate with GiB for Google platforms and GB for AWS', () => {
    const text = renderTable(
      estimate(
        [kube({ name: 'web', containers: [container({ cpu: 0.5, memoryMiB: 1024 })] })],
        {},
        loadCatalog(),
      ),
    );
    expect(text).toMatch(/Deployment web +ecs-fargate +0\.5 vCPU \/ 1 GB +1 +\$18\.02/);
    expect(text).toMatch(/gke-autopilot +0\.5 vCPU \/ 1 GiB +\$19\.84/);
    expect(text).toContain('- Monthly cost = 730 hours');
    expect(text).toContain('Cheapest: ecs-fargate at $18.02 a month.');
  });
});
