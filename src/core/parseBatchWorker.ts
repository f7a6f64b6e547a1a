// Worker thread entry for parseRawMessages: parses the messages it is sent and answers with the
// results as JSON text (encodeParsedMail: what the parse cache stores, and cheap to pass between threads).
// Bundled as its own file (dist/parseBatchWorker.js) next to the CLI and the extension.

import { parentPort } from 'node:worker_threads';
import { parseMail } from './mail.js';
import { encodeParsedMail } from './parseBatchCodec.js';

export interface ParseTask {
  id: number;
  items: Array<{ raw: Uint8Array; commitTime?: number; origin?: string }>;
}

export interface ParseAnswer {
  id: number;
  results: string[];
}

/** Parses a task's messages in order; never rejects (parseMail never does). */
export async function runParseTask(task: ParseTask): Promise<ParseAnswer> {
  const results: string[] = [];
  for (const item of task.items) {
    const raw = Buffer.from(item.raw.buffer, item.raw.byteOffset, item.raw.byteLength);
    const parsed = await parseMail({ raw, commitTime: item.commitTime, origin: item.origin });
    results.push(encodeParsedMail(parsed));
  }
  return { id: task.id, results };
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (task: ParseTask) => {
    runParseTask(task).then(
      (answer) => port.postMessage(answer),
      (err: unknown) => port.postMessage({ id: task.id, error: err instanceof Error ? err.message : String(err) }),
    );
  });
}
