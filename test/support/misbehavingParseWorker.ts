// A parse worker for tests of parseRawMessages' watchdog: it speaks the real protocol and parses
// with the real parseMail, but misbehaves on messages that carry an `X-Test-Misbehave:` header:
//   spin  - a synchronous endless loop (what a parser bug on hostile mail looks like);
//   exit  - the thread exits with code 3 (a crash);
//   throw - an uncaught exception on the worker's event loop.
import { parentPort } from 'node:worker_threads';
import { parseMail } from '../../src/core/mail.js';
import { serveParseTasks } from '../../src/core/parseWorkerProtocol.js';

if (parentPort) {
  serveParseTasks(parentPort, async (raw) => {
    const how = /^X-Test-Misbehave: (\w+)/m.exec(raw.raw.toString('latin1'))?.[1];
    if (how === 'spin') for (;;);
    if (how === 'exit') process.exit(3);
    if (how === 'throw') {
      setImmediate(() => {
        throw new Error('parser blew up');
      });
      return new Promise(() => undefined);
    }
    return parseMail(raw);
  });
}
