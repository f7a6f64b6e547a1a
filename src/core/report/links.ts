// Archive links, percent-encoded exactly as public-inbox does (PublicInbox::MID::mid_escape): every
// byte of the UTF-8 id outside A-Z a-z 0-9 - . _ ~ ! $ & ' ( ) * + , ; = : @ becomes %XX.

const KEEP = /[A-Za-z0-9\-._~!$&'()*+,;=:@]/;
const ALL_KEPT = /^[A-Za-z0-9\-._~!$&'()*+,;=:@]*$/;

/** A Message-ID as it appears in public-inbox URLs. */
export function midEscape(messageId: string): string {
  if (ALL_KEPT.test(messageId)) return messageId; // the common case: nothing to encode
  let out = '';
  for (const ch of messageId) {
    if (KEEP.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** The list base URL with exactly one trailing '/'. */
export function normalizeListUrl(list: string): string {
  return list.endsWith('/') ? list : list + '/';
}

/** The archive page of one message: `{list}{mid}/`. */
export function messageUrl(list: string, messageId: string): string {
  return `${normalizeListUrl(list)}${midEscape(messageId)}/`;
}

/** The whole thread on one page, public-inbox's `{list}{mid}/T/#u`. */
export function threadUrl(list: string, rootId: string): string {
  return `${messageUrl(list, rootId)}T/#u`;
}
