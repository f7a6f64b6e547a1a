// What went wrong with a model call, in words a report reader can take: whether to retry, whether
// the failure is the whole run's (a wrong key fails every thread alike), and a short Chinese
// reason for the fallback mark. Server-provided text never goes into the reason: it may echo the
// key or carry anything.

import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { AbortedError, parseRetryAfter, type AttemptFailure } from './retry.js';

export class StreamStallError extends Error {
  constructor(readonly stallMs: number) {
    super(`no stream data for ${stallMs} ms`);
    this.name = 'StreamStallError';
  }
}

export class RequestTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`request took longer than ${timeoutMs} ms`);
    this.name = 'RequestTimeoutError';
  }
}

export class TruncatedStreamError extends Error {
  constructor() {
    super('stream ended without a finish_reason');
    this.name = 'TruncatedStreamError';
  }
}

export class EmptyAnswerError extends Error {
  constructor() {
    super('the model answered with no text');
    this.name = 'EmptyAnswerError';
  }
}

export class ContentFilterError extends Error {
  constructor() {
    super('the answer was stopped by a content filter');
    this.name = 'ContentFilterError';
  }
}

/** The server refused a request option it does not know; the next attempt goes without it. */
export class UnsupportedOptionError extends Error {
  constructor() {
    super('the server refused stream_options');
    this.name = 'UnsupportedOptionError';
  }
}

export interface FailureInfo extends AttemptFailure {
  /** Ends the whole run's model calls (wrong key, no such model). */
  fatal: boolean;
  /** Short Chinese reason for the report. */
  reason: string;
  aborted: boolean;
}

export function classifyFailure(error: unknown, now: number = Date.now()): FailureInfo {
  const base = { fatal: false, aborted: false };
  if (error instanceof AbortedError || error instanceof APIUserAbortError) {
    return { ...base, aborted: true, retryable: false, reason: '已取消' };
  }
  if (error instanceof StreamStallError) {
    return { ...base, retryable: true, reason: `流式响应停滞（${Math.round(error.stallMs / 1000)} 秒无数据）` };
  }
  if (error instanceof RequestTimeoutError || error instanceof APIConnectionTimeoutError) {
    return { ...base, retryable: true, reason: '请求超时' };
  }
  if (error instanceof TruncatedStreamError) {
    return { ...base, retryable: true, reason: '流式响应被截断（没有结束标记）' };
  }
  if (error instanceof UnsupportedOptionError) return { ...base, retryable: true, retryAfterMs: 0, reason: '服务器不支持 stream_options' };
  if (error instanceof EmptyAnswerError) return { ...base, retryable: true, reason: '模型返回了空内容' };
  if (error instanceof ContentFilterError) return { ...base, retryable: false, reason: '回答被内容过滤拦截' };
  if (error instanceof APIConnectionError) return { ...base, retryable: true, reason: '无法连接模型服务或连接中断' };
  if (error instanceof APIError && typeof error.status === 'number') {
    const s = error.status;
    if (s === 401) return { ...base, fatal: true, retryable: false, reason: 'API 密钥无效（HTTP 401）' };
    if (s === 403) return { ...base, fatal: true, retryable: false, reason: '无权使用该模型（HTTP 403）' };
    if (s === 404) return { ...base, fatal: true, retryable: false, reason: '模型或接口不存在（HTTP 404）' };
    const retryAfterMs = parseRetryAfter(error.headers as Headers | undefined, now);
    if (s === 429) return { ...base, retryable: true, retryAfterMs, reason: '请求被限流（HTTP 429）' };
    if (s === 408 || s === 409 || s >= 500) return { ...base, retryable: true, retryAfterMs, reason: `模型服务出错（HTTP ${s}）` };
    return { ...base, retryable: false, reason: `请求被拒绝（HTTP ${s}）` };
  }
  if (error instanceof APIError) {
    // An error event inside the stream, without an HTTP status.
    return { ...base, retryable: true, reason: '流式响应中返回了错误' };
  }
  // A cut connection surfaces from the body reader as a plain TypeError ("terminated").
  return { ...base, retryable: true, reason: '连接中断' };
}
