import { UsageError, parseCommandLine } from '../src/args.js';

describe('parseCommandLine', () => {
  it.each([
    [[], { command: 'help' }],
    [['--help'], { command: 'help' }],
    [['--version'], { command: 'version' }],
    [['help', 'estimate'], { command: 'help', topic: 'estimate' }],
    [['estimate', '--help'], { command: 'help', topic: 'estimate' }],
    [['estimate'], { command: 'estimate', paths: ['.'], json: false, freeTier: false }],
    [
      ['estimate', 'examples/', '--json', '--region', 'eu-west-1'],
      { command: 'estimate', paths: ['examples/'], json: true, freeTier: false, region: 'eu-west-1' },
    ],
    [
      ['estimate', '--platform', 'ecs-fargate', '--platform', 'cloud-run,gke-autopilot', 'a.yaml', 'b.json'],
      {
        command: 'estimate',
        paths: ['a.yaml', 'b.json'],
        json: false,
        freeTier: false,
        platforms: ['ecs-fargate', 'cloud-run', 'gke-autopilot'],
      },
    ],
    [
      [
        'estimate',
        '--base',
        'origin/main',
        '--free-tier',
        '--requests',
        '2000000',
        '--request-seconds',
        '0.25',
        'k8s',
      ],
      {
        command: 'estimate',
        paths: ['k8s'],
        json: false,
        freeTier: true,
        base: 'origin/main',
        requestsPerMonth: 2_000_000,
        requestSeconds: 0.25,
      },
    ],
    [
      ['estimate', '--region=us-west-2', '.'],
      { command: 'estimate', paths: ['.'], json: false, freeTier: false, region: 'us-west-2' },
    ],
    [['refresh-prices'], { command: 'refresh-prices' }],
    [
      ['refresh-prices', '--from-dir', 'fixtures', '--out', 'catalog.json'],
      { command: 'refresh-prices', fromDir: 'fixtures', out: 'catalog.json' },
    ],
  ])('%j', (argv, expected) => {
    expect(parseCommandLine(argv)).toEqual(expected);
  });

  it.each([
    [['estimat'], 'unknown command `estimat` (commands: estimate, refresh-prices, help)'],
    [['--frobnicate'], 'unknown option `--frobnicate` (commands: estimate, refresh-prices, help)'],
    [['estimate', '--frobnicate'], 'unknown option `--frobnicate`'],
    [['estimate', '--region'], '--region needs a value'],
    [['estimate', '--region', ''], '--region needs a value'],
    [['estimate', '--platform', ','], '--platform needs a platform name'],
    [['estimate', '--requests', '-5'], '--requests needs a value (write --requests=VALUE)'],
    [['estimate', '--requests=-5'], '--requests must be a whole number, got `-5`'],
    [['estimate', '--requests', '1.5'], '--requests must be a whole number, got `1.5`'],
    [['estimate', '--requests', 'lots'], '--requests must be a whole number, got `lots`'],
    [['estimate', '--request-seconds', '0'], '--request-seconds must be more than 0, got `0`'],
    [['estimate', '--request-seconds', 'abc'], '--request-seconds must be a number, got `abc`'],
    [['estimate', '--base=-x'], '--base needs a git revision, got `-x`'],
    [['refresh-prices', 'extra'], 'refresh-prices takes no paths, got `extra`'],
    [['estimate', '--json=yes'], "Option '--json' does not take an argument"],
  ])('%j fails with %s', (argv, message) => {
    let caught: unknown;
    try {
      parseCommandLine(argv);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toBe(message);
    expect((caught as Error).message).not.toContain('\n');
  });
});
