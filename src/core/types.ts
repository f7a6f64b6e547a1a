// The domain vocabulary shared by the core, the CLI and the extension.
// Every module speaks these words the same way: Mail, Thread, Series, Patch, Trailer,
// Category, Summary, Report, Window. Times are ISO-8601 strings in UTC unless said otherwise.

/** A message as a source delivers it, before parsing. */
export interface RawMessage {
  /** The RFC 5322 bytes of the message (mboxrd escaping already undone). */
  raw: Buffer;
  /** Commit time (epoch seconds) when the source is a git mirror; the last fallback for receivedAt. */
  commitTime?: number;
  /** Where the message came from, for diagnostics: a git blob id, "mbox#123", an URL. */
  origin?: string;
  /** Set by a source that already holds the parsed form (e.g. from its parse cache). */
  mail?: Mail;
}

export interface Address {
  name: string;
  /** Lower-cased address; "" when the header had none. */
  address: string;
}

/** A "Key: value" line at the end of a commit message or review reply. */
export interface Trailer {
  /** Canonical spelling: Signed-off-by, Reviewed-by, Acked-by, Tested-by, Reported-by,
   *  Suggested-by, Co-developed-by, Cc, Fixes, Link, Closes, Message-ID, Nacked-by. */
  key: string;
  value: string;
  /** For person trailers: the parsed person. */
  person?: Address;
}

/** A segment of a plain-text body: quoted (a line starting with '>') or the author's own text. */
export interface BodySegment {
  quoted: boolean;
  text: string;
}

/** Parsed subject prefix tags, e.g. "[PATCH v3 02/17]" or "[RFC PATCH kvmtool 0/5]". */
export interface SubjectTags {
  /** Every bracketed tag word, upper-cased, in order (e.g. ["PATCH", "V3", "02/17"]). */
  raw: string[];
  isPatch: boolean;
  isRfc: boolean;
  isResend: boolean;
  isPull: boolean;
  /** Series version; 1 when none is given. */
  version: number;
  /** Position in the series (0 = cover letter); null when the subject has no i/n. */
  index: number | null;
  total: number | null;
  /** Project qualifier other than the kernel: "kvmtool", "kvm-unit-tests", "stable 5.15.y"... */
  project: string | null;
  /** True when the subject starts with Re:/Fwd:/AW: etc. */
  isReply: boolean;
}

export interface Subject {
  /** The whole subject, decoded (RFC 2047) and unfolded. */
  full: string;
  /** The subject without Re:/Fwd: and without bracketed tags: the series title for patches. */
  title: string;
  tags: SubjectTags;
}

export interface Mail {
  /** Message-ID without angle brackets; synthesised ("kvmarm-weekly-<hash>@synthesised") when absent. */
  messageId: string;
  synthesizedId: boolean;
  inReplyTo: string | null;
  /** Message-IDs from References, oldest first, deduplicated, without this message's own id. */
  references: string[];
  subject: Subject;
  from: Address;
  to: Address[];
  cc: Address[];
  /** The Date: header in UTC, or null when it is missing or does not parse. */
  date: string | null;
  /** When the list received it, as public-inbox defines it: topmost parseable Received:, else Date:, else commit time. */
  receivedAt: string;
  /** Plain-text body, quoted lines kept. */
  text: string;
  /** The same body split into quoted / own segments. */
  segments: BodySegment[];
  /** The diff carried by the message (from the first "diff --git" or "--- a/" line), or null. */
  patch: string | null;
  trailers: Trailer[];
  /** Where it came from (RawMessage.origin). */
  origin?: string;
}

/** A message that could not be parsed: kept, never dropped. */
export interface UnparsedMail {
  origin?: string;
  reason: string;
  /** The raw header block (up to a bounded size) as text. */
  headers: string;
}

/** A message inside a thread, with its place in the tree. */
export interface ThreadMessage {
  mail: Mail;
  /** Message-ID of the parent in the thread tree (may be a ghost), or null for the root. */
  parentId: string | null;
  depth: number;
  /** True when the message was received inside the report's window. */
  inWindow: boolean;
}

export type Category =
  | 'PATCH'
  | 'RFC'
  | 'Bug Report'
  | 'Selftest'
  | 'Question'
  | 'GIT PULL'
  | 'Discussion'
  | 'Other';

export const CATEGORIES: readonly Category[] = [
  'PATCH',
  'RFC',
  'Bug Report',
  'Selftest',
  'Question',
  'GIT PULL',
  'Discussion',
  'Other',
];

export interface Thread {
  /** The Message-ID of the root (may be a ghost's id when the root message is missing). */
  id: string;
  /** The root's subject (or the earliest message's subject when the root is a ghost). */
  subject: Subject;
  /** Messages in thread order (depth-first, siblings by date). */
  messages: ThreadMessage[];
  /** Ids referenced by the thread but not present in the source. */
  ghosts: string[];
}

export type SeriesState = 'new' | 'reviewed' | 'changes-requested' | 'applied' | 'nacked';

export interface SeriesPatch {
  index: number;
  messageId: string;
  subject: string;
  /** Trailers on the patch itself and those given in replies to it. */
  trailers: Trailer[];
  state: SeriesState;
}

export interface SeriesVersionLink {
  version: number;
  messageId: string;
  date: string | null;
}

export interface Series {
  title: string;
  version: number;
  total: number;
  author: Address;
  coverMessageId: string | null;
  patches: SeriesPatch[];
  /** Indexes 1..total not present. */
  missing: number[];
  previous: SeriesVersionLink[];
  state: SeriesState;
  /** Reviewers (Reviewed-by/Acked-by/Tested-by givers), by address. */
  reviewers: Address[];
  /** Where the series was applied, when a maintainer said so ("kvmarm/next", a commit id...). */
  appliedTo?: string | null;
  /** What changed since the latest earlier version, in one Chinese line ("相对 v2：新增 1 个补丁…"). */
  changesSince?: string | null;
}

export interface Summary {
  text: string;
  /** Who wrote it: the offline digest, or the model (and which). */
  source: 'offline' | 'llm';
  model?: string;
  /** Set when an LLM summary was wanted but failed and the offline digest stands in. */
  fallbackReason?: string;
  /** True on a draft report while this thread's summary is still being written. */
  pending?: boolean;
}

/** A half-open time window [since, until) in UTC, with the zone the report is shown in. */
export interface Window {
  since: string;
  until: string;
  /** IANA zone name used to show times (e.g. "Asia/Shanghai", "UTC"). */
  tz: string;
  /** "2022-W45" when the window is an ISO week, else null. */
  isoWeek: string | null;
}

export interface ReportThread {
  thread: Thread;
  category: Category;
  series: Series | null;
  summary: Summary;
}

export interface ReportStats {
  totalMessages: number;
  inWindowMessages: number;
  threads: number;
  /** Threads with more than 20 messages. */
  largeThreads: number;
  participants: number;
  byCategory: Record<Category, { threads: number; messages: number }>;
}

/** What the summariser spent: shown in the CLI's closing line and the extension's log. */
export interface SummaryUsage {
  calls: number;
  cachedThreads: number;
  promptTokens: number;
  completionTokens: number;
  /** Estimated cost in US dollars when the model's price is known, else null. */
  estimatedCostUsd: number | null;
}

export interface Report {
  schemaVersion: 1;
  generatedAt: string;
  window: Window;
  /** The list's archive base URL, ending in '/'; message links are `${list}${messageId}/`. */
  list: string;
  threads: ReportThread[];
  unparsed: UnparsedMail[];
  stats: ReportStats;
  usage?: SummaryUsage;
}

/** Progress callback: a phase name and, when known, done/total counts. */
export type ProgressFn = (phase: string, done?: number, total?: number) => void;

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A place to get a window's messages from. */
export interface MailSource {
  /** A short human description ("lore https://lore.kernel.org/kvmarm/", "git /path"). */
  readonly description: string;
  /** The archive base URL for message links, ending in '/'. */
  readonly listUrl: string;
  /** Set when the source is a public-inbox archive that answers searches (`?q=`): its base URL. */
  readonly searchUrl?: string;
  /**
   * The messages received in the window together with every message of their complete threads
   * (earlier context included). Sources may return more; the pipeline filters by thread.
   */
  fetchWindow(window: Window, options: FetchOptions): Promise<RawMessage[]>;
  /**
   * Every message of the complete threads holding these Message-IDs (ids the archive does not
   * have are skipped). Used to compare a series with its earlier version, which lives in another
   * thread, often weeks back. Sources that cannot look threads up leave it out.
   */
  fetchThreads?(messageIds: string[], options: FetchOptions): Promise<RawMessage[]>;
}

export interface FetchOptions {
  signal?: AbortSignal;
  progress?: ProgressFn;
  logger?: Logger;
}

/** What a summariser needs to know about one thread. */
export interface SummaryInput {
  thread: Thread;
  category: Category;
  series: Series | null;
  window: Window;
}

export interface SummarizeOptions {
  signal?: AbortSignal;
  progress?: ProgressFn;
  logger?: Logger;
  /** Called as each thread's summary arrives (the extension streams them into the report). */
  onSummary?: (threadId: string, summary: Summary) => void;
}

/** Writes a Chinese summary per thread: the offline digest or an LLM. */
export interface Summarizer {
  readonly name: string;
  /** One Summary per input, in the same order. Never rejects for one thread's failure. */
  summarize(inputs: SummaryInput[], options: SummarizeOptions): Promise<{ summaries: Summary[]; usage?: SummaryUsage }>;
}
