// What the summariser assumes about a model when the user does not say: its context window and,
// for the cost estimate, its list price. Prices change; they only feed an estimate shown to the
// user, and an unknown model gets no price (the cost is then reported as unknown, not as zero).

export interface ModelPricing {
  /** US dollars per million prompt tokens. */
  promptPerMTok: number;
  /** US dollars per million completion tokens. */
  completionPerMTok: number;
}

interface ModelFact {
  /** Matches the model name (lower-cased) by prefix. */
  prefix: string;
  contextTokens: number;
  pricing?: ModelPricing;
}

// Longest prefixes first so "gpt-4o-mini" wins over "gpt-4o".
const FACTS: readonly ModelFact[] = [
  { prefix: 'gpt-4o-mini', contextTokens: 128_000, pricing: { promptPerMTok: 0.15, completionPerMTok: 0.6 } },
  { prefix: 'gpt-4o', contextTokens: 128_000, pricing: { promptPerMTok: 2.5, completionPerMTok: 10 } },
  { prefix: 'gpt-4.1-mini', contextTokens: 1_000_000, pricing: { promptPerMTok: 0.4, completionPerMTok: 1.6 } },
  { prefix: 'gpt-4.1', contextTokens: 1_000_000, pricing: { promptPerMTok: 2, completionPerMTok: 8 } },
  { prefix: 'gpt-3.5-turbo', contextTokens: 16_385, pricing: { promptPerMTok: 0.5, completionPerMTok: 1.5 } },
  { prefix: 'deepseek-chat', contextTokens: 64_000, pricing: { promptPerMTok: 0.27, completionPerMTok: 1.1 } },
  { prefix: 'deepseek-reasoner', contextTokens: 64_000, pricing: { promptPerMTok: 0.55, completionPerMTok: 2.19 } },
  { prefix: 'qwen-turbo', contextTokens: 128_000 },
  { prefix: 'qwen-plus', contextTokens: 128_000 },
  { prefix: 'qwen-max', contextTokens: 32_000 },
  { prefix: 'qwen', contextTokens: 32_000 },
  { prefix: 'llama', contextTokens: 8_192 },
];

/** Context window assumed for a model nobody described: small enough for most local servers. */
export const DEFAULT_CONTEXT_TOKENS = 16_384;

function factOf(model: string): ModelFact | undefined {
  const m = model.toLowerCase().replace(/^.*\//, '');
  return FACTS.find((f) => m.startsWith(f.prefix));
}

export function defaultContextTokens(model: string): number {
  return factOf(model)?.contextTokens ?? DEFAULT_CONTEXT_TOKENS;
}

export function defaultPricing(model: string): ModelPricing | null {
  return factOf(model)?.pricing ?? null;
}

/** Estimated cost in US dollars, or null without a price. */
export function estimateCost(pricing: ModelPricing | null, promptTokens: number, completionTokens: number): number | null {
  if (pricing === null) return null;
  return (promptTokens * pricing.promptPerMTok + completionTokens * pricing.completionPerMTok) / 1_000_000;
}
