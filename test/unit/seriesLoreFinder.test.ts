import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLoreVersionFinder, loreSearches, parseAtomEntries } from '../../src/core/series/loreVersionFinder.js';

// An Atom feed shaped like public-inbox's WwwAtomStream output (header, entries, xhtml content).
function feed(base: string, entries: Array<{ id: string; subject: string; email: string; name: string; updated: string }>): string {
  let s = '<?xml version="1.0" encoding="us-ascii"?>\n<feed\nxmlns="http://www.w3.org/2005/Atom"\nxmlns:thr="http://purl.org/syndication/thread/1.0"><title>q - search results</title><id>urn:uuid:x</id>';
  for (const e of entries) {
    const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    s += `<entry><author><name>${esc(e.name)}</name><email>${esc(e.email)}</email></author><title>${esc(e.subject)}</title><updated>${e.updated}</updated><link\nhref="${base}${encodeURIComponent(e.id)}/"/><id>urn:uuid:1</id><content\ntype="xhtml"><div\nxmlns="http://www.w3.org/1999/xhtml"><pre\nstyle="white-space:pre-wrap">&lt;entry&gt;&lt;title&gt;[PATCH v9 0/1] fake in body&lt;/title&gt;</pre></div></content></entry>`;
  }
  return s + '</feed>';
}

test('parseAtomEntries reads id, subject, author and time, and nothing from bodies', () => {
  const xml = feed('http://127.0.0.1/kvmarm/', [
    { id: 'a/b@x.org', subject: '[PATCH v2 0/3] KVM: arm64: <Frob> & "widgets"', email: 'Alice@Example.org', name: 'Alice', updated: '2022-10-01T10:00:00Z' },
  ]);
  assert.deepEqual(parseAtomEntries(xml), [
    { messageId: 'a/b@x.org', subject: '[PATCH v2 0/3] KVM: arm64: <Frob> & "widgets"', email: 'alice@example.org', name: 'Alice', updated: '2022-10-01T10:00:00Z' },
  ]);
});

test('loreSearches: exact title phrase, author with main words, linked ids', () => {
  const qs = loreSearches({ title: 'KVM: arm64: Frob "the" widgets', author: { name: '', address: 'alice@example.org' }, version: 3, before: 'x', links: ['id1@x'] });
  assert.deepEqual(qs, ['s:"KVM: arm64: Frob the widgets"', 'f:"alice@example.org" s:frob s:widgets', 'm:"id1@x"']);
});

test('the lore finder queries a public-inbox over loopback and links earlier versions', async (t) => {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const q = url.searchParams.get('q') ?? '';
    seen.push(`${url.searchParams.get('x')} ${q}`);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/kvmarm/`;
    if (q.startsWith('s:')) {
      res.writeHead(200, { 'Content-Type': 'application/atom+xml' });
      res.end(
        feed(base, [
          { id: 'v2-cover@x', subject: '[PATCH v2 0/3] KVM: arm64: Frob the widgets', email: 'alice@example.org', name: 'Alice', updated: '2022-10-01T10:00:00Z' },
          { id: 'v2-reply@x', subject: 'Re: [PATCH v2 0/3] KVM: arm64: Frob the widgets', email: 'bob@example.org', name: 'Bob', updated: '2022-10-02T10:00:00Z' },
          { id: 'v3-self@x', subject: '[PATCH v3 0/3] KVM: arm64: Frob the widgets', email: 'alice@example.org', name: 'Alice', updated: '2022-11-07T10:00:00Z' },
        ]),
      );
    } else if (q.startsWith('f:')) {
      res.writeHead(200, { 'Content-Type': 'application/atom+xml' });
      res.end(feed(base, [{ id: 'v1-cover@x', subject: '[RFC PATCH 0/2] KVM: arm64: Frob widgets', email: 'alice@example.org', name: 'Alice', updated: '2022-09-01T10:00:00Z' }]));
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const finder = createLoreVersionFinder({ baseUrl: `http://127.0.0.1:${port}/kvmarm` });
  const found = await finder.findEarlierVersions({
    title: 'KVM: arm64: Frob the widgets',
    author: { name: 'Alice', address: 'alice@example.org' },
    version: 3,
    before: '2022-11-07T10:00:00.000Z',
    links: ['gone@x'],
  });
  assert.deepEqual(found.map((l) => [l.version, l.messageId]), [
    [2, 'v2-cover@x'],
    [1, 'v1-cover@x'],
  ]);
  assert.equal(seen.length, 3);
  assert.ok(seen.every((s) => s.startsWith('A ')));
});

test('the lore finder fails clearly on a server error', async (t) => {
  const server = http.createServer((_req, res) => {
    res.writeHead(503);
    res.end('busy');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const finder = createLoreVersionFinder({ baseUrl: `http://127.0.0.1:${port}/kvmarm/` });
  await assert.rejects(
    finder.findEarlierVersions({ title: 'x y z', author: { name: '', address: '' }, version: 2, before: '2022-11-07T00:00:00Z', links: [] }),
    /HTTP 503/,
  );
});
