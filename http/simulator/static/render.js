// Message rendering for the simulator page: WhatsApp text formatting and
// attachments, built as DOM nodes (never as HTML) so that message text
// cannot inject markup. Exposed as window.simRender for app.js.
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

  function docLink(url, label) {
    const a = document.createElement('a');
    a.className = 'doc';
    a.href = url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    const badge = document.createElement('span');
    badge.className = 'badge';
    badge.textContent = label;
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = fileName(url);
    a.append(badge, name);
    return a;
  }

  function mediaNode(m) {
    if (!safeURL(m.url)) return document.createTextNode('[attachment]');
    const pdf = m.type ? m.type === 'application/pdf' : /\.pdf(?:$|[?#])/i.test(m.url);
    if (pdf) return docLink(m.url, 'PDF');
    const a = document.createElement('a');
    a.href = m.url;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    const img = document.createElement('img');
    img.src = m.url;
    img.alt = 'Image attachment (opens in a new tab)';
    // Not an image after all (or gone): offer it as a file.
    img.addEventListener('error', () => a.replaceWith(docLink(m.url, 'FILE')), { once: true });
    a.append(img);
    return a;
  }

  // WhatsApp formatting: *bold*, _italic_, ~strike~, links; line breaks
  // are kept by CSS (white-space: pre-wrap). Built as DOM nodes, never
  // as HTML, so message text cannot inject markup.
  const URL_RE = /\bhttps?:\/\/[^\s<>"']+/gi;
  const FMT_RE = new RegExp(
    '(?<![\\p{L}\\p{M}\\p{N}_*])\\*(?=\\S)([^*\\n]*?[^*\\s])\\*(?![\\p{L}\\p{M}\\p{N}_*])' +
    '|(?<![\\p{L}\\p{M}\\p{N}_])_(?=\\S)([^_\\n]*?[^_\\s])_(?![\\p{L}\\p{M}\\p{N}_])' +
    '|(?<![\\p{L}\\p{M}\\p{N}~])~(?=\\S)([^~\\n]*?[^~\\s])~(?![\\p{L}\\p{M}\\p{N}~])', 'gu');

  function renderText(el, text) {
    let last = 0;
    for (const m of text.matchAll(URL_RE)) {
      const url = m[0].replace(/[.,;:!?)\]*_~]+$/, '');
      formatInto(el, text.slice(last, m.index));
      const a = document.createElement('a');
      a.href = url;
      a.textContent = url;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      el.append(a);
      last = m.index + url.length;
    }
    formatInto(el, text.slice(last));
  }

  function formatInto(el, s) {
    let last = 0;
    for (const m of s.matchAll(FMT_RE)) {
      if (m.index > last) el.append(s.slice(last, m.index));
      const tag = m[1] !== undefined ? 'strong' : m[2] !== undefined ? 'em' : 's';
      const n = document.createElement(tag);
      formatInto(n, m[1] ?? m[2] ?? m[3]);
      el.append(n);
      last = m.index + m[0].length;
    }
    if (last < s.length) el.append(s.slice(last));
  }

  return { renderText, mediaNode, timeOf };
})();
