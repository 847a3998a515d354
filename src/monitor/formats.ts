/** What `headroom monitor --format` writes (src/monitor/render.ts); apart so the CLI lists them without loading the renderer. */
export const MONITOR_FORMATS = ['cloudformation-yaml', 'cloudformation-json', 'dashboard-json', 'terraform', 'prometheus-rules'] as const
export type MonitorFormat = (typeof MONITOR_FORMATS)[number]
