/**
 * The Performance Efficiency pillar of the AWS Well-Architected Framework: its five questions and every best practice,
 * with the ids, titles and question text of the framework's pages under
 * https://docs.aws.amazon.com/wellarchitected/latest/framework/ (perf-01.html .. perf-05.html and each practice's page;
 * read December 2026). The PERF01..PERF05 structure is the one the framework has used since its 2023-10-03 release;
 * later releases reworded some titles, so PILLAR_VERSION says which text this is.
 */
export const PILLAR_VERSION =
  'AWS Well-Architected Framework, Performance Efficiency pillar, "latest" pages as of 2026-12 (structure of the 2023-10-03 release)'

const FRAMEWORK = 'https://docs.aws.amazon.com/wellarchitected/latest/framework'

interface BestPracticeDef {
  /** PERF02-BP03 */
  id: string
  title: string
  /** The practice's own page, where its slug is known; else the question's page. */
  url: string
}

export interface QuestionDef {
  /** PERF02 */
  id: string
  title: string
  url: string
  bestPractices: readonly BestPracticeDef[]
}

const q = (n: number, title: string, practices: readonly [string, string | null][]): QuestionDef => {
  const id = `PERF0${n}`
  const url = `${FRAMEWORK}/perf-0${n}.html`
  return {
    id,
    title,
    url,
    bestPractices: practices.map(([t, slug], i) => ({ id: `${id}-BP0${i + 1}`, title: t, url: slug ? `${FRAMEWORK}/${slug}.html` : url })),
  }
}

export const QUESTIONS: readonly QuestionDef[] = [
  q(1, 'How do you select appropriate cloud resources and architecture for your workload?', [
    ['Learn about and understand available cloud services and features', 'perf_architecture_understand_cloud_services_and_features'],
    [
      'Use guidance from your cloud provider or an appropriate partner to learn about architecture patterns and best practices',
      'perf_architecture_guidance_architecture_patterns_best_practices',
    ],
    ['Factor cost into architectural decisions', 'perf_architecture_factor_cost_into_architectural_decisions'],
    ['Evaluate how trade-offs impact customers and architecture efficiency', 'perf_architecture_evaluate_trade_offs'],
    ['Use policies and reference architectures', 'perf_architecture_use_policies_and_reference_architectures'],
    ['Use benchmarking to drive architectural decisions', 'perf_architecture_use_benchmarking'],
    ['Use a data-driven approach for architectural choices', 'perf_architecture_use_data_driven_approach'],
  ]),
  q(2, 'How do you select and use compute resources in your workload?', [
    ['Select the best compute options for your workload', 'perf_compute_hardware_select_best_compute_options'],
    ['Understand the available compute configuration and features', 'perf_compute_hardware_understand_compute_configuration_features'],
    ['Collect compute-related metrics', 'perf_compute_hardware_collect_compute_related_metrics'],
    ['Configure and right-size compute resources', 'perf_compute_hardware_configure_and_right_size_compute_resources'],
    ['Scale your compute resources dynamically', 'perf_compute_hardware_scale_compute_resources_dynamically'],
    ['Use optimized hardware-based compute accelerators', 'perf_compute_hardware_compute_accelerators'],
  ]),
  q(3, 'How do you store, manage, and access data in your workload?', [
    ['Use a purpose-built data store that best supports your data access and storage requirements', 'perf_data_use_purpose_built_data_store'],
    ['Evaluate available configuration options for data store', 'perf_data_evaluate_configuration_options_data_store'],
    ['Collect and record data store performance metrics', 'perf_data_collect_record_data_store_performance_metrics'],
    ['Implement strategies to improve query performance in data store', 'perf_data_implement_strategies_to_improve_query_performance'],
    ['Implement data access patterns that utilize caching', 'perf_data_access_patterns_caching'],
  ]),
  q(4, 'How do you select and configure networking resources in your workload?', [
    ['Understand how networking impacts performance', null],
    ['Evaluate available networking features', null],
    ['Choose appropriate dedicated connectivity or VPN for your workload', null],
    ['Use load balancing to distribute traffic across multiple resources', null],
    ['Choose network protocols to improve performance', null],
    ["Choose your workload's location based on network requirements", null],
    ['Optimize network configuration based on metrics', null],
  ]),
  q(5, 'How do your organizational practices and culture contribute to performance efficiency in your workload?', [
    ['Establish key performance indicators (KPIs) to measure workload health and performance', null],
    ['Use monitoring solutions to understand the areas where performance is most critical', null],
    ['Define a process to improve workload performance', null],
    ['Load test your workload', 'perf_process_culture_load_test'],
    ['Use automation to proactively remediate performance-related issues', null],
    ['Keep your workload and services up-to-date', null],
    ['Review metrics at regular intervals', 'perf_process_culture_review_metrics'],
  ]),
]

export const BEST_PRACTICE_IDS: readonly string[] = QUESTIONS.flatMap((x) => x.bestPractices.map((b) => b.id))
