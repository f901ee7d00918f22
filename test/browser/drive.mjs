// Plays the person at the browser for authsome's end-to-end tests: opens the URL given as the
// only argument in headless Chromium and fills whichever authsome or sandbox page appears
// (client-id form, sign-in and consent, device-code entry) until a final page is reached.
// Inputs come from the environment: DRIVE_CLIENT_ID, DRIVE_USER, DRIVE_PASSWORD,
// DRIVE_DEVICE_CODE, DRIVE_SHOTS (folder for screenshots), DRIVE_LOG (file for a trace).
import { chromium } from 'playwright-core';
import { appendFileSync } from 'node:fs';

const url = process.argv[2];
const env = process.env;
const log = (msg) => { if (env.DRIVE_LOG) appendFileSync(env.DRIVE_LOG, msg + '\n'); };

const browser = await chromium.launch({
  executablePath: env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--ignore-certificate-errors'],
});
let exitCode = 0;
try {
  const page = await browser.newPage();
  await page.goto(url);
  for (let step = 0; step < 10; step++) {
    await page.waitForLoadState('load');
    const shot = env.DRIVE_SHOTS ? `${env.DRIVE_SHOTS}/step-${Date.now()}-${step}.png` : null;
    if (shot) await page.screenshot({ path: shot });
    log(`step ${step}: ${page.url().replace(/[?#].*/, '')}`);
    if (await page.locator('#client_id').count()) {
      await page.fill('#client_id', env.DRIVE_CLIENT_ID || '');
      if (env.DRIVE_CLIENT_SECRET) await page.fill('#client_secret', env.DRIVE_CLIENT_SECRET);
      await Promise.all([page.waitForNavigation(), page.click('#save')]);
      log('client form submitted');
      continue;
    }
    if (await page.locator('#otc').count()) {
      await page.fill('#otc', env.DRIVE_DEVICE_CODE || '');
      await Promise.all([page.waitForNavigation(), page.click('#next')]);
      log('device code entered');
      continue;
    }
    if (await page.locator('#accept').count()) {
      if (env.DRIVE_USER) await page.selectOption('#login', env.DRIVE_USER);
      await page.fill('#password', env.DRIVE_PASSWORD || '');
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#accept')]);
      log('consent accepted');
      continue;
    }
    const text = await page.locator('body').innerText();
    log('final page: ' + text.split('\n')[0]);
    break;
  }
} catch (err) {
  log('error: ' + err.message);
  exitCode = 1;
} finally {
  await browser.close();
}
process.exit(exitCode);
