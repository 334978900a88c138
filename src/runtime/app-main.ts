/**
 * How both entry points start their runtime and end: a start-up failure exits 1 at once; then the
 * app's run with a progress line every `DEFAULTS.progressLogIntervalMs`, and after it the runtime
 * closed (broker, HTTP) and the exit code: 0 when the run ended (a signal, or the app's own limit),
 * 1 when it failed.
 */
import { exitAfterFlush, startAppRuntime, type AppRuntime, type AppRuntimeProps } from "./app-runtime.js";
import { DEFAULTS } from "./defaults.js";
import { startupFinished } from "./starting-signals.js";

/** `startAppRuntime`, or exit 1 with the reason on stderr (there is no logger yet to say it). */
export function startAppRuntimeOrExit(props: AppRuntimeProps): Promise<AppRuntime> {
  return startAppRuntime(props).catch((error: unknown) => {
    process.stderr.write(`${props.app}: start failed: ${(error as Error).message}\n`);
    process.exit(1);
  });
}

/** The app's part of its main, once its parts are built. */
export interface AppRunProps {
  readonly runtime: AppRuntime;
  /** The app, as it names the progress and final log lines. */
  readonly app: AppRuntimeProps["app"];
  /** Work until `signal` aborts (or the app is done); resolves the final summary. */
  readonly run: (signal: AbortSignal) => Promise<object>;
  /** The summary so far, for the progress line. */
  readonly progress: () => object;
  /** Closes what the app opened itself, after the runtime closed, on a clean end. @default nothing */
  readonly closeApp?: () => Promise<void>;
  /** Fields logged beside the final summary. @default none */
  readonly stoppedFields?: () => Record<string, unknown>;
}

/** End the start-up phase, run the app, close everything and exit (0 after a clean end, 1 on failure). */
export async function runAppAndExit(props: AppRunProps): Promise<void> {
  const { runtime, app } = props;
  const { logger } = runtime;
  const progress = setInterval(
    () => logger.info({ ...props.progress() }, `${app} progress`),
    DEFAULTS.progressLogIntervalMs,
  );
  progress.unref();
  startupFinished();
  try {
    const summary = await props.run(runtime.shutdown.signal);
    clearInterval(progress);
    await runtime.close();
    await props.closeApp?.();
    logger.info({ ...summary, ...props.stoppedFields?.() }, `${app} stopped`);
    exitAfterFlush(logger, 0);
  } catch (error) {
    clearInterval(progress);
    logger.error({ err: error }, `${app} failed`);
    await runtime.close().catch(() => {});
    exitAfterFlush(logger, 1);
  }
}
