// Report webview script. Content from the host is inserted in exactly one place: the report HTML,
// which markdown-it produced with html:false and a safe link validator. Everything else (diffs,
// message text, labels) is set with textContent. Links never navigate the webview: archive links
// open the message pane, other http(s) links go to the host, which validates them again.
(function () {
  'use strict';
  const vscode = acquireVsCodeApi();
  const report = document.getElementById('report');
  const pane = document.getElementById('pane');
  const paneTitle = document.getElementById('pane-title');
  const paneMeta = document.getElementById('pane-meta');
  const paneBody = document.getElementById('pane-body');
  const btnBrowser = document.getElementById('pane-browser');
  const btnDocument = document.getElementById('pane-document');
  const btnClose = document.getElementById('pane-close');

  const saved = vscode.getState();
  let state = {
    isoWeek: saved && typeof saved.isoWeek === 'string' ? saved.isoWeek : null,
    scrollY: saved && typeof saved.scrollY === 'number' ? saved.scrollY : 0,
    selectedMessageId: saved && typeof saved.selectedMessageId === 'string' ? saved.selectedMessageId : null,
  };
  let list = null;
  let current = null; // the message shown in the pane
  let restored = false;

  function saveState() {
    vscode.setState(state);
    vscode.postMessage({ type: 'state', state: state });
  }

  /** The message id an archive link names, or null. */
  function messageIdOf(href) {
    if (!list || typeof href !== 'string' || !href.startsWith(list)) return null;
    let rest = href.slice(list.length);
    const cut = rest.search(/[?#]/);
    if (cut >= 0) rest = rest.slice(0, cut);
    rest = rest.replace(/\/(?:raw|T\/|t\/|t\.mbox\.gz)?$/, '').replace(/\/$/, '');
    if (!rest) return null;
    try {
      return decodeURIComponent(rest);
    } catch (e) {
      return null;
    }
  }

  function markSelected(id) {
    for (const a of report.querySelectorAll('a.selected')) a.classList.remove('selected');
    if (!id) return;
    for (const a of report.querySelectorAll('a[href]')) {
      if (messageIdOf(a.getAttribute('href')) === id) a.classList.add('selected');
    }
  }

  report.addEventListener('click', function (event) {
    const a = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!a) return;
    event.preventDefault();
    const href = a.getAttribute('href');
    const id = messageIdOf(href);
    if (id) {
      vscode.postMessage({ type: 'showMessage', messageId: id });
    } else if (href && href.startsWith('#')) {
      const target = document.getElementById(decodeURIComponent(href.slice(1)));
      if (target) target.scrollIntoView();
    } else if (href && /^https?:/i.test(href)) {
      vscode.postMessage({ type: 'openExternal', url: href });
    }
  });

  let scrollTimer = null;
  report.addEventListener('scroll', function () {
    if (scrollTimer) return;
    scrollTimer = setTimeout(function () {
      scrollTimer = null;
      state.scrollY = Math.max(0, Math.round(report.scrollTop));
      saveState();
    }, 200);
  });

  btnClose.addEventListener('click', function () {
    pane.hidden = true;
    document.body.classList.remove('with-pane');
    current = null;
    state.selectedMessageId = null;
    markSelected(null);
    saveState();
  });
  btnBrowser.addEventListener('click', function () {
    if (current) vscode.postMessage({ type: 'openExternal', url: current.url });
  });
  btnDocument.addEventListener('click', function () {
    if (current) vscode.postMessage({ type: 'openPatch', messageId: current.messageId });
  });

  function showMessage(m) {
    current = m;
    paneTitle.textContent = m.subject;
    paneMeta.textContent = m.from + ' · ' + m.date;
    btnBrowser.textContent = m.labels.openInBrowser;
    btnDocument.textContent = m.labels.openAsDocument;
    btnClose.textContent = m.labels.close;
    paneBody.textContent = '';
    pane.dataset.kind = m.diff ? 'diff' : 'text';
    if (m.diff) {
      const frag = document.createDocumentFragment();
      for (const line of m.diff) {
        const div = document.createElement('div');
        div.className = 'line ' + line.kind;
        div.textContent = line.text === '' ? ' ' : line.text;
        frag.appendChild(div);
      }
      paneBody.appendChild(frag);
    } else {
      const note = document.createElement('div');
      note.className = 'note';
      note.textContent = m.labels.noPatch;
      paneBody.appendChild(note);
      const text = document.createElement('div');
      text.textContent = m.text;
      paneBody.appendChild(text);
    }
    pane.hidden = false;
    document.body.classList.add('with-pane');
    paneBody.scrollTop = 0;
    state.selectedMessageId = m.messageId;
    markSelected(m.messageId);
    saveState();
  }

  function reveal(ids) {
    const wanted = new Set(ids);
    let link = null;
    for (const a of report.querySelectorAll('a[href]')) {
      if (wanted.has(messageIdOf(a.getAttribute('href')))) {
        link = a;
        break;
      }
    }
    if (!link) return;
    // Scroll to the thread's heading: the nearest h3 before the link in document order.
    let heading = null;
    for (const h of report.querySelectorAll('h3')) {
      if (h.compareDocumentPosition(link) & Node.DOCUMENT_POSITION_FOLLOWING) heading = h;
      else break;
    }
    const target = heading || link;
    for (const h of report.querySelectorAll('.revealed')) h.classList.remove('revealed');
    target.classList.add('revealed');
    target.scrollIntoView({ block: 'start' });
  }

  window.addEventListener('message', function (event) {
    const m = event.data;
    if (!m || typeof m !== 'object') return;
    switch (m.type) {
      case 'report': {
        const keepScroll = report.scrollTop;
        const sameWeek = state.isoWeek === m.isoWeek;
        list = m.list;
        report.innerHTML = m.html;
        document.title = m.title;
        if (!restored) {
          restored = true;
          if (sameWeek) report.scrollTop = state.scrollY;
        } else if (sameWeek) {
          report.scrollTop = keepScroll;
        }
        state.isoWeek = m.isoWeek;
        markSelected(state.selectedMessageId);
        saveState();
        break;
      }
      case 'empty': {
        report.textContent = '';
        const p = document.createElement('p');
        p.className = 'placeholder';
        p.textContent = m.text;
        report.appendChild(p);
        break;
      }
      case 'message':
        showMessage(m);
        break;
      case 'reveal':
        if (Array.isArray(m.messageIds)) reveal(m.messageIds);
        break;
    }
  });

  vscode.postMessage({ type: 'ready', state: state });
})();
