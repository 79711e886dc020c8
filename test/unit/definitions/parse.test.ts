import { DefinitionError, type DefinitionIssue } from '../../../src/definitions/definition-error';
import { parseDefinition, validateDefinitionObject } from '../../../src/definitions/parse';

/** The example in docs/design.md §2, restricted to basic, router and parallel tasks. */
const ORDER_APPROVAL = `
id: order-approval
version: 1
input: { type: object, required: [orderId, amount], properties: { orderId: {type: string}, amount: {type: number} } }
config: { timeout: 7d, retry: { maximum_attempts: 3, initial_interval: 1s } }
tasks:
  - id: route
    type: router
    condition: input.amount > 1000            # expressions are CEL
    routes: { "true": approve, "false": charge }
  - id: approve
    type: basic
    tool: echo
    with: { message: "order {{ input.orderId }} needs approval" }
    on_success: { next: charge }
  - id: charge
    type: basic
    tool: http
    with: { method: POST, url: "{{ env.PAYMENTS_URL }}/charge", body: { order: "{{ input.orderId }}", amount: "{{ input.amount }}" } }
    timeout: 30s
    retry: { maximum_attempts: 5, backoff_coefficient: 2 }
    on_success: { next: fulfil }
    on_error: { next: refund }
  - id: fulfil
    type: parallel
    strategy: best_effort
    branches:
      - id: shipping
        tasks:
          - id: wait-shipping
            type: basic
            tool: echo
            with: { charge: "{{ tasks.charge.output.id }}" }
      - id: notify
        tasks:
          - { id: email, type: basic, tool: echo, with: { to: "{{ input.orderId }}" } }
    on_success: { next: done }
  - id: refund
    type: basic
    tool: echo
    final: true
  - id: done
    type: basic
    tool: echo
    with: { carrier: '{{ tasks["wait-shipping"].output }}' }
outputs: { charge_id: "{{ tasks.charge.output.id }}" }
`;

/** A small valid definition in object form, to break in one place per test. */
function baseDefinition(): Record<string, unknown> {
  return {
    id: 'orders',
    tasks: [
      { id: 'validate', type: 'basic', tool: 'echo', with: { order: '{{ input.orderId }}' }, on_success: { next: 'charge' } },
      { id: 'charge', type: 'basic', tool: 'http', on_success: { next: 'notify' } },
      { id: 'notify', type: 'basic', tool: 'echo' },
    ],
  };
}

function issuesOf(run: () => unknown): readonly DefinitionIssue[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DefinitionError) return error.issues;
    throw error;
  }
  throw new Error('expected a DefinitionError');
}

/** Asserts that an issue exists at exactly `path` whose message contains `message`. */
function expectIssue(issues: readonly DefinitionIssue[], path: string, message: string): void {
  expect(issues).toEqual(expect.arrayContaining([{ path, message: expect.stringContaining(message) as unknown }]));
}

describe('parseDefinition: valid definitions', () => {
  it('accepts the docs/design.md §2 example (basic, router and parallel tasks)', () => {
    const definition = parseDefinition(ORDER_APPROVAL);
    expect(definition.id).toBe('order-approval');
    expect(definition.tasks.map((t) => t.id)).toEqual(['route', 'approve', 'charge', 'fulfil', 'refund', 'done']);
    const fulfil = definition.tasks[3];
    expect(fulfil?.type === 'parallel' && fulfil.branches.map((b) => b.id)).toEqual(['shipping', 'notify']);
    expect(definition.outputs).toEqual({ charge_id: '{{ tasks.charge.output.id }}' });
  });

  it('accepts nested parallels, with the strategy defaulting to wait_all', () => {
    const definition = parseDefinition(`
id: nested
tasks:
  - id: outer
    type: parallel
    branches:
      - id: left
        tasks:
          - id: inner
            type: parallel
            strategy: fail_fast
            branches:
              - id: a
                tasks:
                  - { id: a1, type: basic, tool: echo, on_success: { next: a2 } }
                  - { id: a2, type: basic, tool: echo, with: { from: "{{ tasks.a1.output }}" } }
              - id: b
                tasks: [{ id: b1, type: basic, tool: echo }]
            on_success: { next: after-inner }
          - { id: after-inner, type: basic, tool: echo }
      - id: right
        tasks: [{ id: r1, type: basic, tool: echo }]
    on_success: { next: last }
  - { id: last, type: basic, tool: echo, with: { all: "{{ [tasks.a2.output, tasks.r1.output] }}" } }
`);
    const outer = definition.tasks[0];
    expect(outer?.type === 'parallel' && outer.strategy).toBe('wait_all');
  });

  it('parses the same definition from JSON, detected or declared', () => {
    const json = JSON.stringify(baseDefinition());
    expect(parseDefinition(json).id).toBe('orders');
    expect(parseDefinition(json, 'json').id).toBe('orders');
    expect(parseDefinition(`  \n${json}`).tasks).toHaveLength(3);
  });

  it('validates objects that were parsed already', () => {
    expect(validateDefinitionObject(baseDefinition()).tasks).toHaveLength(3);
  });

  it('accepts on_error routes, router defaults and reads of task status', () => {
    const definition = baseDefinition();
    definition.tasks = [
      { id: 'check', type: 'router', condition: 'input.kind', routes: { a: 'do-a' }, default: 'do-b', on_error: { next: 'recover' } },
      { id: 'do-a', type: 'basic', tool: 'echo', on_error: { next: 'recover' } },
      { id: 'do-b', type: 'basic', tool: 'echo', with: '{{ tasks["do-a"].status }}' },
      { id: 'recover', type: 'basic', tool: 'echo', final: true },
    ];
    expect(validateDefinitionObject(definition).tasks).toHaveLength(4);
  });
});

describe('parseDefinition: invalid definitions', () => {
  it('names an unknown transition target with the full path', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[1]!.on_success = { next: 'chrge' };
    const error = (() => {
      try {
        return validateDefinitionObject(definition);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DefinitionError);
    expect((error as DefinitionError).message).toContain('tasks[1].on_success.next: unknown task "chrge" (did you mean "charge"?)');
  });

  it('reports "tasks[2].on_success.next: unknown task" for the third task', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[2]!.on_success = { next: 'chrge' };
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[2].on_success.next', 'unknown task "chrge"');
  });

  it('rejects duplicate task ids', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[2]!.id = 'validate';
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[2].id', 'duplicate task id "validate" (already used at tasks[0])');
  });

  it('rejects a task id used again inside a parallel branch', () => {
    const issues = issuesOf(() =>
      parseDefinition(`
id: dup
tasks:
  - id: fan
    type: parallel
    branches:
      - id: left
        tasks: [{ id: fan, type: basic, tool: echo }]
`),
    );
    expectIssue(issues, 'tasks[0].branches[0].tasks[0].id', 'duplicate task id "fan"');
  });

  it('rejects duplicate branch ids in one parallel', () => {
    const issues = issuesOf(() =>
      parseDefinition(`
id: dup-branch
tasks:
  - id: fan
    type: parallel
    branches:
      - { id: same, tasks: [{ id: a, type: basic, tool: echo }] }
      - { id: same, tasks: [{ id: b, type: basic, tool: echo }] }
`),
    );
    expectIssue(issues, 'tasks[0].branches[1].id', 'duplicate branch id "same" in parallel "fan"');
  });

  it('rejects a branch that jumps out to the top level', () => {
    const issues = issuesOf(() =>
      parseDefinition(`
id: jump-out
tasks:
  - id: fan
    type: parallel
    branches:
      - id: left
        tasks: [{ id: l1, type: basic, tool: echo, on_success: { next: after } }]
    on_success: { next: after }
  - { id: after, type: basic, tool: echo }
`),
    );
    expectIssue(issues, 'tasks[0].branches[0].tasks[0].on_success.next', 'cannot jump to "after" in the top-level flow: transitions stay within branch "left" of parallel "fan"');
  });

  it('rejects the top level jumping into a branch, and one branch jumping into another', () => {
    const issues = issuesOf(() =>
      parseDefinition(`
id: jump-in
tasks:
  - id: start
    type: basic
    tool: echo
    on_success: { next: fan }
    on_error: { next: l1 }
  - id: fan
    type: parallel
    branches:
      - { id: left, tasks: [{ id: l1, type: basic, tool: echo, on_error: { next: r1 } }] }
      - { id: right, tasks: [{ id: r1, type: basic, tool: echo }] }
`),
    );
    expectIssue(issues, 'tasks[0].on_error.next', 'cannot jump to "l1" in branch "left" of parallel "fan": transitions stay within the top-level flow');
    expectIssue(issues, 'tasks[1].branches[0].tasks[0].on_error.next', 'cannot jump to "r1" in branch "right" of parallel "fan"');
  });

  it('rejects unreachable tasks', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[]).push({ id: 'orphan', type: 'basic', tool: 'echo' });
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[3]', 'task "orphan" is unreachable');
  });

  it('rejects unreachable tasks inside a branch', () => {
    const issues = issuesOf(() =>
      parseDefinition(`
id: branch-orphan
tasks:
  - id: fan
    type: parallel
    branches:
      - { id: left, tasks: [{ id: l1, type: basic, tool: echo }, { id: l2, type: basic, tool: echo }] }
`),
    );
    expectIssue(issues, 'tasks[0].branches[0].tasks[1]', 'task "l2" is unreachable: nothing in branch "left" of parallel "fan" leads to it from "l1"');
  });

  it('rejects cycles and names the tasks on them', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[2]!.on_error = { next: 'charge' };
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[1]', 'cycle: "charge" -> "notify" -> "charge"');
  });

  it('rejects a task that retries itself through on_error', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[0]!.on_error = { next: 'validate' };
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[0]', 'cycle: "validate" -> "validate"');
  });

  it('rejects a final task with on_success.next', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[0]!.final = true;
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[0].on_success.next', 'a final task cannot have on_success.next');
  });

  it('rejects a router condition that is not CEL', () => {
    const issues = issuesOf(() =>
      parseDefinition(`
id: bad-router
tasks:
  - { id: route, type: router, condition: "input.amount >", routes: { "true": a } }
  - { id: a, type: basic, tool: echo }
`),
    );
    expectIssue(issues, 'tasks[0].condition', 'invalid expression "input.amount >": Unexpected token: EOF (column 15)');
  });

  it('rejects router conditions calling unknown functions or reading unknown tasks', () => {
    const issues = issuesOf(() =>
      parseDefinition(`
id: bad-router-2
tasks:
  - { id: route, type: router, condition: "lookup(input.id)", routes: { "x": a }, on_error: { next: b } }
  - { id: a, type: router, condition: "tasks.rout.output", routes: { "y": b } }
  - { id: b, type: basic, tool: echo }
`),
    );
    expectIssue(issues, 'tasks[0].condition', "no matching overload for 'lookup(dyn)'");
    expectIssue(issues, 'tasks[1].condition', 'unknown task "rout" in "tasks.rout.output" (did you mean "route"?)');
  });

  it('rejects a router route or default that names no task', () => {
    const issues = issuesOf(() =>
      parseDefinition(`
id: bad-routes
tasks:
  - { id: route, type: router, condition: input.kind, routes: { "true": nope }, default: missing }
`),
    );
    expectIssue(issues, 'tasks[0].routes.true', 'unknown task "nope"');
    expectIssue(issues, 'tasks[0].default', 'unknown task "missing"');
  });

  it('rejects final routers and routers with on_success', () => {
    const issues = issuesOf(() =>
      parseDefinition(`
id: odd-router
tasks:
  - { id: route, type: router, condition: input.kind, routes: { "a": a }, final: true, on_success: { next: a } }
  - { id: a, type: basic, tool: echo }
`),
    );
    expectIssue(issues, 'tasks[0].final', 'a router cannot be final');
    expectIssue(issues, 'tasks[0].on_success.next', 'a router continues through routes and default, not on_success.next');
  });

  it('rejects a template that is not CEL, naming the path inside with', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[1]!.with = { body: { order: '{{ input.orderId + }}' } };
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[1].with.body.order', 'invalid expression "input.orderId +"');
  });

  it('rejects an unterminated template', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[1]!.with = { url: '{{ env.URL }}/x/{{ input.id' };
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[1].with.url', 'unterminated template');
  });

  it('rejects templates reading an unknown root variable', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[1]!.with = { url: '{{ inputs.url }}' };
    expectIssue(
      issuesOf(() => validateDefinitionObject(definition)),
      'tasks[1].with.url',
      'unknown variable "inputs" in "inputs.url" (did you mean "input"?) (expressions can read input, tasks, execution, signal, resume, env)',
    );
  });

  it('does not mistake comprehension variables for root variables', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[1]!.with = { n: '{{ input.items.filter(item, item.qty > 0).map(x, x.sku) }}' };
    expect(() => validateDefinitionObject(definition)).not.toThrow();
  });

  it('rejects templates reading tasks.<id> of a task that does not exist', () => {
    const definition = baseDefinition();
    definition.outputs = { charge_id: '{{ tasks.chrge.output.id }}', other: '{{ tasks["no-such"].status }}' };
    const issues = issuesOf(() => validateDefinitionObject(definition));
    expectIssue(issues, 'outputs.charge_id', 'unknown task "chrge" in "tasks.chrge.output.id"');
    expectIssue(issues, 'outputs.other', 'unknown task "no-such"');
  });

  it.each(['pause', 'resume', 'taskResume', 'decide', 'commandRejected'])('rejects a wait task waiting for the command signal %s', (name) => {
    const definition = { id: 'reserved', tasks: [{ id: 'w', type: 'wait', wait_for: name }] };
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[0].wait_for', 'is the name of a command signal');
  });

  it('rejects a bad duration', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[1]!.timeout = '5 parsecs';
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[1].timeout', 'must be a positive duration');
  });

  it('rejects a bad duration in the workflow retry policy', () => {
    const definition = baseDefinition();
    definition.config = { retry: { initial_interval: '-1s' } };
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'config.retry.initial_interval', 'must be a positive duration');
  });

  it('rejects unknown fields (schemas are strict)', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[0]!.nxt = 'charge';
    definition.owner = 'me';
    const issues = issuesOf(() => validateDefinitionObject(definition));
    expectIssue(issues, 'tasks[0]', 'unknown field "nxt"');
    expectIssue(issues, '', 'unknown field "owner"');
  });

  it('rejects an unknown task type', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[2]!.type = 'approve';
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[2].type', 'must be one of "basic", "router", "parallel", "approval", "wait"');
  });

  it('rejects an input JSON Schema that Ajv cannot compile', () => {
    const definition = baseDefinition();
    definition.input = { type: 'object', properties: { amount: { type: 'numbr' } } };
    expectIssue(
      issuesOf(() => validateDefinitionObject(definition)),
      'input',
      'invalid JSON Schema: properties.amount.type: must be equal to one of the allowed values',
    );
  });

  it('rejects an output_schema with an unknown keyword', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[1]!.output_schema = { type: 'object', requried: ['id'] };
    expectIssue(issuesOf(() => validateDefinitionObject(definition)), 'tasks[1].output_schema', 'unknown keyword: "requried"');
  });

  it('rejects an empty task list', () => {
    expectIssue(issuesOf(() => parseDefinition('id: empty\ntasks: []\n')), 'tasks', 'a workflow needs at least one task');
  });

  it('rejects a router without routes', () => {
    const issues = issuesOf(() => parseDefinition('id: r\ntasks:\n  - { id: route, type: router, condition: "true", routes: {} }\n'));
    expectIssue(issues, 'tasks[0].routes', 'needs at least one route');
  });

  it('rejects a parallel without branches, and a branch without tasks', () => {
    expectIssue(issuesOf(() => parseDefinition('id: p\ntasks:\n  - { id: fan, type: parallel, branches: [] }\n')), 'tasks[0].branches', 'needs at least one branch');
    expectIssue(
      issuesOf(() => parseDefinition('id: p\ntasks:\n  - { id: fan, type: parallel, branches: [{ id: b, tasks: [] }] }\n')),
      'tasks[0].branches[0].tasks',
      'a branch needs at least one task',
    );
  });

  it('rejects malformed ids', () => {
    const definition = baseDefinition();
    definition.id = 'Orders Flow';
    (definition.tasks as Record<string, unknown>[])[2]!.id = '9lives';
    const issues = issuesOf(() => validateDefinitionObject(definition));
    expectIssue(issues, 'id', 'must be lowercase letters');
    expectIssue(issues, 'tasks[2].id', 'must start with a letter');
  });

  it('gives line and column for YAML syntax errors', () => {
    const issues = issuesOf(() => parseDefinition('id: x\ntasks:\n  - id: a\n   type: basic\n'));
    expect(issues).toEqual([{ path: '', message: 'YAML syntax error at line 4, column 1: Sequence item without - indicator' }]);
  });

  it('rejects duplicate YAML keys', () => {
    const issues = issuesOf(() => parseDefinition('id: x\nid: y\ntasks: []\n'));
    expectIssue(issues, '', 'YAML syntax error at line 2, column 1: Map keys must be unique');
  });

  it('reports JSON syntax errors with their position when the runtime gives one', () => {
    const issues = issuesOf(() => parseDefinition('{\n  "id": "x",\n  "tasks": [,]\n}', 'json'));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('');
    expect(issues[0]?.message).toMatch(/^JSON syntax error( at line 3, column 13)?: Unexpected token ','$/);
  });

  it('gives line and column for JSON errors that V8 locates', () => {
    const issues = issuesOf(() => parseDefinition('{\n  "id" "x"}'));
    expect(issues).toEqual([{ path: '', message: "JSON syntax error at line 2, column 8: Expected ':' after property name" }]);
  });

  it('rejects a document that is not a mapping', () => {
    expectIssue(issuesOf(() => parseDefinition('- just\n- a list\n')), '', 'expected object, received array');
  });

  it('lists every issue, and the message joins them', () => {
    const definition = baseDefinition();
    (definition.tasks as Record<string, unknown>[])[0]!.on_success = { next: 'nowhere' };
    try {
      validateDefinitionObject(definition);
      throw new Error('expected a DefinitionError');
    } catch (error) {
      expect(error).toBeInstanceOf(DefinitionError);
      const { issues, message } = error as DefinitionError;
      expect(issues.map((i) => i.path)).toEqual(['tasks[0].on_success.next', 'tasks[1]', 'tasks[2]']);
      expect(message).toBe(
        'invalid definition: tasks[0].on_success.next: unknown task "nowhere"; ' +
          'tasks[1]: task "charge" is unreachable: nothing in the top-level flow leads to it from "validate"; ' +
          'tasks[2]: task "notify" is unreachable: nothing in the top-level flow leads to it from "validate"',
      );
    }
  });
});
