import { createConnection, createServer, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP proxy that can turn into a black hole: connections stay open and nothing gets through. */
export interface TcpProxy {
  port: number;
  /** From now on, bytes are dropped both ways and new connections are accepted but never answered. */
  blackhole(): void;
  /** Forwards again; connections held during the black hole are closed (their protocol state is lost). */
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  let isBlackhole = false;
  const sockets = new Set<Socket>();
  const held = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => {
      sockets.delete(socket);
      held.delete(socket);
    });
    socket.on('error', () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    if (isBlackhole) {
      held.add(client);
      return;
    }
    const upstream = createConnection({ host: targetHost, port: targetPort });
    track(upstream);
    client.on('data', (chunk) => {
      if (isBlackhole) held.add(client);
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (isBlackhole) held.add(client);
      else client.write(chunk);
    });
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    blackhole: () => {
      isBlackhole = true;
    },
    restore: () => {
      isBlackhole = false;
      for (const socket of held) socket.destroy();
    },
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
