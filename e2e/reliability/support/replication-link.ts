import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay between a Redis replica and its master that can hold the replication stream:
 * the replica connects to `port`, every byte goes through. While held, nothing the master
 * sends reaches the replica (the master still sees a connected replica, the replica a live
 * link), so writes the master acknowledges meanwhile are on the master only: the window a
 * Sentinel failover loses, made as long as a test needs.
 */
export interface ReplicationLink {
  port: number;
  /** Stops relaying master → replica (bytes stay unread at the master's side). */
  hold(): void;
  /** Cuts every relayed connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a relay on a free loopback port to the Redis at `127.0.0.1:<masterPort>`. */
export function startReplicationLink(masterPort: number): Promise<ReplicationLink> {
  const sockets = new Set<Socket>();
  const fromMaster = new Set<Socket>();
  let held = false;
  const server = createServer((replicaSide) => {
    const masterSide = connect({ host: '127.0.0.1', port: masterPort });
    for (const socket of [replicaSide, masterSide]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {
        replicaSide.destroy();
        masterSide.destroy();
      });
    }
    fromMaster.add(masterSide);
    if (held) masterSide.pause();
    masterSide.pipe(replicaSide);
    replicaSide.pipe(masterSide);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      resolve({
        port: address.port,
        hold() {
          held = true;
          for (const socket of fromMaster) {
            socket.unpipe();
            socket.pause();
          }
        },
        close() {
          for (const socket of sockets) socket.destroy();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}
