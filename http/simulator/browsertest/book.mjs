// Books an appointment through the web simulator in a real headless
// Chromium, the way a person would: pick the hospital and the registered
// demo patient, send "hi demo", tap the numbered options, type the
// complaint, upload a document, fetch a health record, confirm an
// appointment reminder the EMR schedules, reset. It waits for
// the bot's specific words (never fixed sleeps) and saves screenshots.
//
// Run by browser_test.go; its inputs come from the environment:
//   SIM_URL      the simulator page, e.g. http://127.0.0.1:8080/
//   SIM_OUT      a directory for the screenshots
//   SIM_UPLOAD   a small PNG or PDF to upload
//   SIM_PROFILE  an empty directory for Chromium's profile
//   CHROMIUM     the browser (default /usr/bin/chromium)
// The last line printed is a JSON summary the Go test checks.
import { chromium } from 'playwright-core';
import { join } from 'node:path';

const env = (name, def) => {
  const v = process.env[name] || def;
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const url = env('SIM_URL');
const out = env('SIM_OUT');
const upload = env('SIM_UPLOAD');
const profile = env('SIM_PROFILE');
const phone = '+919800000001';
const STEP_MS = 20000;
const TOTAL_MS = 90000;

const log = (msg) => console.log(`book: ${msg}`);

// The closed network: no background services, no QUIC, no sync.
const context = await chromium.launchPersistentContext(profile, {
  executablePath: env('CHROMIUM', '/usr/bin/chromium'),
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 900 },
  timeout: 30000,
});
const guard = setTimeout(async () => {
  console.error(`book: gave up after ${TOTAL_MS} ms`);
  await context.close().catch(() => {});
  process.exit(3);
}, TOTAL_MS);

const page = context.pages()[0] || await context.newPage();
page.setDefaultTimeout(STEP_MS);
const problems = [];
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });

const BOT = '#chat .msg.in:not(.typing)';
const botCount = () => page.locator(BOT).count();

// waitBot waits until a bot message after the first n contains every
// text, and returns that message's text.
async function waitBot(n, ...texts) {
  const handle = await page.waitForFunction(([sel, n, texts]) => {
    const fresh = [...document.querySelectorAll(sel)].slice(n);
    const hit = fresh.find((m) => texts.every((t) => m.textContent.includes(t)));
    return hit ? hit.innerText : false;
  }, [BOT, n, texts], { timeout: STEP_MS });
  return handle.jsonValue();
}

// say types a message and waits for the reply containing texts.
async function say(text, ...texts) {
  const n = await botCount();
  await page.fill('#text', text);
  await page.press('#text', 'Enter');
  log(`sent "${text}", waiting for ${JSON.stringify(texts)}`);
  return waitBot(n, ...texts);
}

// tap taps option num in the bot's latest message and waits for texts.
async function tap(num, ...texts) {
  const n = await botCount();
  await page.locator(BOT).last().locator(`button.opt[data-option="${num}"]`).click();
  log(`tapped ${num}, waiting for ${JSON.stringify(texts)}`);
  return waitBot(n, ...texts);
}

async function shot(name) {
  const path = join(out, name);
  await page.screenshot({ path, fullPage: true });
  log(`screenshot ${path}`);
  return path;
}

try {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.selectOption('#hospital', 'demo');
  await page.selectOption('#phone', phone);
  await page.waitForSelector('#chat .empty .start');
  log('page ready');

  // Start with the button the empty chat offers, then book through the menus.
  let n = await botCount();
  await page.click('#chat .empty .start');
  const welcome = await waitBot(n, 'Welcome back', 'Main menu');
  await tap('1', 'When would you like');
  await tap('2', 'Choose a department');
  const doctors = await tap('1', 'Choose a doctor');
  await tap('1', 'Choose a time');
  await tap('2', 'what is the problem');
  const booked = await say('fever for 3 days', 'is booked');
  await page.waitForSelector('#chat .msg.in .opt'); // the lists render as options
  const bookedShot = await shot('booked.png');
  await page.setViewportSize({ width: 390, height: 844 });
  const mobileShot = await shot('mobile.png');
  await page.setViewportSize({ width: 1280, height: 900 });

  // Menu 6: upload a document with the attach button.
  await say('menu', 'Main menu');
  await tap('6', 'send the document');
  n = await botCount();
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('#attach')]);
  await chooser.setFiles(upload);
  const saved = await waitBot(n, 'document is saved');
  await page.waitForFunction(() => {
    const sent = [...document.querySelectorAll('#chat .msg.out')].pop();
    const img = sent && sent.querySelector('img');
    return (img && img.complete && img.naturalWidth > 0) || (sent && sent.querySelector('a.doc'));
  });
  log('document uploaded and shown');
  const documentShot = await shot('document.png');

  // Menu 4: a health record arrives as a PDF the page links to.
  await say('menu', 'Main menu');
  await tap('4', 'Which record');
  n = await botCount();
  await page.locator(BOT).last().locator('button.opt[data-option="1"]').click();
  const link = page.locator(BOT).nth(n).locator('a.doc');
  await link.waitFor();
  const record = await link.getAttribute('href');
  const pdf = await page.request.get(new URL(record, url).href);
  if (!pdf.ok() || pdf.headers()['content-type'] !== 'application/pdf') {
    throw new Error(`record ${record}: HTTP ${pdf.status()} ${pdf.headers()['content-type']}`);
  }
  const recordShot = await shot('record.png');

  // Reminders: the EMR schedules an appointment reminder, the patient
  // confirms it with the button 1, and the page shows what the EMR got.
  n = await botCount();
  await page.click('#reminders-button');
  await page.click('#reminders-menu [data-kind="appointment"]');
  const reminder = await waitBot(n, 'Will you come?');
  const confirmed = await tap('1', 'appointment is confirmed');
  const emrNote = page.locator('#chat .sys.emr', { hasText: 'The EMR received: confirmed' });
  await emrNote.waitFor();
  const emr = await emrNote.innerText();
  log('the EMR received the answer');
  const reminderShot = await shot('reminder.png');

  // Reset: the chat clears and the bot closes the conversation.
  await page.click('#reset');
  await page.waitForSelector('#chat .sys');
  const goodbye = await waitBot(0, 'take care');
  if ((await page.locator('#chat').innerText()).includes('is booked')) throw new Error('reset left the old chat on the page');
  const resetShot = await shot('reset.png');

  if (problems.length) throw new Error(problems.join('\n'));
  console.log(JSON.stringify({
    welcome, doctors, booked, saved, record, reminder, confirmed, emr, goodbye,
    screenshots: {
      booked: bookedShot, mobile: mobileShot, document: documentShot, record: recordShot,
      reminder: reminderShot, reset: resetShot,
    },
  }));
} catch (err) {
  console.error(`book: FAILED: ${err.message}`);
  console.error(`book: chat at failure:\n${await page.locator('#chat').innerText().catch(() => '(no page)')}`);
  await shot('failure.png').catch(() => {});
  process.exitCode = 1;
} finally {
  clearTimeout(guard);
  await context.close();
}
