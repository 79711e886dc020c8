/// <reference lib="dom" />
/**
 * The console's executions pages in a real browser (Debian's chromium) against the real API, worker
 * and Temporal dev server, auth off: finding an execution with the list's filters, reading a failed
 * task's context, repairing it (retry with an edited input) after reading the server's dry-run plan,
 * a partial repair whose plan and refusal show `missing`, and pausing (graceful, immediate), resuming
 * and cancelling from the page. The timeline follows the journal live. Every page: no console error
 * (but the refusal the test provokes), no foreign request, every control labelled, no horizontal
 * scrolling at 1280×800 and 375×667.
 */
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../harness';
import { ConsoleTab, launchBrowser, PHONE } from './console-browser';
import { type ConsoleServer, startConsoleServer } from './console-server';

const once = { maximum_attempts: 1 };

let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer(), launchBrowser()]);
  await server.api.register({
    id: 'console-repair',
    input: { type: 'object', properties: { failures: { type: 'integer' } } },
    tasks: [
      { id: 'fetch', type: 'basic', tool: 'echo', with: { item: 'book' }, on_success: { next: 'charge' } },
      { id: 'charge', type: 'basic', tool: 'flaky', with: { failures: '{{ input.failures }}' }, retry: once, on_error: { pause: true }, on_success: { next: 'hold' } },
      { id: 'hold', type: 'wait', wait_for: 'finish' },
    ],
  });
  await server.api.register({
    id: 'console-branches',
    config: { on_task_failure: 'pause' },
    tasks: [
      {
        id: 'fan',
        type: 'parallel',
        branches: [
          { id: 'left', tasks: [{ id: 'l1', type: 'basic', tool: 'fail', with: { message: 'left down', non_retryable: true } }] },
          { id: 'right', tasks: [{ id: 'r1', type: 'basic', tool: 'fail', with: { message: 'right down', non_retryable: true } }] },
        ],
      },
    ],
  });
  await server.api.register({ id: 'console-nap', tasks: [{ id: 'nap', type: 'basic', tool: 'sleep', with: { ms: 120_000 } }] });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const text = async (page: Page, selector: string): Promise<string> => (await page.locator(selector).first().textContent()) ?? '';

/** Waits until the app's live region says something matching `pattern`. */
const announced = (page: Page, pattern: RegExp) => waitFor(async () => pattern.test(await text(page, '#announcer')), { what: `announcement ${pattern}` });

async function review(page: Page, action: string): Promise<void> {
  await page.getByRole('form', { name: action }).getByRole('button', { name: 'Review the plan' }).click();
  await page.getByRole('region', { name: `Plan: ${action}` }).waitFor();
}

it('an operator finds a failed execution, reads the task context and the plan, then repairs it with an edited input', async () => {
  const id = await server.trigger('console-repair', { failures: 3 });
  await server.api.waitForStatus(id, 'paused', (s) => s.pause?.reason === 'task_failed');
  const tab = await ConsoleTab.open(browser, server.base);
  try {
    const { page } = tab;
    await page.goto('/ui/#/executions');
    await page.getByLabel('Status').selectOption('paused');
    await page.getByLabel('Workflow id').fill('console-repair');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(async () => (await page.evaluate(() => location.hash)) === '#/executions?status=paused&workflow=console-repair', { what: 'filters in the URL' });
    await page.getByRole('link', { name: id }).click();
    await page.getByRole('heading', { name: `Execution ${id}` }).waitFor();
    await page.locator('.summary').getByText('task_failed at charge').waitFor();
    await page.getByRole('region', { name: /Open gates \(1\)/ }).getByText('task_failed').waitFor();
    await tab.expectClean();

    // The failed task's context: its error, input and what it saw.
    await page.getByRole('button', { name: 'Context of charge' }).click();
    const context = page.locator('.task-context');
    await context.getByText('flaky failure 1').waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('context-heading');
    expect(await context.getByRole('region', { name: 'Input of charge' }).textContent()).toContain('"failures": 3');
    expect(await context.getByRole('region', { name: 'Inbound context of charge' }).textContent()).toContain('"item": "book"');
    await page.evaluate(() => window.scrollTo(0, 0));
    await tab.screenshot('console-execution', { readme: true });

    // The repair: retry with an edited input; the plan first, nothing applied yet.
    await page.getByLabel('What to do with charge').selectOption('retry');
    await page.getByRole('button', { name: 'Edit its last input' }).click();
    const input = page.getByLabel(/^Input for charge/);
    await waitFor(async () => (await input.inputValue()).includes('"failures": 3'), { what: 'last input loaded' });
    await input.fill('{"failures": 0}');
    await page.getByLabel('Reason').first().fill('card replaced');
    await review(page, 'Resume or repair');
    const plan = page.getByRole('region', { name: 'Plan: Resume or repair' });
    await plan.getByText('The server would apply this resume').waitFor();
    expect(await plan.textContent()).toContain('Re-run: charge (input override)');
    expect((await server.api.status(id)).status).toBe('paused');

    await plan.getByRole('button', { name: 'Apply the resume' }).click();
    await announced(page, /Resume applied: 1 re-run/);
    await waitFor(async () => (await page.evaluate(() => document.activeElement?.id)) === 'resume-heading', { what: 'focus back on the action' });
    const charge = await waitFor(async () => {
      const c = await server.api.taskContext(id, 'charge');
      return c.status === 'succeeded' ? c : undefined;
    }, { what: 'charge re-ran' });
    expect(charge).toMatchObject({ input: { failures: 0 }, output: { attempts: 1 } });
    // The timeline and the tasks follow live, without a reload.
    await page.locator('.events').getByText('WorkflowExecutionResumed').waitFor();
    await page.locator('.events li', { hasText: 'TaskWaitingStarted' }).getByText('hold').waitFor();
    await page.locator('tr', { hasText: 'hold' }).getByText('waiting').waitFor();

    // Graceful pause while it waits: the plan, then the pause.
    await review(page, 'Pause');
    expect(await page.getByRole('region', { name: 'Plan: Pause' }).textContent()).toContain('Running tasks finish first');
    await page.getByRole('button', { name: 'Apply the pause' }).click();
    await announced(page, /Pause requested \(graceful\)/);
    await server.api.waitForStatus(id, 'paused', (s) => s.pause?.gates.some((g) => g.reason === 'manual') ?? false);

    await page.setViewportSize(PHONE);
    await tab.screenshot('console-execution-phone');
    await tab.expectClean();
  } finally {
    await tab.close();
  }
});

it('a partial repair shows what is missing in the plan, and the refusal shows detail and missing', async () => {
  const id = await server.trigger('console-branches');
  await server.api.waitForStatus(id, 'paused', (s) => (s.pause?.gates.length ?? 0) === 2);
  const tab = await ConsoleTab.open(browser, server.base);
  try {
    const { page } = tab;
    await page.goto(`/ui/#/executions/${encodeURIComponent(id)}`);
    await page.getByRole('region', { name: /Open gates \(2\)/ }).waitFor();
    await page.getByLabel('What to do with l1').selectOption('retry');
    await review(page, 'Resume or repair');
    const plan = page.getByRole('region', { name: 'Plan: Resume or repair' });
    await plan.getByText('This resume would be refused').waitFor();
    expect(await plan.locator('.missing').textContent()).toMatch(/r1: .+/);

    // Applying it anyway: the server refuses (409) and the page shows the problem's detail and missing.
    tab.expectError({ text: /status of 409/, url: /\/resume$/ });
    await plan.getByRole('button', { name: 'Apply the resume' }).click();
    const refusal = plan.locator('.problem[role="alert"]', { hasText: 'refused' }).last();
    await refusal.getByText('Missing:').waitFor();
    expect(await refusal.textContent()).toMatch(/409 resume_requirements_unmet/);
    expect(await refusal.locator('.missing').textContent()).toMatch(/r1: .+/);
    expect((await server.api.status(id)).status).toBe('paused');

    // Back, address the other branch too (skip with an output): the plan is whole, and it applies.
    await plan.getByRole('button', { name: 'Back' }).click();
    await page.getByLabel('What to do with r1').selectOption('skip');
    await page.getByLabel(/^Output of r1/).fill('{"v": 1}');
    await review(page, 'Resume or repair');
    await plan.getByText('The server would apply this resume').waitFor();
    expect(await plan.textContent()).toMatch(/Re-run: l1 .*Skipped: r1 with output \{"v":1\}/s);
    await plan.getByRole('button', { name: 'Apply the resume' }).click();
    await announced(page, /Resume applied: 1 re-run, 1 skipped/);
    await page.locator('.events').getByText('TaskSkipped').waitFor();
    await tab.expectClean();
  } finally {
    await tab.close();
  }
});

it('pauses immediately (the running task is cancelled), resumes and cancels from the page', async () => {
  const id = await server.trigger('console-nap');
  await server.api.waitForStatus(id, 'running', (s) => s.active_tasks.includes('nap'));
  const tab = await ConsoleTab.open(browser, server.base);
  try {
    const { page } = tab;
    await page.goto(`/ui/#/executions/${encodeURIComponent(id)}`);
    await page.locator('tr', { hasText: 'nap' }).getByText('running').waitFor();
    await page.getByLabel('Immediate: running tasks are cancelled').check();
    await review(page, 'Pause');
    expect(await page.getByRole('region', { name: 'Plan: Pause' }).textContent()).toMatch(/cancelled now and run again on resume: nap/);
    await page.getByRole('button', { name: 'Apply the pause' }).click();
    await server.api.waitForStatus(id, 'paused');
    await page.locator('.summary').getByText(/^manual/).waitFor();

    await review(page, 'Resume or repair');
    expect(await page.getByRole('region', { name: 'Plan: Resume or repair' }).textContent()).toMatch(/Gates cleared: manual/);
    await page.getByRole('button', { name: 'Apply the resume' }).click();
    await server.api.waitForStatus(id, 'running');

    await review(page, 'Cancel');
    expect(await page.getByRole('region', { name: 'Plan: Cancel' }).textContent()).toMatch(/Running tasks are cancelled: nap/);
    await page.getByRole('button', { name: 'Cancel the execution' }).click();
    await server.api.waitForStatus(id, 'cancelled');
    await page.getByText('The execution is cancelled: nothing can change it any more.').waitFor();
    await page.getByText('The execution closed; the journal is complete').waitFor();
    await tab.expectClean();
  } finally {
    await tab.close();
  }
});
