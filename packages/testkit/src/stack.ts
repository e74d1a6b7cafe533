/**
 * Starts the whole platform as real processes: daraja-sim and the seven services, each with its own environment
 * (DESIGN §2 ports by default). `make start` (scripts/dev.ts) and the end-to-end tests both use it, so the
 * way a service is launched is written once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, closeSync, mkdirSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const serviceNames = ['identity', 'catalog', 'payments', 'webhook-ingest', 'audit', 'notifications', 'gateway'] as const;
export type ServiceName = (typeof serviceNames)[number] | 'daraja-sim';

export const defaultPorts: Record<ServiceName, number> = {
  gateway: 8080,
  identity: 8081,
  catalog: 8082,
  payments: 8083,
  'webhook-ingest': 8084,
  audit: 8085,
  notifications: 8086,
  'daraja-sim': 8089,
};

export interface StackOptions {
  root: string;
  /** Ports by process; `'random'` picks free ones (tests). */
  ports: Record<ServiceName, number> | 'random';
  /** Postgres DSN of each data service's role. */
  databaseUrls: Partial<Record<ServiceName, string>>;
  natsUrl: string;
  redisUrl: string;
  namespace: string;
  keystorePath: string;
  /** Simulator credentials (generated per machine by secrets-init, or per test). */
  sim: { consumerKey: string; consumerSecret: string; shortcode: string; passkey: string; callbackDelayMs?: number };
  logDir: string;
  logLevel?: string;
  /** Give each process this process's environment under its own settings (`make start`: your overrides reach
   * the services). Tests leave it off so that nothing from the developer's shell changes what they check. */
  inheritEnv?: boolean;
  /** Called as each process is spawned, before it is healthy (a runner that must stop them on a signal). */
  onSpawn?: (name: ServiceName, child: ChildProcess) => void;
  /** Extra environment per process (overrides). */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
}

export interface RunningStack {
  ports: Record<ServiceName, number>;
  url(name: ServiceName): string;
  /** SIGTERM every process, wait for each to exit (SIGKILL after the grace period). */
  stop(graceMs?: number): Promise<void>;
  processes: Map<ServiceName, ChildProcess>;
}

/** Signals a child's whole process group (tsx and the node process it runs). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    child.kill(signal);
  }
}

/** SIGTERM to each child's group, then wait for every exit (SIGKILL after the grace period). */
export async function stopChildren(children: ChildProcess[], graceMs = 10_000): Promise<void> {
  // SIGTERM to tsx alone: it relays the signal to the node process it runs. Signalling the whole group would
  // deliver it twice, and a second signal means "stop now" to a service.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
        }),
    ),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** The environment each process gets. */
export function stackEnvironment(o: StackOptions, ports: Record<ServiceName, number>): Record<ServiceName, Record<string, string>> {
  const url = (n: ServiceName) => `http://127.0.0.1:${ports[n]}`;
  const common = {
    LOG_LEVEL: o.logLevel ?? 'info',
    HOST: '127.0.0.1',
    NATS_URL: o.natsUrl,
    REDIS_URL: o.redisUrl,
    DUKA_NAMESPACE: o.namespace,
    KEYSTORE_PATH: o.keystorePath,
  };
  const envs = {} as Record<ServiceName, Record<string, string>>;
  for (const name of serviceNames) {
    envs[name] = { ...common, PORT: String(ports[name]), OTEL_SERVICE_NAME: name };
    const db = o.databaseUrls[name];
    if (db) envs[name].DATABASE_URL = db;
  }
  Object.assign(envs.gateway, {
    IDENTITY_URL: url('identity'),
    CATALOG_URL: url('catalog'),
    PAYMENTS_URL: url('payments'),
    AUDIT_URL: url('audit'),
    NOTIFICATIONS_URL: url('notifications'),
  });
  Object.assign(envs.payments, {
    MPESA_BASE_URL: url('daraja-sim'),
    MPESA_CONSUMER_KEY: o.sim.consumerKey,
    MPESA_CONSUMER_SECRET: o.sim.consumerSecret,
    MPESA_SHORTCODE: o.sim.shortcode,
    MPESA_PASSKEY: o.sim.passkey,
    PUBLIC_WEBHOOK_BASE_URL: url('webhook-ingest'),
  });
  envs['daraja-sim'] = {
    LOG_LEVEL: common.LOG_LEVEL,
    SIM_HOST: '127.0.0.1',
    SIM_PORT: String(ports['daraja-sim']),
    SIM_CONSUMER_KEY: o.sim.consumerKey,
    SIM_CONSUMER_SECRET: o.sim.consumerSecret,
    SIM_SHORTCODE: o.sim.shortcode,
    SIM_PASSKEY: o.sim.passkey,
    SIM_CALLBACK_DELAY_MS: String(o.sim.callbackDelayMs ?? 300),
  };
  for (const [name, extra] of Object.entries(o.env ?? {})) Object.assign(envs[name as ServiceName], extra);
  return envs;
}

/** This process's environment, then the stack's settings, then any of those the developer set explicitly
 * (except the per-process port and database, which only the stack may choose). */
function inherited(own: Record<string, string>): NodeJS.ProcessEnv {
  const fixed = new Set(['PORT', 'SIM_PORT', 'DATABASE_URL', 'OTEL_SERVICE_NAME']);
  const overrides = Object.fromEntries(Object.keys(own).filter((k) => !fixed.has(k) && process.env[k]).map((k) => [k, process.env[k]]));
  return { ...process.env, ...own, ...overrides };
}

async function waitHealthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`no answer on ${url}/healthz after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Starts the simulator and the services (in dependency order, each once healthy). On any failure it stops
 * what it started and throws, naming the process and its log file.
 */
export async function startStack(o: StackOptions): Promise<RunningStack> {
  const ports = {} as Record<ServiceName, number>;
  for (const name of [...serviceNames, 'daraja-sim'] as ServiceName[]) {
    ports[name] = o.ports === 'random' ? await freePort() : o.ports[name];
  }
  const envs = stackEnvironment(o, ports);
  const tsx = join(o.root, 'node_modules', '.bin', 'tsx');
  mkdirSync(o.logDir, { recursive: true });
  const processes = new Map<ServiceName, ChildProcess>();
  const url = (n: ServiceName) => `http://127.0.0.1:${ports[n]}`;

  const stop = (graceMs = 10_000) => stopChildren([...processes.values()].reverse(), graceMs);

  const launch = async (name: ServiceName) => {
    const cwd = name === 'daraja-sim' ? join(o.root, 'packages', 'daraja-sim') : join(o.root, 'services', name);
    const args = name === 'daraja-sim' ? ['src/main.ts'] : ['--import', '@duka/telemetry/register', 'src/main.ts'];
    const logFile = join(o.logDir, `${name}.log`);
    // The child writes to the file itself: its logs do not depend on this process staying alive.
    appendFileSync(logFile, `=== ${name} started at ${new Date().toISOString()} (port ${ports[name]})\n`);
    const log = openSync(logFile, 'a');
    const child = spawn(tsx, args, {
      cwd,
      env: o.inheritEnv ? inherited(envs[name]) : { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...envs[name] },
      stdio: ['ignore', log, log],
      // Its own process group: a Ctrl-C in the terminal reaches the runner, which stops the services in order.
      detached: true,
    });
    closeSync(log);
    processes.set(name, child);
    o.onSpawn?.(name, child);
    try {
      await waitHealthy(url(name), child, 60_000);
    } catch (err) {
      throw new Error(`${name} did not start (${(err as Error).message}); see ${logFile}`);
    }
  };

  try {
    await launch('daraja-sim');
    // Data services first, in parallel; the gateway last, once its upstreams answer.
    await Promise.all(serviceNames.filter((n) => n !== 'gateway').map(launch));
    await launch('gateway');
  } catch (err) {
    await stop(3_000);
    throw err;
  }
  return { ports, url, stop, processes };
}
