// The extension's log: a LogOutputChannel behind the core's Logger interface. Never given secrets.
import * as vscode from 'vscode';
import type { Logger } from '../core/types.js';

export interface Log extends Logger, vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;
}

export function createLog(name: string): Log {
  const channel = vscode.window.createOutputChannel(name, { log: true });
  return {
    channel,
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
    dispose: () => channel.dispose(),
  };
}
