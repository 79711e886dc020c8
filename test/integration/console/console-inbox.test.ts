/// <reference lib="dom" />
/**
 * The operator console in a real browser (Debian's chromium), against the real API, worker and
 * Temporal dev server, with API keys on: signing in (a wrong key is refused, a right one is kept for
 * the tab), the approver's inbox (role matching: another key sees nothing), live updates over SSE as
 * approvals arrive and are decided elsewhere, and an approval decided from the inbox with data from
 * the form generated from `decision_schema`. Every page: no console error, no foreign request, every
 * control labelled, no horizontal scrolling at 1280×800 and 375×667.
 */
import type { Browser, Page } from 'playwright-core';
import { waitFor } from '../harness';
import { ConsoleTab, launchBrowser, PHONE } from './console-browser';
import { type ConsoleServer, startConsoleServer } from './console-server';

const keys = {
  ops: { key: 'ops-key-0123456789abcdef00', name: 'ops', permissions: ['*'] },
  alice: { key: 'alice-key-0123456789abcdef', name: 'alice', permissions: ['approvals:decide', 'executions:read'], roles: ['finance'] },
  frank: { key: 'frank-key-0123456789abcdef', name: 'frank', permissions: ['approvals:decide'], roles: ['finance'] },
  carol: { key: 'carol-key-0123456789abcdef', name: 'carol', permissions: ['approvals:decide', 'executions:read'], roles: ['sales'] },
};

const order = {
  id: 'console-order',
  input: { type: 'object', required: ['orderId', 'amount'], properties: { orderId: { type: 'string' }, amount: { type: 'number' } } },
  tasks: [
    {
      id: 'review',
      type: 'approval',
      approvers: { roles: ['finance'] },
      message: 'Approve order {{ input.orderId }}',
      decision_schema: {
        type: 'object',
        required: ['note'],
        properties: {
          note: { type: 'string', title: 'Note for the ledger', minLength: 1 },
          priority: { enum: ['low', 'high'] },
          expedite: { type: 'boolean', title: 'Expedite shipping' },
          budget: { type: 'integer', description: 'Cost centre budget, EUR' },
        },
      },
      timeout: '48h',
      on_timeout: 'reject',
      on_approve: { next: 'charge' },
    },
    { id: 'charge', type: 'basic', tool: 'record', with: { order: '{{ input.orderId }}' } },
  ],
};

let server: ConsoleServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startConsoleServer({ apiKeys: Object.values(keys), key: keys.ops.key }), launchBrowser()]);
  await server.api.register(order);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const card = (page: Page, executionId: string) => page.locator('article.approval', { has: page.locator(`a:text-is("${executionId}")`) });

async function signIn(tab: ConsoleTab, key: string): Promise<void> {
  await tab.page.goto('/ui/');
  await tab.page.getByLabel('API key').fill(key);
  await tab.page.getByRole('button', { name: 'Sign in' }).click();
  await tab.page.getByRole('heading', { name: 'Approvals inbox' }).waitFor();
}

async function approvalOpen(executionId: string): Promise<void> {
  await server.api.waitForStatus(executionId, 'paused', (s) => s.pause?.reason === 'approval_required');
}

it('signs in with a key (a wrong one shows the refusal), keeps it for the tab, and signs out', async () => {
  const tab = await ConsoleTab.open(browser, server.base);
  try {
    await tab.page.goto('/ui/');
    await tab.page.getByRole('heading', { name: 'Sign in to Cadenza' }).waitFor();
    await tab.expectClean();
    tab.expectError({ text: /status of 401/, url: /\/api\/v1\/me$/ });
    await tab.page.getByLabel('API key').fill('not-a-key-0123456789');
    await tab.page.getByRole('button', { name: 'Sign in' }).click();
    await tab.page.getByRole('alert').waitFor();
    expect(await tab.page.getByRole('alert').textContent()).toContain('the API key is not valid');
    await tab.page.getByLabel('API key').fill(keys.alice.key);
    await tab.page.getByRole('button', { name: 'Sign in' }).click();
    await tab.page.getByRole('heading', { name: 'Approvals inbox' }).waitFor();
    expect(await tab.page.locator('header .who').textContent()).toBe('Signed in as alice (finance)');
    // The key stays for this tab: a reload needs no sign-in; it is in session storage, not local storage.
    await tab.page.reload();
    await tab.page.getByRole('heading', { name: 'Approvals inbox' }).waitFor();
    expect(await tab.page.evaluate(() => [sessionStorage.length, localStorage.length])).toEqual([1, 0]);
    await tab.page.getByRole('button', { name: 'Sign out' }).click();
    await tab.page.getByRole('heading', { name: 'Sign in to Cadenza' }).waitFor();
    expect(await tab.page.evaluate(() => sessionStorage.length)).toBe(0);
    await tab.expectClean();
  } finally {
    await tab.close();
  }
});

it('shows the approver its approvals, live as they arrive and are decided elsewhere, and approves one with form data', async () => {
  const first = await server.trigger('console-order', { orderId: 'A-1', amount: 1200 });
  await approvalOpen(first);
  const alice = await ConsoleTab.open(browser, server.base);
  const carol = await ConsoleTab.open(browser, server.base);
  try {
    await signIn(alice, keys.alice.key);
    const a1 = card(alice.page, first);
    await a1.waitFor();
    await expect(a1.locator('.message').textContent()).resolves.toBe('Approve order A-1');
    await expect(a1.locator('dl').textContent()).resolves.toMatch(/Requested.*Expires.*\(then: reject\).*role finance.*charge runs next/);
    // The context the approver decides on, and the form from decision_schema: one labelled control per property.
    await a1.getByText('Task context the decision is about').click();
    await expect(a1.getByRole('region', { name: 'Inbound context of review' }).textContent()).resolves.toContain('"orderId": "A-1"');
    for (const label of ['Note for the ledger (required)', 'priority', 'Expedite shipping', 'budget', 'Comment']) await a1.getByLabel(label, { exact: true }).waitFor();
    await expect(a1.getByLabel('budget').getAttribute('aria-describedby')).resolves.toBeTruthy();
    await alice.page.locator('.connection[data-state="live"]').waitFor();

    // Live: a new approval appears without a reload, and is announced.
    const second = await server.trigger('console-order', { orderId: 'B-2', amount: 80 });
    await card(alice.page, second).waitFor({ timeout: 15_000 });
    await waitFor(async () => /New approval: review of /.test((await alice.page.locator('#announcer').textContent()) ?? ''), { what: 'announcement' });
    await alice.expectClean();
    await alice.screenshot('console-inbox', { readme: true });

    // Role matching: carol (sales) sees neither.
    await signIn(carol, keys.carol.key);
    await carol.page.getByText('Nothing waits for your decision.').waitFor();
    await carol.expectClean();

    // Decided elsewhere (frank, also finance, through the API): the card leaves alice's inbox.
    const res = await server.api.post(`/api/v1/executions/${second}/approvals/review`, { decision: 'reject', comment: 'duplicate', data: { note: 'dup' } }, { key: keys.frank.key });
    expect(res.statusCode).toBe(200);
    await card(alice.page, second).waitFor({ state: 'detached', timeout: 15_000 });
    await waitFor(async () => /decided elsewhere/.test((await alice.page.locator('#announcer').textContent()) ?? ''), { what: 'announcement' });

    // The executions list, filtered to what awaits her, names the one left.
    const nav = alice.page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Executions' }).click();
    await alice.page.getByLabel('Workflow id').fill('console-order');
    await alice.page.getByLabel('Awaiting me').check();
    // The list reads Temporal visibility, which learns of the decision a moment later: apply again until it has.
    await waitFor(
      async () => {
        await alice.page.getByRole('button', { name: 'Apply filters' }).click();
        await alice.page.getByRole('link', { name: first }).waitFor();
        return (await alice.page.getByRole('link', { name: second }).count()) === 0;
      },
      { timeoutMs: 15_000, intervalMs: 500, what: `${second} to leave the awaiting-me list` },
    );
    await alice.expectClean();
    await nav.getByRole('link', { name: 'Inbox' }).click();
    await a1.waitFor();

    // Alice decides the first from the form, by keyboard where a keyboard would.
    await a1.getByLabel('Note for the ledger (required)', { exact: true }).fill('within budget');
    await a1.getByLabel('priority').selectOption('high');
    await a1.getByLabel('Expedite shipping').check();
    await a1.getByLabel('budget').fill('5000');
    await a1.getByLabel('Comment').fill('ok by finance');
    await a1.getByLabel('Comment').focus();
    await alice.page.keyboard.press('Tab');
    expect(await alice.page.evaluate(() => document.activeElement?.textContent)).toBe('Approve');
    await alice.page.keyboard.press('Enter');
    await a1.waitFor({ state: 'detached' });
    expect(await alice.page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await waitFor(async () => /Approved: review of /.test((await alice.page.locator('#announcer').textContent()) ?? ''), { what: 'announcement' });
    await server.api.waitForStatus(first, 'completed');
    const review = await server.api.taskContext(first, 'review');
    expect(review.output).toMatchObject({
      decision: 'approve',
      approver: 'alice',
      comment: 'ok by finance',
      data: { note: 'within budget', priority: 'high', expedite: true, budget: 5000 },
    });
    await alice.page.getByText('Nothing waits for your decision.').waitFor();

    // Phone width: the same page works without horizontal scrolling.
    await alice.page.setViewportSize(PHONE);
    await alice.expectClean();
    expect(alice.requests.some((u) => u.includes('/api/v1/approvals/stream'))).toBe(true);
  } finally {
    await alice.close();
    await carol.close();
  }
});

it("shows an agent's tool-call approval (data.tool_call) and approves it with edited arguments", async () => {
  // Agents (docs/design.md §8) open approval gates with `data.tool_call`; until a definition here can
  // run one, this test serves the inbox stream itself, in the shape GET /api/v1/approvals/stream
  // documents, and catches the decision the card sends.
  const item = {
    execution_id: 'triage-1',
    workflow_id: 'support',
    workflow_version: 2,
    task_id: 'classify',
    task_exec_id: '6f0c1a52-2f7e-4d0b-9a51-1d2e3f405060',
    branch: null,
    requested_at: new Date().toISOString(),
    message: null,
    approvers: { roles: ['finance'] },
    expires_at: null,
    on_timeout: null,
    next_task_id: null,
    decision_schema: null,
    tool_call: { name: 'refund', arguments: { order: 'A-1', amount: 30 } },
    context: { input: { ticket_id: 'T-7' } },
    links: { decide: '/api/v1/executions/triage-1/approvals/classify', execution: '/api/v1/executions/triage-1', context: '/api/v1/executions/triage-1/tasks/classify/context' },
  };
  const tab = await ConsoleTab.open(browser, server.base);
  const decisions: unknown[] = [];
  try {
    await tab.page.route('**/api/v1/approvals/stream', (route) =>
      route.fulfill({ status: 200, contentType: 'text/event-stream', body: `retry: 60000\n\nevent: inbox\ndata: ${JSON.stringify({ items: [item], unavailable: [], next_page_token: null })}\n\n` }),
    );
    await tab.page.route('**/api/v1/executions/triage-1/approvals/classify', async (route) => {
      decisions.push(route.request().postDataJSON());
      await route.fulfill({ status: 200, json: { execution_id: 'triage-1', status: 'running' } });
    });
    await signIn(tab, keys.alice.key);
    const toolCard = tab.page.locator('article.approval', { hasText: 'Tool call refund' });
    await toolCard.waitFor();
    expect(await toolCard.getByRole('region', { name: 'Arguments of refund' }).textContent()).toContain('"amount": 30');
    await toolCard.getByLabel(/^Arguments to run it with/).fill('{"order": "A-1", "amount": 25}');
    await toolCard.getByLabel('Comment').fill('partial refund');
    await toolCard.getByRole('button', { name: 'Approve' }).click();
    await toolCard.waitFor({ state: 'detached' });
    expect(decisions).toEqual([{ decision: 'approve', comment: 'partial refund', data: { arguments: { order: 'A-1', amount: 25 } } }]);
    await tab.expectClean();
  } finally {
    await tab.close();
  }
});
