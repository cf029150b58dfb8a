// The simulator page: a WhatsApp-like chat against the running bot.
// The patient's messages go through POST /simulator/send (the real
// webhook); the bot's come from a long poll on /simulator/messages.
// Each chat (sender x patient number) is kept in sessionStorage so a
// reload does not lose it. Message rendering lives in render.js.
'use strict';

(() => {
  const { renderText, mediaNode, timeOf } = window.simRender;
  const $ = (id) => document.getElementById(id);
  const els = {
    hospital: $('hospital'), phone: $('phone'), newOpt: $('phone-new'), newNumber: $('new-number'),
    chat: $('chat'), status: $('status'), composer: $('composer'), text: $('text'),
    file: $('file'), attach: $('attach'), reset: $('reset'),
    title: $('chat-title'), sub: $('chat-sub'), avatar: $('avatar'), hintCode: $('hint-code'),
  };
  const PREFS = 'frontdesk-sim:prefs';
  const MAX_LOG = 300;
  const MAX_FILE = 5 * 1024 * 1024;
  const PHONE_RE = /^\+[1-9][0-9]{6,14}$/;

  const store = {
    get(key) {
      try { return JSON.parse(sessionStorage.getItem(key)); } catch { return null; }
    },
    set(key, value) {
      try { sessionStorage.setItem(key, JSON.stringify(value)); } catch { /* full or disabled: the chat still works */ }
    },
  };

  let conv = null; // the open chat: {key, code, sender, phone, cursor, epoch, log}
  let poller = null; // AbortController of the open chat's poll loop
  let queue = Promise.resolve(); // sends, one after the other, in order
  const nodes = new WeakMap(); // log entry -> its bubble

  // ---- chat selection ----

  function randomNumber() {
    const a = new Uint32Array(1);
    crypto.getRandomValues(a);
    return '+9197' + String(a[0] % 100000000).padStart(8, '0');
  }

  function setNewNumber(number) {
    els.newOpt.value = number;
    els.newOpt.textContent = number + ' · new patient';
  }

  function selectedHospital() {
    const o = els.hospital.selectedOptions[0];
    return o ? { code: o.value, sender: o.dataset.sender || '', name: o.dataset.name || o.value } : null;
  }

  function initials(name) {
    return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('') || '?';
  }

  function bare(sender) { return String(sender || '').replace(/^whatsapp:/, ''); }

  function savePrefs() {
    store.set(PREFS, { hospital: els.hospital.value, phone: els.phone.value, random: els.newOpt.value });
  }

  function save(c) {
    if (c.log.length > MAX_LOG) c.log = c.log.slice(-MAX_LOG);
    store.set(c.key, { cursor: c.cursor, epoch: c.epoch, log: c.log });
  }

  // open shows the chat of the selected hospital and number and starts
  // polling for the bot's messages to it.
  function open() {
    if (poller) poller.abort();
    poller = null;
    const h = selectedHospital();
    if (!h) {
      conv = null;
      setStatus('No hospital is configured.');
      return;
    }
    const phone = els.phone.value;
    const key = 'frontdesk-sim:chat:' + h.sender + ':' + phone;
    const saved = store.get(key) || {};
    conv = {
      key, code: h.code, sender: h.sender, phone,
      cursor: Number.isInteger(saved.cursor) ? saved.cursor : null,
      epoch: typeof saved.epoch === 'string' ? saved.epoch : null,
      log: Array.isArray(saved.log) ? saved.log : [],
    };
    // A send cut short by a reload has no known outcome.
    for (const e of conv.log) if (e.state === 'sending') e.state = 'unknown';
    els.title.textContent = h.name;
    els.sub.textContent = phone + ' → ' + bare(h.sender);
    els.avatar.textContent = initials(h.name);
    els.hintCode.textContent = h.code;
    els.chat.replaceChildren(...conv.log.map(bubble));
    scrollDown();
    setStatus('');
    savePrefs();
    save(conv);
    poller = new AbortController();
    pollLoop(conv, poller.signal);
  }

  // ---- receiving ----

  function sleep(ms, signal) {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal.addEventListener('abort', done);
    });
  }

  // pollLoop long-polls for the bot's messages to c. It first syncs
  // (wait=0): a fresh chat skips what was sent before it was opened, a
  // saved one shows what it missed, and a server restart (new epoch)
  // restarts the cursor. After an error it backs off and syncs again.
  async function pollLoop(c, signal) {
    let sync = true;
    let delay = 0;
    while (!signal.aborted) {
      if (delay) await sleep(delay, signal);
      if (signal.aborted) return;
      const q = new URLSearchParams({ phone: c.phone, after: String(sync ? 0 : c.cursor) });
      if (sync) q.set('wait', '0');
      try {
        const r = await fetch('/simulator/messages?' + q, { signal, cache: 'no-store' });
        if (!r.ok) throw new Error('HTTP ' + r.status);
        const j = await r.json();
        if (signal.aborted) return;
        const all = Array.isArray(j.messages) ? j.messages : [];
        let fresh = all;
        if (sync) {
          const same = c.epoch === j.epoch && c.cursor !== null;
          if (c.cursor === null) fresh = [];
          else if (same) fresh = all.filter((m) => m.seq > c.cursor);
          c.cursor = all.reduce((max, m) => Math.max(max, m.seq), same ? c.cursor : 0);
          c.epoch = j.epoch;
          sync = false;
        } else if (j.epoch !== c.epoch) {
          sync = true;
          continue;
        } else {
          c.cursor = all.reduce((max, m) => Math.max(max, m.seq), c.cursor);
        }
        for (const m of fresh) {
          if (bare(m.from) !== bare(c.sender)) continue; // another sender's chat
          const media = (Array.isArray(m.media) ? m.media : []).map((url) => ({ url }));
          add(c, { dir: 'in', body: m.body || '', media, at: m.at });
        }
        save(c);
        if (delay) setStatus('');
        delay = 0;
      } catch {
        if (signal.aborted) return;
        sync = true;
        delay = Math.min(delay ? delay * 2 : 1000, 10000);
        setStatus('Waiting for the server…');
      }
    }
  }

  // ---- sending ----

  function send(body, media) {
    const c = conv;
    if (!c) return;
    const entry = {
      dir: 'out', body, media: media ? [{ url: media.url, type: media.type }] : [],
      at: new Date().toISOString(), state: 'sending',
    };
    add(c, entry);
    save(c);
    queue = queue.then(async () => {
      try {
        const r = await fetch('/simulator/send', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ hospital: c.code, phone: c.phone, body, media_id: media ? media.id : undefined }),
        });
        const j = await r.json().catch(() => ({}));
        if (!r.ok) fail(entry, j.error || 'HTTP ' + r.status);
        else if (j.status !== 200) fail(entry, 'the webhook answered ' + j.status);
        else entry.state = 'sent';
      } catch {
        fail(entry, 'the server could not be reached');
      }
      refresh(entry);
      save(c);
    });
  }

  function fail(entry, why) {
    entry.state = 'failed';
    entry.error = why;
  }

  async function upload(file) {
    if (file.size > MAX_FILE) {
      setStatus('That file is larger than 5 MiB.');
      return;
    }
    setStatus('Uploading ' + file.name + '…');
    const fd = new FormData();
    fd.append('file', file);
    try {
      const r = await fetch('/simulator/media', { method: 'POST', body: fd });
      const j = await r.json().catch(() => ({}));
      if (!r.ok) {
        setStatus(j.error || 'Upload failed (HTTP ' + r.status + ').');
        return;
      }
      setStatus('');
      const caption = els.text.value;
      els.text.value = '';
      autosize();
      // Shown from this page's own origin; the bot gets the public URL.
      send(caption, { id: j.media_id, url: '/simulator/media/' + encodeURIComponent(j.media_id), type: j.content_type });
    } catch {
      setStatus('Upload failed: the server could not be reached.');
    }
  }

  async function resetChat() {
    const c = conv;
    if (!c) return;
    try {
      await fetch('/simulator/reset', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ phone: c.phone }),
      });
    } catch { /* the exit below still closes the conversation */ }
    c.log = [];
    if (c === conv) els.chat.replaceChildren();
    save(c);
    send('exit');
  }

  // ---- rendering ----

  function setStatus(text) { els.status.textContent = text; }

  function scrollDown() { els.chat.scrollTop = els.chat.scrollHeight; }

  function add(c, entry) {
    c.log.push(entry);
    if (c === conv) {
      const div = bubble(entry);
      // Images grow the bubble once loaded; keep the latest in view.
      for (const img of div.querySelectorAll('img')) img.addEventListener('load', scrollDown, { once: true });
      els.chat.append(div);
      scrollDown();
    }
  }

  function refresh(entry) {
    const old = nodes.get(entry);
    if (old && old.isConnected) old.replaceWith(bubble(entry));
  }

  function bubble(entry) {
    const div = document.createElement('div');
    div.className = 'msg ' + (entry.dir === 'out' ? 'out' : 'in') + (entry.state === 'failed' ? ' failed' : '');
    const who = document.createElement('span');
    who.className = 'visually-hidden';
    who.textContent = entry.dir === 'out' ? 'You: ' : 'Hospital: ';
    div.append(who);
    for (const m of entry.media || []) div.append(mediaNode(m));
    if (entry.body) {
      const text = document.createElement('div');
      text.className = 'text';
      renderText(text, entry.body);
      div.append(text);
    }
    const meta = document.createElement('span');
    meta.className = 'meta';
    meta.textContent = timeOf(entry.at);
    if (entry.dir === 'out') {
      const st = document.createElement('span');
      st.className = 'state';
      if (entry.state === 'sent') {
        st.textContent = '✓';
        st.title = 'Accepted by the webhook';
      } else if (entry.state === 'failed') {
        st.textContent = '· not delivered: ' + (entry.error || 'error');
      } else if (entry.state === 'sending') {
        st.textContent = '· sending';
      }
      meta.append(st);
    }
    div.append(meta);
    nodes.set(entry, div);
    return div;
  }

  function autosize() {
    els.text.style.height = 'auto';
    els.text.style.height = Math.min(els.text.scrollHeight + 2, 140) + 'px';
  }

  // ---- wiring ----

  els.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = els.text.value;
    if (!body.trim()) return;
    els.text.value = '';
    autosize();
    send(body);
    els.text.focus();
  });
  els.text.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      els.composer.requestSubmit();
    }
  });
  els.text.addEventListener('input', autosize);
  els.attach.addEventListener('click', () => els.file.click());
  els.file.addEventListener('change', () => {
    const f = els.file.files[0];
    els.file.value = '';
    if (f) upload(f).finally(() => els.text.focus());
  });
  els.reset.addEventListener('click', () => { resetChat().finally(() => els.text.focus()); });
  els.hospital.addEventListener('change', open);
  els.phone.addEventListener('change', open);
  els.newNumber.addEventListener('click', () => {
    setNewNumber(randomNumber());
    els.phone.value = els.newOpt.value;
    open();
  });
  document.getElementById('setup').addEventListener('submit', (e) => e.preventDefault());

  const prefs = store.get(PREFS) || {};
  setNewNumber(typeof prefs.random === 'string' && PHONE_RE.test(prefs.random) ? prefs.random : randomNumber());
  const has = (select, value) => [...select.options].some((o) => o.value === value);
  if (typeof prefs.hospital === 'string' && has(els.hospital, prefs.hospital)) els.hospital.value = prefs.hospital;
  if (typeof prefs.phone === 'string' && prefs.phone && has(els.phone, prefs.phone)) els.phone.value = prefs.phone;
  open();
  els.text.focus();
})();
