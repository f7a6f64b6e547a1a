// Earlier versions of a series among the mails at hand (an mbox source: whatever the file holds).

import type { Mail, SeriesVersionLink } from '../types.js';
import { isSeriesHead, matchEarlierVersions, type SeriesVersionFinder, type VersionCandidate, type VersionQuery } from './versionFinder.js';

export function createMailsVersionFinder(mails: readonly Mail[]): SeriesVersionFinder {
  let candidates: VersionCandidate[] | null = null;
  return {
    async findEarlierVersions(query: VersionQuery, signal?: AbortSignal): Promise<SeriesVersionLink[]> {
      signal?.throwIfAborted();
      candidates ??= mails
        .filter((m) => isSeriesHead(m.subject))
        .map((m) => ({ messageId: m.messageId, subject: m.subject, from: m.from.address, date: m.date, time: m.receivedAt }));
      return matchEarlierVersions(query, candidates);
    },
  };
}
