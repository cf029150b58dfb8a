// The simulator page: a WhatsApp-like chat against the running bot.
// The patient's messages go through POST /simulator/send (the real
// webhook); the bot's come from a long poll on /simulator/messages.
// Each chat (sender x patient number) is kept in sessionStorage so a
// reload does not lose it. Rendering lives in render.js and view.js.
'use strict';

(() => {
  const view = window.simView;
  const $ = (id) => document.getElementById(id);
  const els = {
    hospital: $('hospital'), phone: $('phone'), custom: $('custom'), customNumber: $('custom-number'),
    newNumber: $('new-number'), composer: $('composer'), text: $('text'), file: $('file'),
    attach: $('attach'), reset: $('reset'), title: $('chat-title'), sub: $('chat-sub'), avatar: $('avatar'),
  };
  const PREFS = 'frontdesk-sim:prefs';
  const MAX_LOG = 300;
  const MAX_FILE = 5 * 1024 * 1024;
  const PHONE_RE = /^\+[1-9][0-9]{6,14}$/;
  // How long "typing…" may show without an answer: the bot answers in
  // well under a second unless the EMR is slow.
  const TYPING_MAX_MS = 20000;
  const showsReplies = document.body.dataset.replies !== 'twilio';

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
  let typingTimer = 0;

  // ---- chat selection ----

  function randomNumber() {
    const a = new Uint32Array(1);
    crypto.getRandomValues(a);
    return '+9197' + String(a[0] % 100000000).padStart(8, '0');
  }

  function selectedHospital() {
    const o = els.hospital.selectedOptions[0];
    return o ? { code: o.value, sender: o.dataset.sender || '', name: o.dataset.name || o.value } : null;
  }

  function selectedPhone() {
    return els.phone.value === 'new' ? els.customNumber.value.trim() : els.phone.value;
  }

  function initials(name) {
    return name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('') || '?';
  }

  function bare(sender) { return String(sender || '').replace(/^whatsapp:/, ''); }

  function savePrefs() {
    store.set(PREFS, { hospital: els.hospital.value, phone: els.phone.value, custom: els.customNumber.value });
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
    clearTyping();
    els.custom.hidden = els.phone.value !== 'new';
    const h = selectedHospital();
    const phone = selectedPhone();
    for (const n of document.querySelectorAll('.hint-code')) n.textContent = h ? h.code : '';
    if (!h || !PHONE_RE.test(phone)) {
      conv = null;
      view.show([], h ? h.code : '');
      view.setBanner(h ? 'Type the number in international form, like +919712345678.' : 'No hospital is configured.');
      return;
    }
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
    els.sub.textContent = 'Chatting as ' + phone + ' · to ' + bare(h.sender);
    els.avatar.textContent = initials(h.name);
    view.show(conv.log, h.code);
    view.setBanner('');
    savePrefs();
    save(conv);
    if (showsReplies) {
      poller = new AbortController();
      pollLoop(conv, poller.signal);
    }
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
          if (m.kind === 'emr') { // what the simulated EMR received
            add(c, { dir: 'sys', kind: 'emr', body: m.body || '', at: m.at });
            continue;
          }
          const media = (Array.isArray(m.media) ? m.media : []).map((url) => ({ url }));
          add(c, { dir: 'in', body: m.body || '', media, at: m.at });
        }
        save(c);
        if (delay) view.setBanner('');
        delay = 0;
      } catch {
        if (signal.aborted) return;
        sync = true;
        delay = Math.min(delay ? delay * 2 : 1000, 10000);
        view.setBanner('Cannot reach the frontdesk server: retrying… (is it still running?)');
      }
    }
  }

  // ---- sending ----

  function send(body, media) {
    const c = conv;
    if (!c) return;
    const entry = {
      dir: 'out', body, media: media ? [{ url: media.url, type: media.type }] : [],
      mediaID: media ? media.id : undefined, at: new Date().toISOString(), state: 'sending',
    };
    add(c, entry);
    save(c);
    deliver(c, entry);
  }

  function deliver(c, entry) {
    if (showsReplies && c === conv) startTyping();
    queue = queue.then(async () => {
      try {
        const r = await fetch('/simulator/send', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ hospital: c.code, phone: c.phone, body: entry.body, media_id: entry.mediaID }),
        });
        const j = await r.json().catch(() => ({}));
        if (!r.ok) fail(entry, j.error || 'HTTP ' + r.status);
        else if (j.status !== 200) fail(entry, 'the webhook answered ' + j.status);
        else entry.state = 'sent';
      } catch {
        fail(entry, 'the server could not be reached');
      }
      if (entry.state === 'failed' && c === conv) clearTyping();
      if (c === conv) view.refresh(entry);
      save(c);
    });
  }

  function fail(entry, why) {
    entry.state = 'failed';
    entry.error = why;
  }

  function retry(entry) {
    const c = conv;
    if (!c || !c.log.includes(entry)) return;
    entry.state = 'sending';
    entry.error = undefined;
    entry.at = new Date().toISOString();
    view.refresh(entry);
    deliver(c, entry);
  }

  function startTyping() {
    view.setTyping(true);
    clearTimeout(typingTimer);
    typingTimer = setTimeout(() => view.setTyping(false), TYPING_MAX_MS);
  }

  function clearTyping() {
    clearTimeout(typingTimer);
    view.setTyping(false);
  }

  async function upload(file) {
    if (!conv) return;
    if (file.size > MAX_FILE) {
      view.setBanner('That file is larger than 5 MiB: choose a smaller one.');
      return;
    }
    view.setBanner('Uploading ' + file.name + '…');
    const fd = new FormData();
    fd.append('file', file);
    try {
      const r = await fetch('/simulator/media', { method: 'POST', body: fd });
      const j = await r.json().catch(() => ({}));
      if (!r.ok) {
        view.setBanner(j.error ? 'Not sent: ' + j.error + '.' : 'Upload failed (HTTP ' + r.status + ').');
        return;
      }
      view.setBanner('');
      const caption = els.text.value;
      els.text.value = '';
      autosize();
      // Shown from this page's own origin; the bot gets the public URL.
      send(caption, { id: j.media_id, url: '/simulator/media/' + encodeURIComponent(j.media_id), type: j.content_type });
    } catch {
      view.setBanner('Upload failed: the server could not be reached.');
    }
  }

  // resetChat forgets the bot's messages to this number, clears the chat
  // and closes the conversation with "exit", as a patient would.
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
    if (c !== conv) return;
    c.log = [];
    clearTyping();
    view.show([], c.code);
    add(c, { dir: 'sys', body: 'Conversation reset: the bot was sent “exit”.', at: new Date().toISOString() });
    save(c);
    send('exit');
  }

  function add(c, entry) {
    c.log.push(entry);
    if (c === conv) view.add(entry);
  }

  function autosize() {
    els.text.style.height = 'auto';
    els.text.style.height = Math.min(els.text.scrollHeight + 2, 140) + 'px';
  }

  // note adds a system line to the open chat (reminders.js uses it).
  function note(body) {
    if (!conv) return;
    add(conv, { dir: 'sys', body, at: new Date().toISOString() });
    save(conv);
  }

  window.simChat = {
    current: () => (conv ? { code: conv.code, phone: conv.phone } : null),
    note,
    banner: (text) => view.setBanner(text),
  };

  // ---- wiring ----

  view.on({
    option(n) { send(n); els.text.focus(); },
    retry,
    start() { if (conv) send('hi ' + conv.code); els.text.focus(); },
  });
  els.composer.addEventListener('submit', (e) => {
    e.preventDefault();
    const body = els.text.value;
    if (!body.trim() || !conv) return;
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
  els.customNumber.addEventListener('change', open);
  els.newNumber.addEventListener('click', () => {
    els.customNumber.value = randomNumber();
    open();
  });
  $('setup').addEventListener('submit', (e) => { e.preventDefault(); open(); });

  const prefs = store.get(PREFS) || {};
  els.customNumber.value = typeof prefs.custom === 'string' && PHONE_RE.test(prefs.custom) ? prefs.custom : randomNumber();
  const has = (select, value) => [...select.options].some((o) => o.value === value);
  if (typeof prefs.hospital === 'string' && has(els.hospital, prefs.hospital)) els.hospital.value = prefs.hospital;
  if (typeof prefs.phone === 'string' && has(els.phone, prefs.phone)) els.phone.value = prefs.phone;
  open();
  els.text.focus();
})();
