/** Schema of `GET /api/v1/me`. */
import { z } from 'zod';

/** The caller as `GET /api/v1/me` answers it. */
export const MeResponseSchema = z
  .object({
    name: z.string().describe('The key\'s name (`anonymous` when authentication is off): the actor of commands, the approver of decisions'),
    roles: z.array(z.string()),
    permissions: z.array(z.string()).describe('Every permission the key grants, wildcard and implications expanded'),
    authentication: z.enum(['on', 'off']).describe('`off`: no keys are configured and every caller is anonymous'),
  })
  .meta({ id: 'Caller' });
