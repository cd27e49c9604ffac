// Opens a Playwright HTML report in headless Chromium (the system's, as Playwright's download is not available
// everywhere), goes to one test and expands its exchanges attachment. Returns the page text and a screenshot.
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export async function showExchanges(reportIndex: string, testTitle: string, screenshot: string): Promise<string> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    await page.goto(`file://${reportIndex}`);
    await page.getByText(testTitle, { exact: true }).first().click();
    await page.getByText('exchanges.txt', { exact: true }).first().click();
    await page.getByText(/\[under-test\] DELETE/).first().waitFor();
    await page.screenshot({ path: screenshot, fullPage: true });
    return await page.locator('body').innerText();
  } finally {
    await browser.close();
  }
}
