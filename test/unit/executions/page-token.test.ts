import { decodePageToken, encodePageToken } from '../../../src/executions/page-token';

describe('page tokens', () => {
  const query = "WorkflowType = 'cadenzaInterpreter'";
  const visibility = Uint8Array.from([1, 2, 3, 250, 251]);

  it('round-trip as URL-safe text', () => {
    const token = encodePageToken(query, visibility);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(decodePageToken(query, token)!)).toEqual(Buffer.from(visibility));
  });

  it('refuse tokens of another query, edited tokens and garbage', () => {
    const token = encodePageToken(query, visibility);
    expect(decodePageToken(`${query} AND CadenzaWorkflowId = 'x'`, token)).toBeUndefined();
    const edited = Buffer.from(token, 'base64url');
    edited[edited.length - 1] = edited.at(-1)! ^ 1;
    expect(decodePageToken(query, edited.toString('base64url'))).toBeUndefined();
    expect(decodePageToken(query, 'Zm9vYmFy')).toBeUndefined();
    expect(decodePageToken(query, '')).toBeUndefined();
  });
});
