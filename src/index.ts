/**
 * headroom's library entry. Everything a CI script or another tool needs to run the same pipeline as the CLI.
 * @example
 * const config = resolveConfig({ cwd: process.cwd() })
 * const store = await DuckDbStore.open(config.workspace, { readOnly: true })
 * const report = await analyzeWorkspace({ reader: store, catalog: loadWorkspaceCatalog(config.workspace), config, now: Date.now() })
 */
export { VERSION } from './core/version.js'
export { EXIT, EXIT_CODE_TABLE, type ExitCode } from './core/exit-codes.js'
export { ToolError, InputError, UsageError, type ErrorCode, type InputLocation } from './core/errors.js'
export { METRICS, METRIC_NAMES, METRIC_ALIASES, STATISTICS, type MetricName, type Statistic } from './core/metrics.js'
export {
  REPORT_SCHEMA_VERSION,
  ReportSchema,
  RecommendationSchema,
  ScalingReportSchema,
  type ScalingReport,
  type Report,
  type Recommendation,
  type RecommendationOption,
  type DimensionAssessment,
  type Evidence,
  type Finding,
  type PerformanceRisk,
  type ResourceRef,
  type ResourceKind,
  type Issue,
  type TimeWindow,
} from './core/report.js'
export { reportJsonSchema } from './core/json-schema.js'
export { DuckDbStore, type MergeResult } from './store/duckdb/store.js'
export type {
  UsageSummary,
  MetricUsage,
  DailyUsage,
  UsageQuery,
  MetricReader,
  WorkspaceReader,
  StoredCoRecommendation,
  GroupLoad,
  GroupLoadReader,
  SeriesWriter,
  AwsRunStore,
} from './store/types.js'
export { analyzeWorkspace, type AnalyzeWorkspaceInput } from './app/analyze.js'
export { simulateScaling, readPolicyFiles, type SimulateScalingInput } from './app/simulate.js'
export { simulateCache, cacheMeasurementOf, type NodePricing } from './app/simulate-cache.js'
export { CacheReportSchema, type CacheReport } from './simulators/cache/result.js'
export { reviewWorkspace, readAnswers, type ReviewWorkspaceInput } from './app/review.js'
export { ReviewSchema, AnswersSchema, answersJsonSchema, type Review, type Answers } from './review/review.js'
export { performanceLens, lensAnswers, LensSchema, type Lens } from './review/lens.js'
export { collectAws, type CollectAwsOptions, type CollectAwsResult, type CollectAwsEvent, type CollectAwsPlan } from './app/collect-aws.js'
export { updateCatalog } from './app/catalog-update.js'
export { collectPrometheus, parsePromHeaders, type CollectPrometheusOptions, type CollectPrometheusResult } from './app/collect-prometheus.js'
export { sdkApis, type AwsApis } from './sources/aws/clients.js'
export {
  resolveConfig,
  readConfigFile,
  findConfigFile,
  configRows,
  ConfigFileSchema,
  configJsonSchema,
  CONFIG_FILE_NAMES,
  type ResolvedConfig,
  type ConfigFile,
  type ConfigFlags,
} from './app/config.js'
export {
  resolveAnalyzerOptions,
  SHARED_OPTIONS,
  ANALYZER_IDS,
  type AnalyzerOptionsMap,
  type AnalyzerOptionsInput,
  type SharedOptions,
} from './analyzers/options.js'
export { importFiles, type FileImportOptions, type FileImportResult } from './store/duckdb/import-files.js'
export { catalogChecks } from './app/import-checks.js'
export { loadCatalog, loadWorkspaceCatalog, readCatalogFile, loadServiceCatalogs } from './catalog/load.js'
export { buildServiceCatalogs, type ServiceCatalogs, type ServiceCatalogFiles } from './catalog/services.js'
export { buildCatalog, queryCatalog, HOURS_PER_MONTH, type Catalog, type CatalogFilter } from './catalog/catalog.js'
export type { InstanceType, CatalogFile } from './catalog/types.js'
export { runAnalysis, summarize, parseFailOn, gateHits, type AnalysisOptions } from './analyzers/run.js'
export { ec2Rightsize, Ec2RightsizeOptionsSchema, type Ec2RightsizeOptions } from './analyzers/ec2-rightsize/index.js'
export { taEc2 } from './analyzers/ta-ec2/index.js'
export { ANALYZERS } from './analyzers/registry.js'
export { defineAnalyzer, type Analyzer, type AnalyzerMeta, type AnalyzerInput, type AnalyzerOutput, type Presenter } from './analyzers/types.js'
export { renderDocument, REPORT_FORMATS, REPORT_PAGES, type ReportFormat, type RenderOptions } from './reporters/registry.js'
export { reportSeries, requireData, type DisplaySeriesReader } from './app/report.js'
export type { DisplaySeries } from './store/types.js'
export { renderTerminal, renderMarkdown } from './reporters/analysis.js'
export { renderCsv } from './reporters/csv.js'
export { renderTerminalView, renderMarkdownView, type View, type Section, type Block, type Inline, type Span, type Tone, type Align } from './reporters/view.js'
export { runLoadTest, type LoadTestOptions } from './loadtest/engine.js'
export { loadScript, parseScript, type Plan as LoadTestPlan, type ParseOptions as LoadTestParseOptions } from './loadtest/script.js'
export { LoadTestResultSchema, LOADTEST_SCHEMA_VERSION, type LoadTestResult } from './loadtest/result.js'
export { DocumentSchema, type HeadroomDocument, type DocumentKind } from './app/document.js'
export { main } from './cli/main.js'
