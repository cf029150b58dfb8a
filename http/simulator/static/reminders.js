// The Reminders menu of the simulator page (demo only): it asks the
// server to schedule a reminder of the chosen kind for the open chat's
// number, through the same scheduler the EMR's /v1 API uses. The reminder
// then arrives in the chat like any message of the bot, and what the
// simulated EMR receives when the patient answers comes back as a note.
'use strict';

(() => {
  const code = document.body.dataset.reminders;
  const wrap = document.getElementById('reminders');
  const button = document.getElementById('reminders-button');
  const menu = document.getElementById('reminders-menu');
  const hospital = document.getElementById('hospital');
  const chat = window.simChat;
  if (!code || !wrap || !button || !menu || !chat) return;

  const NAMES = {
    appointment: 'Appointment reminder', medicine: 'Medicine reminder',
    follow_up: 'Follow-up reminder', feedback: 'Feedback survey',
  };
  const items = [...menu.querySelectorAll('[data-kind]')];

  // Reminders are offered at the demo hospital only.
  function update() {
    wrap.hidden = hospital.value !== code;
    if (wrap.hidden) close();
  }

  function openMenu() {
    menu.hidden = false;
    button.setAttribute('aria-expanded', 'true');
    items[0].focus();
  }

  function close() {
    menu.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  }

  async function schedule(kind) {
    close();
    const c = chat.current();
    if (!c) {
      chat.banner('Choose a patient number first.');
      return;
    }
    try {
      const r = await fetch('/simulator/reminders', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ kind, phone: c.phone, hospital: c.code }),
      });
      const j = await r.json().catch(() => ({}));
      if (!r.ok) {
        chat.banner('Reminder not scheduled: ' + (j.error || 'HTTP ' + r.status) + '.');
        return;
      }
      chat.banner('');
      if (j.opted_out) {
        chat.note(NAMES[kind] + ' scheduled by the EMR, due now, but this number sent *stop*: ' +
          'it will be skipped. Send *start demo* to get reminders again.');
        return;
      }
      chat.note(NAMES[kind] + ' scheduled by the EMR, due now' +
        (j.answer_to_emr ? ': the answer goes back to the EMR.' : '.'));
    } catch {
      chat.banner('Reminder not scheduled: the server could not be reached.');
    }
  }

  button.addEventListener('click', () => (menu.hidden ? openMenu() : close()));
  for (const item of items) item.addEventListener('click', () => schedule(item.dataset.kind));
  menu.addEventListener('keydown', (e) => {
    const i = items.indexOf(document.activeElement);
    if (e.key === 'Escape') {
      close();
      button.focus();
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (i + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length;
      items[next].focus();
    }
  });
  document.addEventListener('click', (e) => { if (!wrap.contains(e.target)) close(); });
  hospital.addEventListener('change', update);
  update();
})();
