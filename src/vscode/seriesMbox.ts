// Builds the mbox `git am` reads for a thread's patch series, from the report's parsed mails.
// Pure (no vscode import). It writes mail back out; it does not parse anything.
import { escapeMboxrd } from '../core/mbox.js';
import type { Mail, ReportThread } from '../core/types.js';

/** The patches to apply, in order: the series' patches when known, else the thread's posted patches. */
export function seriesPatchMails(entry: ReportThread): Mail[] {
  const byId = new Map(entry.thread.messages.map((m) => [m.mail.messageId, m.mail] as const));
  if (entry.series && entry.series.patches.length > 0) {
    return [...entry.series.patches]
      .filter((p) => p.index > 0)
      .sort((a, b) => a.index - b.index)
      .map((p) => byId.get(p.messageId))
      .filter((m): m is Mail => m !== undefined && m.patch !== null);
  }
  return entry.thread.messages
    .map((m) => m.mail)
    .filter((m) => m.patch !== null && !m.subject.tags.isReply)
    .sort((a, b) => (a.subject.tags.index ?? 0) - (b.subject.tags.index ?? 0));
}

/** RFC 2047 encoded-word for header values that are not plain ASCII. */
function encodeHeader(value: string): string {
  const oneLine = value.replace(/[\r\n]+/g, ' ');
  if (/^[\x20-\x7e]*$/.test(oneLine)) return oneLine;
  return `=?UTF-8?B?${Buffer.from(oneLine, 'utf8').toString('base64')}?=`;
}

function formatAddress(name: string, address: string): string {
  if (!name) return address;
  const safe = /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '')}"` : encodeHeader(name);
  return `${safe} <${address}>`;
}

/** One message in the form `git mailinfo` understands: headers, body, and the diff after "---". */
export function mailToRfc822(mail: Mail): string {
  const date = new Date(mail.date ?? mail.receivedAt);
  const body = mail.text.replace(/\r\n/g, '\n');
  const patch = mail.patch ?? '';
  // mail.text normally holds the whole body including the diff; when the diff came as an
  // attachment it does not, and git am needs it after the commit message.
  const withPatch = patch && !body.includes(patch.trim().split('\n')[0] ?? '') ? `${body.trimEnd()}\n---\n${patch}` : body;
  const headers = [
    `From: ${formatAddress(mail.from.name, mail.from.address)}`,
    `Date: ${date.toUTCString().replace('GMT', '+0000')}`,
    `Subject: ${encodeHeader(mail.subject.full)}`,
    `Message-ID: <${mail.messageId}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
  ];
  return `${headers.join('\n')}\n\n${withPatch.endsWith('\n') ? withPatch : `${withPatch}\n`}`;
}

export function seriesMbox(mails: Mail[]): Buffer {
  return Buffer.concat(mails.map((m) => escapeMboxrd(Buffer.from(mailToRfc822(m), 'utf8'))));
}
