import type { FastifyInstance } from 'fastify';
import type { Config } from './config.ts';
import type { DatabaseHandle } from './db/database.ts';
import { loadDemoEvidence } from './demo/demo-evidence.ts';
import { loadDemoData } from './demo/load-demo.ts';
import { buildServer } from './http/server.ts';
import type { Clock } from './lib/clock.ts';
import { keyBesideDataWarning } from './keys/deployment-key.ts';
import { openStore } from './store.ts';
import { accessPages } from './access/access.pages.ts';
import { accessRoutes } from './access/access.routes.ts';
import { actorPages } from './actors/actors.pages.ts';
import { actorRoutes } from './actors/actors.routes.ts';
import { directoryPages } from './directory/directory.pages.ts';
import { directoryRoutes } from './directory/directory.routes.ts';
import { eventPages } from './events/events.pages.ts';
import { eventRoutes } from './events/events.routes.ts';
import { interventionRoutes } from './interventions/interventions.routes.ts';
import { interventionPages } from './interventions/interventions.pages.ts';
import { personPages } from './persons/persons.pages.ts';
import { personRoutes } from './persons/persons.routes.ts';
import { relationPages } from './relations/relations.pages.ts';
import { relationRoutes } from './relations/relations.routes.ts';
import { reportPages } from './reports/reports.pages.ts';
import { reportRoutes } from './reports/reports.routes.ts';
import { sourceRoutes } from './sources/sources.routes.ts';
import type { ServiceContext } from './services.ts';
import { sourcePages } from './sources/sources.pages.ts';
import { statusRoutes } from './timeline/statuses.routes.ts';
import { statusPages } from './timeline/statuses.pages.ts';
import { ackPages } from './notify/ack.pages.ts';
import { dossierRoutes } from './notify/dossier.routes.ts';
import { alertPages } from './watch/alerts.pages.ts';
import { alertRoutes } from './watch/alerts.routes.ts';
import { inboundRoutes, sosRoutes } from './watch/channels.routes.ts';
import { checkinPages } from './watch/checkin.pages.ts';
import { dashboardPages } from './watch/dashboard.pages.ts';
import { watchPages } from './watch/watches.pages.ts';
import { watchRoutes } from './watch/watches.routes.ts';
import { watchScheduleRoutes } from './watch/schedules.routes.ts';
import { startConfiguredWorker } from './watch/worker-setup.ts';
import { bundleRoutes } from './vault/bundle.routes.ts';
import { evidencePages } from './vault/evidence.pages.ts';
import { evidenceRoutes } from './vault/evidence.routes.ts';
import { searchPages } from './search/search.pages.ts';
import { searchRoutes } from './search/search.routes.ts';
import { statsPages } from './stats/stats.pages.ts';
import { statsRoutes } from './stats/stats.routes.ts';
import { publicPages } from './public/public.pages.ts';
import { duplicateRoutes } from './search/duplicates.routes.ts';
import { duplicatePages } from './search/duplicates.pages.ts';
import type { Vault } from './vault/evidence.service.ts';
import { logRoutes } from './vault/log.routes.ts';
import { openVault } from './vault/vault-setup.ts';
import type { Worker } from './watch/worker.ts';
import { renderHtmlError, webPages } from './web/web.pages.ts';

export interface App {
  ctx: ServiceContext;
  /** Evidence files and the transparency log's key. */
  vault: Vault;
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
  /** The worker's monotonic time, for tests that move `clock` by hand (see clock-guard.ts). */
  monotonic?: () => number;
}

const ROUTES = [
  personRoutes,
  accessRoutes,
  statusRoutes,
  sourceRoutes,
  actorRoutes,
  directoryRoutes,
  eventRoutes,
  relationRoutes,
  interventionRoutes,
  watchRoutes,
  watchScheduleRoutes,
  alertRoutes,
  ackPages,
  dossierRoutes,
  reportRoutes,
  searchRoutes,
  statsRoutes,
  duplicateRoutes,
  sosRoutes,
  checkinPages,
  webPages,
  accessPages,
  personPages,
  searchPages,
  reportPages,
  statsPages,
  duplicatePages,
  statusPages,
  sourcePages,
  interventionPages,
  eventPages,
  relationPages,
  actorPages,
  directoryPages,
  dashboardPages,
  watchPages,
  alertPages,
];

/** Opens the store, brings its schema up to date and wires the HTTP server; `start` listens. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const store = await openStore(config, options);
  const { ctx, database } = store;
  let vault: Vault;
  try {
    vault = await openVault(ctx, config);
    if (config.demo) {
      // Fills only an empty store, so `--demo` is safe on every start.
      const demo = await loadDemoData(ctx);
      if (demo.first_person_id) await loadDemoEvidence(ctx, vault, demo.first_person_id);
    }
  } catch (error) {
    await database.close();
    throw error;
  }
  const vaultRoutes = [evidenceRoutes(vault), logRoutes(vault, { public: config.logPublic }), bundleRoutes(vault), evidencePages(vault)];
  const configured = [publicPages({ publicUrl: config.publicUrl }), ...vaultRoutes];
  const server = await buildServer(ctx, { bodyLimit: config.bodyLimit, logger: config.logger, routes: [...ROUTES, inboundRoutes(config.inboundSecret), ...configured], demo: config.demo, renderHtmlError, keyBesideData: store.keyBesideData, trustProxy: config.trustProxy });
  for (const notice of store.notices) server.log.info(notice);
  // On every start, until the key is moved out of the data directory.
  if (store.keyBesideData) server.log.warn(keyBesideDataWarning(config.dataDir));
  let worker: Worker | null = null;
  return {
    ctx,
    vault,
    server,
    database,
    async start() {
      await server.listen({ port: config.port, host: config.host });
      const address = server.server.address();
      const port = typeof address === 'object' && address ? address.port : config.port;
      const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
      // The early-warning loop, unless `--no-worker` (then `vigil worker` runs it elsewhere).
      if (config.worker) worker = startConfiguredWorker(ctx, config, { baseUrl: url, log: server.log, logSigner: vault.signer, ...(options.monotonic ? { monotonic: options.monotonic } : {}) });
      return url;
    },
    async stop() {
      await worker?.stop();
      worker = null;
      await server.close();
      await database.close();
    },
  };
}
