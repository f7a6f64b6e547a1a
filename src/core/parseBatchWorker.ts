// Worker thread entry for parseRawMessages: serves parse tasks with parseMail (see
// parseWorkerProtocol.ts for what it answers). Bundled as its own file (dist/parseBatchWorker.js)
// next to the CLI and the extension.

import { parentPort } from 'node:worker_threads';
import { parseMail } from './mail.js';
import { serveParseTasks } from './parseWorkerProtocol.js';

if (parentPort) serveParseTasks(parentPort, (raw) => parseMail(raw));
