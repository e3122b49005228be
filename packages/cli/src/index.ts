/**
 * `@slipway/cli` as a library: the file collection, git revision reading and pricing glue that the `slipway`
 * command and the estimate-cost action share.
 */
export { USAGE, UsageError, parseCommandLine } from './args.js';
export type { Command, EstimateCommand, InfoCommand, RefreshPricesCommand } from './args.js';
export { runCli, VERSION } from './cli.js';
export type { CliEnvironment } from './cli.js';
export { collectSpecs, expandPaths } from './collect.js';
export type { CollectOptions, CollectResult, ExpandedPaths, SpecFile } from './collect.js';
export { checkEstimateOptions, estimateOptionsOf, priceCollected, runEstimate } from './estimate-command.js';
export type { CliIo, JsonReport } from './estimate-command.js';
export { IGNORED_DIRS, joinPath, normalizePath, workingTree } from './file-tree.js';
export type { EntryType, FileTree } from './file-tree.js';
export { GitError, changedFiles, git, gitTree, resolveCommit } from './git.js';
export type { GitTree } from './git.js';
export { compileGlobs, globToRegExp, isGlob } from './glob.js';
export {
  KustomizeRefusal,
  detectKustomize,
  findKustomizationFile,
  findOnPath,
  parseKustomization,
  renderedPath,
  resolveKustomization,
} from './kustomize.js';
export type {
  Kustomization,
  KustomizeFeature,
  KustomizeRunner,
  LocatedError,
  ResolvedKustomization,
} from './kustomize.js';
export {
  CATALOG_PATH,
  classifySources,
  findCatalogFile,
  runRefreshPrices,
} from './refresh-prices-command.js';
export type { RefreshIo } from './refresh-prices-command.js';
export { renderDiffText } from './render-diff.js';
export { hasSpecExtension, isKnownNonSpecName, isKustomizationFile, notSpecReason } from './spec-detect.js';
export type { NotSpecReason } from './spec-detect.js';
