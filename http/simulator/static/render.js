// Message rendering for the simulator page: WhatsApp text formatting,
// numbered options and attachments, built as DOM nodes (never as HTML) so
// that message text cannot inject markup. Exposed as window.simRender for
// app.js.
'use strict';

window.simRender = (() => {
  function timeOf(at) {
    const d = new Date(at);
    return isNaN(d) ? '' : d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  function safeURL(url) {
    return /^https?:\/\//i.test(url) || /^\/(?!\/)/.test(url);
  }

  function fileName(url) {
    try {
      const name = new URL(url, location.href).pathname.split('/').pop();
      return decodeURIComponent(name) || 'document';
    } catch {
      return 'document';
    }
  }

  function el(tag, cls, text) {
    const n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text !== undefined) n.textContent = text;
    return n;
  }

  function docLink(url, label) {
    const a = el('a', 'doc');
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    const icon = el('span', 'doc-icon', label);
    icon.setAttribute('aria-hidden', 'true');
    const info = el('span', 'doc-info');
    info.append(el('span', 'doc-name', fileName(url)), el('span', 'doc-kind', label === 'PDF' ? 'PDF document · open' : 'File · open'));
    a.append(icon, info);
    return a;
  }

  function mediaNode(m, onLoad) {
    if (!safeURL(m.url)) return document.createTextNode('[attachment]');
    const pdf = m.type ? m.type === 'application/pdf' : /\.pdf(?:$|[?#])/i.test(m.url);
    if (pdf) return docLink(m.url, 'PDF');
    const a = el('a', 'pic');
    a.href = m.url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    const img = document.createElement('img');
    img.src = m.url;
    img.alt = 'Image attachment (opens in a new tab)';
    if (onLoad) img.addEventListener('load', onLoad, { once: true });
    // Not an image after all (or gone): offer it as a file.
    img.addEventListener('error', () => a.replaceWith(docLink(m.url, 'FILE')), { once: true });
    a.append(img);
    return a;
  }

  // WhatsApp formatting: *bold*, _italic_, ~strike~, links.
  const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
  const FMT_RE = new RegExp(
    '(?<![\\p{L}\\p{M}\\p{N}_*])\\*(?=\\S)([^*\\n]*?[^*\\s])\\*(?![\\p{L}\\p{M}\\p{N}_*])' +
    '|(?<![\\p{L}\\p{M}\\p{N}_])_(?=\\S)([^_\\n]*?[^_\\s])_(?![\\p{L}\\p{M}\\p{N}_])' +
    '|(?<![\\p{L}\\p{M}\\p{N}~])~(?=\\S)([^~\\n]*?[^~\\s])~(?![\\p{L}\\p{M}\\p{N}~])', 'gu');

  function renderText(node, text) {
    let last = 0;
    for (const m of text.matchAll(URL_RE)) {
      const url = m[0].replace(/[.,;:!?)\]*_~]+$/, '');
      formatInto(node, text.slice(last, m.index));
      const a = el('a', '', url);
      a.href = url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      node.append(a);
      last = m.index + url.length;
    }
    formatInto(node, text.slice(last));
  }

  function formatInto(node, s) {
    let last = 0;
    for (const m of s.matchAll(FMT_RE)) {
      if (m.index > last) node.append(s.slice(last, m.index));
      const n = el(m[1] !== undefined ? 'strong' : m[2] !== undefined ? 'em' : 's');
      formatInto(n, m[1] ?? m[2] ?? m[3]);
      node.append(n);
      last = m.index + m[0].length;
    }
    if (last < s.length) node.append(s.slice(last));
  }

  // A line "3. Orthopaedics" is an option the patient answers with "3".
  const OPTION_RE = /^\s*(\d{1,2})[.)]\s+(\S.*)$/;
  const HAS_URL = /\bhttps?:\/\//i;

  // renderBody shows a message's text. With onOption (the bot's messages),
  // numbered lines become buttons that send their number, the text staying
  // as it is; everything else keeps its line breaks.
  function renderBody(node, text, onOption) {
    let para = [];
    let opts = null;
    const flushPara = () => {
      // Blank lines around a paragraph become the gap CSS puts between
      // blocks; blank lines inside it stay.
      const body = para.join('\n').replace(/^\s*\n|\n\s*$/g, '');
      para = [];
      if (!body.trim()) return;
      const p = el('div', 'para');
      renderText(p, body);
      node.append(p);
    };
    const lines = text.split('\n');
    const numbered = (line) => !HAS_URL.test(line) && OPTION_RE.test(line);
    // The buttons of a question answered by number go under its last
    // asking line, in a message without numbered options of its own.
    const quick = onOption && !lines.some(numbered) ? lastRange(lines) : null;
    lines.forEach((line, i) => {
      const m = onOption && numbered(line) ? OPTION_RE.exec(line) : null;
      if (!m) {
        opts = null;
        para.push(line);
        if (quick && i === quick.at) {
          flushPara();
          node.append(quickReplies(quick.n, onOption));
        }
        return;
      }
      flushPara();
      if (!opts) {
        opts = el('div', 'opts');
        node.append(opts);
      }
      const b = el('button', 'opt');
      b.type = 'button';
      b.dataset.option = m[1];
      b.title = 'Send ' + m[1];
      const label = el('span', 'opt-label');
      formatInto(label, m[2]);
      b.append(el('span', 'opt-num', m[1]), label);
      b.addEventListener('click', () => onOption(m[1]));
      opts.append(b);
    });
    flushPara();
    // Many short options (times of day) read better as a grid of chips.
    for (const o of node.querySelectorAll('.opts')) {
      const labels = [...o.children].map((b) => b.textContent.length);
      if (labels.length >= 5 && Math.max(...labels) <= 14) o.classList.add('compact');
    }
  }

  // A question answered with a number from *1* to *N* ("Reply *1* to
  // confirm or *2* to cancel", a rating "*1* (poor) to *5* (excellent)")
  // gets a row of buttons 1..N, like numbered options. The catalog's
  // prompts keep this shape in every language (page_test.go checks).
  const RANGE_RE = /\*1\*.*\*([2-9])\*/;

  function lastRange(lines) {
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = RANGE_RE.exec(lines[i]);
      if (m) return { at: i, n: Number(m[1]) };
    }
    return null;
  }

  function quickReplies(n, onOption) {
    const opts = el('div', 'opts compact quick');
    for (let i = 1; i <= n; i++) {
      const num = String(i);
      const b = el('button', 'opt');
      b.type = 'button';
      b.dataset.option = num;
      b.title = 'Send ' + num;
      b.setAttribute('aria-label', 'Send ' + num);
      b.append(el('span', 'opt-num', num));
      b.addEventListener('click', () => onOption(num));
      opts.append(b);
    }
    return opts;
  }

  return { renderBody, mediaNode, timeOf, el };
})();
