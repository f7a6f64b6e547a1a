// Active-content payloads planted in hostile mail. Every script payload sets the same marker global
// (window.__pwned) so a browser check can tell whether any of them ran; every remote reference
// points at the loopback "leak" host so a browser check can tell whether any request left.

/** The marker global every script payload increments: its value counts the payloads that ran. */
export const MARKER = '__pwned';

/** Where payloads try to send requests (never reachable: port 9 is discard, and no test listens). */
export const LEAK_HOST = '127.0.0.1:9';
export const LEAK_URL = `http://${LEAK_HOST}/leak`;

const SET = `window.${MARKER}=(window.${MARKER}|0)+1`;

/** HTML/script payloads: each would execute if it reached a page as markup. */
export const SCRIPT_PAYLOADS: readonly string[] = [
  `<img src=x onerror="${SET}">`,
  `<img src="${LEAK_URL}/img.png" onerror=${SET}>`,
  `</pre><script>${SET}</script>`,
  `</code></pre></li></ul></main><script>${SET}</script>`,
  `"><svg onload="${SET}">`,
  `'><svg/onload=${SET}>`,
  `<iframe srcdoc="<script>parent.${MARKER}=(parent.${MARKER}|0)+1</script>"></iframe>`,
  `<math><mtext></p><style></style><img src=x onerror=${SET}></mtext></math>`,
  `<details open ontoggle="${SET}">`,
  `<body onload="${SET}">`,
  `<a href="javascript:${SET}">click</a>`,
  `<object data="javascript:${SET}"></object>`,
  `<embed src="javascript:${SET}">`,
  `<meta http-equiv="refresh" content="0;url=javascript:${SET}">`,
  `<base href="${LEAK_URL}/">`,
  `<link rel=stylesheet href="${LEAK_URL}/x.css">`,
  `<style>@import url(${LEAK_URL}/y.css);</style>`,
  `<form action="javascript:${SET}"><button>go</button></form>`,
  `<input autofocus onfocus="${SET}">`,
  `<video><source onerror="${SET}"></video>`,
  `<script src="${LEAK_URL}/s.js"></script>`,
  `<!--<script>${SET}</script>-->`,
  `<![CDATA[<script>${SET}</script>]]>`,
  `{{constructor.constructor('${SET}')()}}`,
  `\${${SET}}`,
  `&lt;script&gt;${SET}&lt;/script&gt;`,
  `&#60;script&#62;${SET}&#60;/script&#62;`,
  `<scr<script>ipt>${SET}</scr</script>ipt>`,
];

/** Markdown payloads: links and images to schemes and hosts a report must never carry. */
export const MARKDOWN_PAYLOADS: readonly string[] = [
  `[run](command:workbench.action.terminal.new)`,
  `[run](command:kvmarm.applySeries?%5B%22x%22%5D)`,
  `[open](vscode:extension/evil.evil)`,
  `[open](vscode://file/etc/passwd)`,
  `[js](javascript:${SET})`,
  `[js](JaVaScRiPt:${SET})`,
  `[js](&#106;avascript:${SET})`,
  `[js]( javascript:${SET})`,
  `[js](<javascript:${SET}>)`,
  `[data](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+)`,
  `[file](file:///etc/passwd)`,
  `<javascript:${SET}>`,
  `<command:workbench.action.terminal.new>`,
  `![remote](${LEAK_URL}/md.png)`,
  `![remote][ref]\n\n[ref]: ${LEAK_URL}/ref.png`,
  `[ref link][r]\n\n[r]: javascript:${SET}`,
  `<${LEAK_URL}/autolink>`,
];

/** Characters that confuse readers or terminals: right-to-left override, NUL, escape sequences. */
export const CONTROL_PAYLOADS: readonly string[] = [
  '\u202eexe.fdp\u202c',
  'abc\u202ecba\u2066isolate\u2069',
  'zero\u200bwidth\ufeffbom',
  '\u001b[31mred\u001b[0m\u0007bell',
];

/** Every payload, in one list. */
export const ALL_PAYLOADS: readonly string[] = [...SCRIPT_PAYLOADS, ...MARKDOWN_PAYLOADS, ...CONTROL_PAYLOADS];
