/** Types of node-http-json.mjs (the benches' plain node:http floor client). */
export interface NodeHttpJson {
  send(method: string, path: string, body?: string): Promise<unknown>;
  close(): void;
}
export function nodeHttpJson(baseUrl: string, token: string): NodeHttpJson;
