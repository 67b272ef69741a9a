import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import { migrateToLatest, openDatabase, type DatabaseHandle } from './db/database.ts';
import { buildServer } from './http/server.ts';
import { systemClock, type Clock } from './lib/clock.ts';
import { personRoutes } from './persons/persons.routes.ts';
import type { ServiceContext } from './services.ts';
import { statusRoutes } from './timeline/statuses.routes.ts';

export interface App {
  ctx: ServiceContext;
  server: FastifyInstance;
  database: DatabaseHandle;
  /** Listens and returns the base URL, e.g. `http://127.0.0.1:8080`. */
  start(): Promise<string>;
  stop(): Promise<void>;
}

export interface AppOptions {
  clock?: Clock;
  /** PostgreSQL schema (tests give each run its own). */
  dbSchema?: string;
}

const ROUTES = [personRoutes, statusRoutes];

/** Opens the store, brings its schema up to date and wires the HTTP server; `start` listens. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const database = openDatabase({ url: config.dbUrl, dataDir: config.dataDir, schema: options.dbSchema });
  try {
    await migrateToLatest(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }
  const ctx: ServiceContext = { db: database.db, dialect: database.dialect, clock: options.clock ?? systemClock };
  const server = await buildServer(ctx, { bodyLimit: config.bodyLimit, logger: config.logger, routes: ROUTES });
  return {
    ctx,
    server,
    database,
    async start() {
      await server.listen({ port: config.port, host: config.host });
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      return `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    },
    async stop() {
      await server.close();
      await database.close();
    },
  };
}
