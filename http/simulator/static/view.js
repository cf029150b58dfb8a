// The chat pane of the simulator page: bubbles, the typing indicator, the
// empty state and the connection banner. It knows nothing of the network;
// app.js calls it. Exposed as window.simView.
'use strict';

window.simView = (() => {
  const { renderBody, mediaNode, timeOf, el } = window.simRender;
  const chat = document.getElementById('chat');
  const banner = document.getElementById('banner');
  const nodes = new WeakMap(); // log entry -> its bubble
  let typing = null; // the typing bubble while the bot is expected to answer
  let handlers = { option() {}, retry() {}, start() {} };

  function scrollDown() { chat.scrollTop = chat.scrollHeight; }

  // A chat read at its end stays at its end when the window changes size
  // (a phone turned, a keyboard opened).
  let atEnd = true;
  chat.addEventListener('scroll', () => { atEnd = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40; });
  new ResizeObserver(() => { if (atEnd) scrollDown(); }).observe(chat);

  function meta(entry) {
    const m = el('span', 'meta');
    const time = el('time', '', timeOf(entry.at));
    time.dateTime = entry.at || '';
    m.append(time);
    if (entry.dir === 'out') {
      const st = el('span', 'tick');
      if (entry.state === 'sent') {
        st.textContent = '✓';
        st.title = 'Accepted by the webhook';
      } else if (entry.state === 'sending' || entry.state === 'unknown') {
        st.classList.add('pending');
        st.title = entry.state === 'sending' ? 'Sending' : 'Outcome unknown (the page was reloaded while sending)';
      } else if (entry.state === 'failed') {
        st.textContent = '!';
        st.title = 'Not delivered';
      }
      m.append(st);
    }
    return m;
  }

  function bubble(entry) {
    if (entry.dir === 'sys') {
      const div = el('div', entry.kind === 'emr' ? 'sys emr' : 'sys');
      const line = el('span', '');
      if (entry.kind === 'emr') line.append(el('b', 'tag', 'EMR'));
      line.append(entry.body);
      div.append(line);
      nodes.set(entry, div);
      return div;
    }
    const out = entry.dir === 'out';
    const div = el('div', 'msg ' + (out ? 'out' : 'in') + (entry.state === 'failed' ? ' failed' : ''));
    div.append(el('span', 'visually-hidden', out ? 'You: ' : 'Hospital: '));
    for (const m of entry.media || []) div.append(mediaNode(m, scrollDown));
    if (entry.body) {
      const text = el('div', 'text');
      renderBody(text, entry.body, out ? null : (n) => handlers.option(n));
      div.append(text);
    }
    div.append(meta(entry));
    if (entry.state === 'failed') {
      const err = el('div', 'error');
      err.append(el('span', '', 'Not delivered: ' + (entry.error || 'error') + '. '));
      const retry = el('button', 'link', 'Send again');
      retry.type = 'button';
      retry.addEventListener('click', () => handlers.retry(entry));
      err.append(retry);
      div.append(err);
    }
    nodes.set(entry, div);
    return div;
  }

  // emptyState invites the first message, with a button that sends it.
  function emptyState(code) {
    const box = el('div', 'empty');
    box.append(el('p', 'empty-title', 'Start a conversation'));
    box.append(el('p', '', 'Patients start by sending the hospital\'s code. Replies appear here, on the left.'));
    const b = el('button', 'start', 'Send “hi ' + code + '”');
    b.type = 'button';
    b.addEventListener('click', () => handlers.start());
    box.append(b);
    return box;
  }

  // show replaces the pane with a chat's log.
  function show(log, code) {
    typing = null;
    chat.replaceChildren(...(log.length ? log.map(bubble) : [emptyState(code)]));
    scrollDown();
  }

  function add(entry) {
    chat.querySelector('.empty')?.remove();
    const div = bubble(entry);
    if (typing && entry.dir === 'in') setTyping(false);
    if (typing) chat.insertBefore(div, typing);
    else chat.append(div);
    scrollDown();
  }

  function refresh(entry) {
    const old = nodes.get(entry);
    if (old && old.isConnected) old.replaceWith(bubble(entry));
  }

  // setTyping shows or hides "typing…" at the end of the chat.
  function setTyping(on) {
    if (on && !typing) {
      typing = el('div', 'msg in typing');
      typing.setAttribute('aria-label', 'The hospital is typing');
      for (let i = 0; i < 3; i++) typing.append(el('span', 'dot'));
      chat.append(typing);
      scrollDown();
    } else if (!on && typing) {
      typing.remove();
      typing = null;
    }
  }

  function setBanner(text) {
    banner.textContent = text;
    banner.hidden = !text;
  }

  function on(h) { handlers = { ...handlers, ...h }; }

  return { show, add, refresh, setTyping, setBanner, on, scrollDown };
})();
