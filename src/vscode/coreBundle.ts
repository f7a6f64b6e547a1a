// The half of the extension that loads on first use: the core pipeline, sources, summarisers and
// renderers (with mailparser, markdown-it and the openai SDK behind them). esbuild can emit it as
// its own file (dist/core.js) so activation never parses it; bundled inline it still works.
import * as pipeline from '../core/pipeline.js';
import { openSource } from '../core/sources/openSource.js';
import * as week from '../core/week.js';
import * as offline from '../core/summarize/offline.js';
import * as openai from '../core/summarize/openai.js';
import * as markdown from '../core/report/markdown.js';
import * as html from '../core/report/html.js';
import * as json from '../core/report/json.js';
import { compareVersions, renderComparison } from '../core/series/compareVersions.js';
import { compareWithEarlierVersion, latestEarlierVersion } from '../core/series/changesSince.js';
import { parseRawMessages } from '../core/parseBatch.js';
import { splitMboxrd } from '../core/mbox.js';

export interface Core {
  pipeline: typeof pipeline;
  openSource: typeof openSource;
  week: typeof week;
  offline: typeof offline;
  openai: typeof openai;
  markdown: typeof markdown;
  html: typeof html;
  json: typeof json;
  series: {
    compareVersions: typeof compareVersions;
    renderComparison: typeof renderComparison;
    latestEarlierVersion: typeof latestEarlierVersion;
    compareWithEarlierVersion: typeof compareWithEarlierVersion;
  };
  parseRawMessages: typeof parseRawMessages;
  splitMboxrd: typeof splitMboxrd;
}

export function coreModules(): Core {
  return { pipeline, openSource, week, offline, openai, markdown, html, json, series: { compareVersions, renderComparison, latestEarlierVersion, compareWithEarlierVersion }, parseRawMessages, splitMboxrd };
}
