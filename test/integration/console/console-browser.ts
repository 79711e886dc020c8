/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The browser of the console tests: Debian's chromium driven by playwright-core (one browser per test
 * file, a fresh context per test), with the checks every console page must pass — no console error or
 * page error, no request to any origin but the API's, every form control labelled — and screenshots
 * (test-results/, or docs/img/ with CADENZA_UPDATE_SCREENSHOTS=1). Launch flags: DEVELOPERS.md.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';

/** Where Debian's chromium lives; `CADENZA_CHROMIUM` overrides it. */
export const CHROMIUM_PATH = process.env.CADENZA_CHROMIUM ?? '/usr/bin/chromium';

/** The flags the tests launch chromium with (headless is playwright's own `--headless`). */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const root = resolve(__dirname, '../../..');

/** Viewports the console must be usable at. */
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 375, height: 667 } as const;

/** Largest picture committed for the README. */
export const README_IMAGE_BYTES = 150 * 1024;

/** Launches the file's browser. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** A console error the test expects (a refusal it provokes): matched by text and, optionally, the URL it came from. */
export interface ExpectedError {
  text: RegExp;
  url?: RegExp;
}

/** One tab on the console, watched for what must never happen. */
export class ConsoleTab {
  readonly errors: string[] = [];
  readonly foreignRequests: string[] = [];
  readonly requests: string[] = [];
  private readonly expected: ExpectedError[] = [];

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly base: string,
  ) {
    const origin = new URL(base).origin;
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const url = message.location().url;
      const at = this.expected.findIndex((e) => e.text.test(message.text()) && (e.url === undefined || e.url.test(url)));
      if (at >= 0) this.expected.splice(at, 1);
      else this.errors.push(`${message.text()} (${url})`);
    });
    page.on('pageerror', (error) => this.errors.push(`pageerror: ${error.message}`));
    page.on('request', (request) => {
      const url = request.url();
      this.requests.push(url);
      if (!url.startsWith('data:') && new URL(url).origin !== origin) this.foreignRequests.push(url);
    });
  }

  /** Opens a new context (own session storage) and page at `viewport`. */
  static async open(browser: Browser, base: string, viewport: { width: number; height: number } = DESKTOP): Promise<ConsoleTab> {
    const context = await browser.newContext({ viewport, baseURL: base });
    const page = await context.newPage();
    return new ConsoleTab(context, page, base);
  }

  /** Announces a console error the next step provokes on purpose (Chrome logs every 4xx answer as one). */
  expectError(error: ExpectedError): void {
    this.expected.push(error);
  }

  /** The checks of every page: no error, nothing foreign loaded, every control labelled, no horizontal scrolling. */
  async expectClean(): Promise<void> {
    expect(this.errors).toEqual([]);
    expect(this.foreignRequests).toEqual([]);
    expect(await unlabelledControls(this.page)).toEqual([]);
    // Nothing sticks out to the right: the page never scrolls sideways (a wide JSON block scrolls inside itself).
    const sticksOut = await this.page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      return [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.json, .table-wrap'))
        .map((el) => `${el.tagName.toLowerCase()}.${el.className}: ${el.textContent?.slice(0, 40)}`)
        .slice(0, 5);
    });
    expect(sticksOut).toEqual([]);
    expect(await this.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
  }

  /**
   * Saves a screenshot of the viewport's top (at most 1280×720) to `test-results/<name>.png`; a README
   * picture (`readme: true`) goes to `docs/img/` instead when CADENZA_UPDATE_SCREENSHOTS=1, and must
   * stay within README_IMAGE_BYTES.
   */
  async screenshot(name: string, { readme = false } = {}): Promise<string> {
    const update = readme && process.env.CADENZA_UPDATE_SCREENSHOTS === '1';
    const dir = update ? join(root, 'docs', 'img') : join(root, 'test-results');
    mkdirSync(dir, { recursive: true });
    const path = join(dir, `${name}.png`);
    const viewport = this.page.viewportSize() ?? DESKTOP;
    await this.page.screenshot({ path, scale: 'css', clip: { x: 0, y: 0, width: Math.min(viewport.width, 1280), height: Math.min(viewport.height, 720) } });
    if (update) expect(statSync(path).size).toBeLessThanOrEqual(README_IMAGE_BYTES);
    return path;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

/**
 * Form controls without an accessible name, as Lighthouse's "form elements have labels" and
 * "buttons have an accessible name" audits see them: a `<label>`, `aria-label`, `aria-labelledby`,
 * or (buttons) their text. Returns a description of each offender.
 */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const named = (el: Element): boolean => {
      const aria = el.getAttribute('aria-label');
      if (aria && aria.trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(/\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      const labels = (el as HTMLInputElement).labels;
      if (labels && [...labels].some((l) => l.textContent?.trim())) return true;
      if ((el.tagName === 'BUTTON' || el.getAttribute('role') === 'button') && el.textContent?.trim()) return true;
      return false;
    };
    const controls = [...document.querySelectorAll('input:not([type="hidden"]), select, textarea, button, [role="button"]')];
    return controls.filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 120));
  });
}
