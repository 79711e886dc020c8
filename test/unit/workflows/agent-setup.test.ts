import fc from 'fast-check';
import type { AgentLoopState, AgentMessage, AgentToolCall } from '../../../src/workflows/agent-contracts';
import { continuation } from '../../../src/workflows/agent-setup';

/** A conversation as a loop builds it: turns of tool calls (some answered), repairs, final answers. */
const conversation = fc
  .array(
    fc.oneof(
      fc.record({ kind: fc.constant('tools' as const), calls: fc.integer({ min: 1, max: 3 }), answered: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('final' as const), repair: fc.boolean() }),
    ),
    { maxLength: 8 },
  )
  .map((turns) => {
    const messages: AgentMessage[] = [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }];
    const calls: AgentToolCall[] = [];
    let n = 0;
    for (const turn of turns) {
      if (turn.kind === 'final') {
        messages.push({ role: 'assistant', content: 'answer' });
        if (turn.repair) messages.push({ role: 'user', content: 'repair' });
        continue;
      }
      const ids = Array.from({ length: turn.calls }, () => `c${n++}`);
      messages.push({ role: 'assistant', content: null, tool_calls: ids.map((id) => ({ id, type: 'function', function: { name: 't', arguments: '{}' } })) });
      ids.forEach((id, i) => {
        const answered = i < turn.answered;
        calls.push({ id, name: 't', arguments: {}, raw_arguments: '{}', turn: 1, key: id, idempotency_key: id, status: answered ? 'succeeded' : 'running', approval: null, result: null, error: null, answered });
        if (answered) messages.push({ role: 'tool', tool_call_id: id, content: '{}' });
      });
    }
    const state: AgentLoopState = { agent_id: 'a', model: 'm', base_url: 'u', messages, turns: 3, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 }, tool_calls: calls, repairs: 1, raw_output: 'x', started: true, continued_from: null };
    return state;
  });

describe('continuation (a retry that continues from the last good step)', () => {
  it('keeps a prefix of the conversation in which every tool call has its result, and drops the rest', () => {
    fc.assert(
      fc.property(conversation, (state) => {
        const next = continuation(state, 'prev');
        expect(state.messages.slice(0, next.messages.length)).toEqual(next.messages);
        expect(next.messages.slice(0, 2)).toEqual(state.messages.slice(0, 2));
        const answered = new Set(next.messages.flatMap((m) => (m.role === 'tool' ? [m.tool_call_id] : [])));
        for (const m of next.messages) if (m.role === 'assistant') for (const c of m.tool_calls ?? []) expect(answered.has(c.id)).toBe(true);
        // It ends where the model must speak next: after the prompt or after a tool result.
        expect(['user', 'tool']).toContain(next.messages.at(-1)?.role);
        expect(next.tool_calls.every((c) => c.answered && answered.has(c.id))).toBe(true);
        expect(next).toMatchObject({ turns: 0, repairs: 0, raw_output: null, started: false, continued_from: 'prev', usage: state.usage });
      }),
    );
  });
});
