// The one-line account of what the summariser spent, for the CLI's closing line and the
// extension's log.

import type { SummaryUsage } from '../types.js';

export function formatUsage(usage: SummaryUsage): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  const cost =
    usage.estimatedCostUsd === null
      ? 'cost unknown'
      : `~$${usage.estimatedCostUsd < 0.01 ? usage.estimatedCostUsd.toFixed(4) : usage.estimatedCostUsd.toFixed(2)}`;
  return `LLM: ${n(usage.calls)} calls, ${n(usage.cachedThreads)} cached threads, ${n(usage.promptTokens)} prompt + ${n(usage.completionTokens)} completion tokens, ${cost}`;
}
