import { describe, expect, it } from 'vitest';
import { listen } from './listen.js';

describe('listen', () => {
  it('serves a handler on 127.0.0.1 at a port the OS picked; close ends an open stream and may run twice', async () => {
    const running = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n'); // and never ends
    });
    expect(running.url).toBe(`http://127.0.0.1:${running.port}`);
    expect(running.port).toBeGreaterThan(0);
    const response = await fetch(running.url);
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: 1\n\n');
    await running.close();
    await expect(reader.read()).rejects.toThrow();
    await running.close();
    await expect(fetch(running.url)).rejects.toThrow();
  });
});
