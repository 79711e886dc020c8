/**
 * The commands that open a gate: resume (breakpoint / manual pause), approval decision and TaskResume.
 * Sent through the REST API when its routes exist; otherwise through the same Temporal updates the
 * routes use (`resumeUpdate`, `decideUpdate`, `taskResumeUpdate`), so the bench runs either way and
 * the results say which path was measured.
 */
import type { Client } from '@temporalio/client';
import { decideUpdate, resumeUpdate, taskResumeUpdate } from '../src/workflows/messages';
import type { JsonHttpClient } from './http-client';

export const CommandPath = { Rest: 'rest', TemporalClient: 'temporal-client' } as const;
export type CommandPath = (typeof CommandPath)[keyof typeof CommandPath];

export type GateCommand = 'resume' | 'approve' | 'taskResume';

const ACTOR = 'bench';

/** REST route of each command, for an execution and task. */
const restRoute: Record<GateCommand, (executionId: string, taskId: string) => { path: string; body: unknown }> = {
  resume: (id) => ({ path: `/api/v1/executions/${id}/resume`, body: { mode: 'continue', reason: 'bench' } }),
  approve: (id, taskId) => ({ path: `/api/v1/executions/${id}/approvals/${taskId}`, body: { decision: 'approve', comment: 'bench' } }),
  taskResume: (id, taskId) => ({ path: `/api/v1/executions/${id}/tasks/${taskId}/resume`, body: { resume_data: { by: ACTOR } } }),
};

/** A command the API refused or could not complete; `status` is the HTTP status. */
export class GateCommandError extends Error {
  override name = 'GateCommandError';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class GateCommands {
  private constructor(
    private readonly http: JsonHttpClient,
    private readonly client: Client,
    readonly paths: Readonly<Record<GateCommand, CommandPath>>,
  ) {}

  /** Finds out which commands the API already serves (an unknown route answers `route_not_found`). */
  static async detect(http: JsonHttpClient, client: Client): Promise<GateCommands> {
    const probeId = 'bench-probe-00000000-0000-4000-8000-000000000000';
    const paths = {} as Record<GateCommand, CommandPath>;
    for (const command of Object.keys(restRoute) as GateCommand[]) {
      const { path, body } = restRoute[command](probeId, 'probe');
      const response = await http.post<{ type?: string }>(path, body);
      const missing = response.status === 404 && typeof response.body?.type === 'string' && response.body.type.endsWith('route_not_found');
      paths[command] = missing ? CommandPath.TemporalClient : CommandPath.Rest;
    }
    return new GateCommands(http, client, paths);
  }

  /** Sends `command` and resolves once it was accepted (HTTP 2xx or update completed). */
  async send(command: GateCommand, executionId: string, taskId: string): Promise<void> {
    if (this.paths[command] === CommandPath.Rest) {
      const { path, body } = restRoute[command](executionId, taskId);
      const response = await this.http.post(path, body);
      if (response.status < 200 || response.status >= 300) {
        throw new GateCommandError(response.status, `${command} ${executionId}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
      }
      return;
    }
    const handle = this.client.workflow.getHandle(executionId);
    switch (command) {
      case 'resume':
        await handle.executeUpdate(resumeUpdate, { args: [{ mode: 'continue', reason: 'bench', actor: ACTOR }] });
        return;
      case 'approve':
        await handle.executeUpdate(decideUpdate, { args: [{ task_id: taskId, decision: 'approve', comment: 'bench', actor: ACTOR }] });
        return;
      case 'taskResume':
        await handle.executeUpdate(taskResumeUpdate, { args: [{ task_id: taskId, resume_data: { by: ACTOR }, actor: ACTOR }] });
        return;
    }
  }
}
