// Opens a Playwright HTML report in headless Chromium (the system's, as Playwright's download is not available
// everywhere), goes to one test and expands one of its attachments. Returns the page text and a screenshot.
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const launchChromium = () => chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });

export async function showAttachment(reportIndex: string, testTitle: string, attachment: string, shown: RegExp, screenshot: string): Promise<string> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`file://${reportIndex}`);
    await page.getByText(testTitle, { exact: true }).first().click();
    await page.getByText(attachment, { exact: true }).first().click();
    await page.getByText(shown).first().waitFor();
    await page.screenshot({ path: screenshot, fullPage: true });
    return await page.locator('body').innerText();
  } finally {
    await browser.close();
  }
}

export const showExchanges = (reportIndex: string, testTitle: string, screenshot: string) =>
  showAttachment(reportIndex, testTitle, 'exchanges.txt', /\[under-test\] DELETE/, screenshot);
