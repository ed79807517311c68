// Imported first by the integration suites: Powertools reads these when the handler module is
// loaded, so they must be set before it is imported (ESM evaluates imports in order).
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
process.env.POWERTOOLS_DEV = 'true';
