// The parse cache's parser version, in a module of its own: the cache needs it on every run, the
// parser (mailparser and its charset tables) only when something is left to parse.

/** Bump whenever parseMail produces a different Mail for the same bytes: parse caches key on it. */
export const MAIL_PARSER_VERSION = 2;
