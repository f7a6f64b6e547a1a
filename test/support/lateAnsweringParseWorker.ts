// A parse worker that holds back its answers until the end of each task, and exits on a message
// with `X-Test-Misbehave: exit`: the results of the messages before the culprit never arrive, as
// when a worker dies with answers still on their way. The batch must not blame an innocent message.
import { parentPort } from 'node:worker_threads';
import { parseMail } from '../../src/core/mail.js';
import { serveParseTasks, type WorkerAnswer } from '../../src/core/parseWorkerProtocol.js';

if (parentPort) {
  const port = parentPort;
  let held: WorkerAnswer[] = [];
  let taskSize = 0;
  serveParseTasks(
    {
      on: (event, listener) =>
        port.on(event, (task: Parameters<typeof listener>[0]) => {
          taskSize = task.items.length;
          held = [];
          listener(task);
        }),
      postMessage: (answer) => {
        if (answer.type !== 'result') return port.postMessage(answer);
        held.push(answer);
        if (answer.index === taskSize - 1) for (const a of held.splice(0)) port.postMessage(a);
      },
    },
    async (raw) => {
      if (/^X-Test-Misbehave: exit/m.test(raw.raw.toString('latin1'))) process.exit(3);
      return parseMail(raw);
    },
  );
}
