import { connect, type Socket } from 'node:net';

/** A raw TCP client of the gateway: what it received, and whether and how the server ended it. */
export interface RawSocket {
  socket: Socket;
  /** Everything the server sent. */
  received(): string;
  /** Bytes this client wrote. */
  sent(): number;
  /** Resolves when the connection is closed (by either side). */
  closed: Promise<void>;
  isClosed(): boolean;
  /** Writes `text` now. */
  write(text: string): void;
  /** Writes `chunk` every `intervalMs` until the connection closes or `limit` chunks were sent. */
  trickle(chunk: string, intervalMs: number, limit: number): void;
  destroy(): void;
}

/** Opens a connection to `url`'s host and port; `first` is written once connected. */
export function openRawSocket(url: string, first = ''): Promise<RawSocket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = '';
    let sent = 0;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    // A server that drops the connection may reset it: that is an answer, not a failure.
    socket.on('error', () => {});
    const closedPromise = new Promise<void>((done) =>
      socket.once('close', () => {
        closed = true;
        clearInterval(timer);
        done();
      }),
    );
    const write = (text: string) => {
      if (closed || socket.destroyed) return;
      sent += Buffer.byteLength(text);
      socket.write(text);
    };
    socket.once('connect', () => {
      write(first);
      resolve({
        socket,
        received: () => received,
        sent: () => sent,
        closed: closedPromise,
        isClosed: () => closed,
        write,
        trickle(chunk, intervalMs, limit) {
          let count = 0;
          timer = setInterval(() => {
            count += 1;
            if (count > limit) clearInterval(timer);
            else write(chunk);
          }, intervalMs);
        },
        destroy: () => socket.destroy(),
      });
    });
    socket.once('error', reject);
  });
}
