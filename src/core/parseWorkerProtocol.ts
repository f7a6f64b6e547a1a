// What a parse worker and parseRawMessages say to each other. The worker announces it is ready,
// then answers each task one message at a time, so the batch always knows which message a worker
// is on: a worker that stops answering (a parser stuck in a loop) or dies can be replaced and
// only that one message is lost to "unparsed".

import type { ParsedMail } from './mail.js';
import { encodeParsedMail } from './parseBatchCodec.js';
import type { RawMessage } from './types.js';

export interface ParseTask {
  /** Position of the first item in the batch. */
  id: number;
  items: Array<{ raw: Uint8Array; commitTime?: number; origin?: string }>;
}

export type WorkerAnswer =
  | { type: 'ready' }
  /** Item `index` of task `id`, as encodeParsedMail's JSON (what the parse cache stores). */
  | { type: 'result'; id: number; index: number; json: string }
  | { type: 'error'; id: number; error: string };

/** The side of a MessagePort a worker uses. */
export interface WorkerPort {
  on(event: 'message', listener: (task: ParseTask) => void): unknown;
  postMessage(answer: WorkerAnswer): void;
}

export type ParseOne = (raw: RawMessage) => Promise<ParsedMail>;

/** Serves tasks on `port` with `parse` (parseMail in the real worker), one result per message. */
export function serveParseTasks(port: WorkerPort, parse: ParseOne): void {
  port.on('message', (task: ParseTask) => {
    void (async () => {
      try {
        for (let index = 0; index < task.items.length; index++) {
          const item = task.items[index];
          const raw = Buffer.from(item.raw.buffer, item.raw.byteOffset, item.raw.byteLength);
          const parsed = await parse({ raw, commitTime: item.commitTime, origin: item.origin });
          port.postMessage({ type: 'result', id: task.id, index, json: encodeParsedMail(parsed) });
        }
      } catch (err) {
        port.postMessage({ type: 'error', id: task.id, error: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
  port.postMessage({ type: 'ready' });
}
