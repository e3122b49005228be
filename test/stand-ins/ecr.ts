// A minimal Amazon ECR control plane over AWS JSON 1.1: enough for login, repository set-up and lifecycle
// policies. Shapes follow https://docs.aws.amazon.com/AmazonECR/latest/APIReference/ (timestamps travel as epoch
// seconds, as the JSON protocols encode them).
import { randomBytes } from 'node:crypto';
import { AwsError, AwsJsonStandIn } from './aws-json.js';
import type { AwsContext } from './aws-json.js';
import type { StandInOptions } from './base.js';
import type { AwsCredential } from './sigv4.js';

/** A repository as ECR sends it on the wire. */
export interface EcrRepository {
  repositoryArn: string;
  registryId: string;
  repositoryName: string;
  repositoryUri: string;
  /** Epoch seconds. */
  createdAt: number;
  imageTagMutability: string;
  imageScanningConfiguration: { scanOnPush: boolean };
  encryptionConfiguration: { encryptionType: string; kmsKey?: string };
}

/** Stand-in state of a repository: the wire shape plus what ECR keeps beside it. */
export interface EcrRepositoryState {
  repository: EcrRepository;
  tags: { Key: string; Value: string }[];
  lifecyclePolicyText: string | undefined;
}

/** A token handed out by GetAuthorizationToken. */
export interface EcrIssuedToken {
  /** The password part (the user name is always `AWS`). */
  password: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Options of the ECR stand-in. */
export interface EcrStandInOptions extends StandInOptions {
  /** The account id of the registry (default `123456789012`). */
  registryId?: string;
  region?: string;
  credentials?: AwsCredential[];
  /**
   * The registry endpoint GetAuthorizationToken names (default `https://<id>.dkr.ecr.<region>.amazonaws.com`); point
   * it at a local OCI registry to push for real.
   */
  proxyEndpoint?: string;
  /** A fixed registry password (e.g. the one in a local registry's htpasswd); random per call otherwise. */
  registryPassword?: string;
  /** Token lifetime; ECR's is 12 hours. */
  tokenTtlMs?: number;
}

const TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';
const NAME_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const TAG_MUTABILITY = ['MUTABLE', 'IMMUTABLE', 'IMMUTABLE_WITH_EXCLUSION', 'MUTABLE_WITH_EXCLUSION'];
const TWELVE_HOURS = 12 * 60 * 60 * 1000;

/**
 * An ECR stand-in: GetAuthorizationToken, CreateRepository, DescribeRepositories, PutLifecyclePolicy,
 * PutImageScanningConfiguration, PutImageTagMutability.
 */
export class EcrStandIn extends AwsJsonStandIn {
  /** The account id of the registry. */
  readonly registryId: string;
  /** Every token handed out, oldest first. */
  readonly issuedTokens: EcrIssuedToken[] = [];

  private readonly repositories = new Map<string, EcrRepositoryState>();
  private readonly settings: EcrStandInOptions;

  /** @param options registry identity and token settings. */
  constructor(options: EcrStandInOptions = {}) {
    super({
      ...options,
      targetPrefix: TARGET_PREFIX,
      signingName: 'ecr',
      // ECR models ServerException for its 500s; throttling comes from the AWS front end.
      serverErrorType: 'ServerException',
      throttleErrorType: 'ThrottlingException',
    });
    this.settings = options;
    this.registryId = options.registryId ?? '123456789012';
    this.on('GetAuthorizationToken', (input, ctx) => this.getAuthorizationToken(input, ctx));
    this.on('CreateRepository', (input, ctx) => this.createRepository(input, ctx));
    this.on('DescribeRepositories', (input) => this.describeRepositories(input));
    this.on('PutLifecyclePolicy', (input) => this.putLifecyclePolicy(input));
    this.on('PutImageScanningConfiguration', (input) => this.putImageScanningConfiguration(input));
    this.on('PutImageTagMutability', (input) => this.putImageTagMutability(input));
  }

  /** The registry host that repository URIs start with. */
  get registryHost(): string {
    return `${this.registryId}.dkr.ecr.${this.region}.amazonaws.com`;
  }

  /** The state of one repository, or undefined. */
  repository(name: string): EcrRepositoryState | undefined {
    return this.repositories.get(name);
  }

  /** Creates a repository directly, as if it existed before the test. */
  seedRepository(
    name: string,
    settings: { imageTagMutability?: string; scanOnPush?: boolean } = {},
  ): EcrRepository {
    return this.createRepository(
      {
        repositoryName: name,
        imageTagMutability: settings.imageTagMutability,
        imageScanningConfiguration: { scanOnPush: settings.scanOnPush ?? false },
      },
      undefined,
    ).repository;
  }

  private getAuthorizationToken(input: Record<string, unknown>, ctx: AwsContext): unknown {
    const registryIds = optionalStrings(input, 'registryIds') ?? [this.registryId];
    const expiresAt = ctx.now.getTime() + (this.settings.tokenTtlMs ?? TWELVE_HOURS);
    return {
      authorizationData: registryIds.map((registryId) => {
        const password = this.settings.registryPassword ?? randomBytes(48).toString('base64');
        this.issuedTokens.push({ password, expiresAt });
        return {
          authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
          expiresAt: expiresAt / 1000,
          proxyEndpoint:
            this.settings.proxyEndpoint ?? `https://${registryId}.dkr.ecr.${this.region}.amazonaws.com`,
        };
      }),
    };
  }

  private createRepository(
    input: Record<string, unknown>,
    ctx: AwsContext | undefined,
  ): { repository: EcrRepository } {
    const name = requiredString(input, 'repositoryName');
    if (name.length < 2 || name.length > 256 || !NAME_PATTERN.test(name)) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'repositoryName' failed to satisfy constraint: 'must satisfy regular expression '${NAME_PATTERN.source.slice(1, -1)}''`,
      );
    }
    const mutability = optionalString(input, 'imageTagMutability') ?? 'MUTABLE';
    if (!TAG_MUTABILITY.includes(mutability)) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [${TAG_MUTABILITY.join(', ')}]'`,
      );
    }
    if (this.repositories.has(name)) {
      throw new AwsError(
        'RepositoryAlreadyExistsException',
        `The repository with name '${name}' already exists in the registry with id '${this.registryId}'`,
      );
    }
    const scanning = input['imageScanningConfiguration'];
    const scanOnPush = isRecord(scanning) && scanning['scanOnPush'] === true;
    const encryption = input['encryptionConfiguration'];
    const encryptionType =
      isRecord(encryption) && typeof encryption['encryptionType'] === 'string'
        ? encryption['encryptionType']
        : 'AES256';
    const kmsKey =
      isRecord(encryption) && typeof encryption['kmsKey'] === 'string' ? encryption['kmsKey'] : undefined;
    const tags = Array.isArray(input['tags']) ? (input['tags'] as { Key: string; Value: string }[]) : [];
    const now = ctx?.now ?? this.clock.date();
    const repository: EcrRepository = {
      repositoryArn: `arn:aws:ecr:${this.region}:${this.registryId}:repository/${name}`,
      registryId: this.registryId,
      repositoryName: name,
      repositoryUri: `${this.registryHost}/${name}`,
      createdAt: now.getTime() / 1000,
      imageTagMutability: mutability,
      imageScanningConfiguration: { scanOnPush },
      encryptionConfiguration: kmsKey === undefined ? { encryptionType } : { encryptionType, kmsKey },
    };
    this.repositories.set(name, { repository, tags: [...tags], lifecyclePolicyText: undefined });
    return { repository };
  }

  private describeRepositories(input: Record<string, unknown>): unknown {
    this.checkRegistry(input);
    const names = optionalStrings(input, 'repositoryNames');
    const maxResults = input['maxResults'];
    if (names !== undefined) {
      if (maxResults !== undefined) {
        throw new AwsError('InvalidParameterException', 'maxResults can not be used with repositoryNames.');
      }
      return { repositories: names.map((name) => this.existing(name).repository) };
    }
    const all = [...this.repositories.values()].map((state) => state.repository);
    const limit = typeof maxResults === 'number' ? maxResults : 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'maxResults' failed to satisfy constraint: 'Member must have value less than or equal to 1000'`,
      );
    }
    const token = optionalString(input, 'nextToken');
    const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64').toString('utf8'));
    if (!Number.isInteger(start) || start < 0)
      throw new AwsError('InvalidParameterException', 'Invalid NextToken');
    const page = all.slice(start, start + limit);
    const next =
      start + limit < all.length ? Buffer.from(String(start + limit)).toString('base64') : undefined;
    return next === undefined ? { repositories: page } : { repositories: page, nextToken: next };
  }

  private putLifecyclePolicy(input: Record<string, unknown>): unknown {
    this.checkRegistry(input);
    const state = this.existing(requiredString(input, 'repositoryName'));
    const text = requiredString(input, 'lifecyclePolicyText');
    let policy: unknown;
    try {
      policy = JSON.parse(text);
    } catch {
      policy = undefined;
    }
    if (!isRecord(policy) || !Array.isArray(policy['rules'])) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'LifecyclePolicyText' failed to satisfy constraint: 'Lifecycle policy validation failure: object has missing required properties (["rules"])'`,
      );
    }
    state.lifecyclePolicyText = text;
    return {
      registryId: this.registryId,
      repositoryName: state.repository.repositoryName,
      lifecyclePolicyText: text,
    };
  }

  // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageScanningConfiguration.html
  private putImageScanningConfiguration(input: Record<string, unknown>): unknown {
    this.checkRegistry(input);
    const state = this.existing(requiredString(input, 'repositoryName'));
    const scanning = input['imageScanningConfiguration'];
    if (!isRecord(scanning)) {
      throw new AwsError(
        'InvalidParameterException',
        `1 validation error detected: Value null at 'imageScanningConfiguration' failed to satisfy constraint: Member must not be null`,
      );
    }
    state.repository.imageScanningConfiguration = { scanOnPush: scanning['scanOnPush'] === true };
    return {
      registryId: this.registryId,
      repositoryName: state.repository.repositoryName,
      imageScanningConfiguration: state.repository.imageScanningConfiguration,
    };
  }

  // https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_PutImageTagMutability.html
  private putImageTagMutability(input: Record<string, unknown>): unknown {
    this.checkRegistry(input);
    const state = this.existing(requiredString(input, 'repositoryName'));
    const mutability = requiredString(input, 'imageTagMutability');
    if (!TAG_MUTABILITY.includes(mutability)) {
      throw new AwsError(
        'InvalidParameterException',
        `Invalid parameter at 'imageTagMutability' failed to satisfy constraint: 'Member must satisfy enum value set: [${TAG_MUTABILITY.join(', ')}]'`,
      );
    }
    state.repository.imageTagMutability = mutability;
    return {
      registryId: this.registryId,
      repositoryName: state.repository.repositoryName,
      imageTagMutability: mutability,
    };
  }

  private checkRegistry(input: Record<string, unknown>): void {
    const registryId = optionalString(input, 'registryId');
    if (registryId !== undefined && registryId !== this.registryId) {
      const name =
        optionalString(input, 'repositoryName') ?? optionalStrings(input, 'repositoryNames')?.[0] ?? '';
      throw new AwsError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${registryId}'`,
      );
    }
  }

  private existing(name: string): EcrRepositoryState {
    const state = this.repositories.get(name);
    if (state === undefined) {
      throw new AwsError(
        'RepositoryNotFoundException',
        `The repository with name '${name}' does not exist in the registry with id '${this.registryId}'`,
      );
    }
    return state;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredString(input: Record<string, unknown>, member: string): string {
  const value = input[member];
  if (typeof value !== 'string') {
    throw new AwsError(
      'InvalidParameterException',
      `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(input: Record<string, unknown>, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw new AwsError('SerializationException', `Unexpected value for '${member}'`);
  return value;
}

function optionalStrings(input: Record<string, unknown>, member: string): string[] | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new AwsError('SerializationException', `Unexpected value for '${member}'`);
  }
  return value as string[];
}
