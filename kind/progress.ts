/**
 * Sync and health progress of an environment's Argo CD Applications, judged from what
 * `kubectl -n argocd get applications -o json` prints (status fields of the Application CRD:
 * `status.sync.status`, `status.health.status`, `status.operationState.phase`, `status.conditions`,
 * `status.resources[].health`). Pure: the JSON goes in, a verdict and one line per Application
 * come out.
 */

/** The parts of an Application the verdict reads (all optional: a new Application has no status). */
export interface ApplicationObject {
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly status?: {
    readonly sync?: { readonly status?: string };
    readonly health?: { readonly status?: string; readonly message?: string };
    readonly operationState?: {
      readonly phase?: string;
      readonly message?: string;
      readonly retryCount?: number;
    };
    readonly conditions?: readonly { readonly type: string; readonly message: string }[];
    readonly resources?: readonly {
      readonly kind?: string;
      readonly name?: string;
      readonly namespace?: string;
      readonly health?: { readonly status?: string; readonly message?: string };
    }[];
  };
}

export type ProgressState =
  /** Every expected Application exists, Synced and Healthy. */
  | "healthy"
  /** A SealedSecret cannot be decrypted: the committed ciphertexts are for another cluster's key. */
  | "needs-sealing"
  /** An Application reports an error condition or a failed sync (Argo CD keeps retrying). */
  | "failing"
  /** Still syncing or becoming healthy. */
  | "progressing";

export interface ApplicationProgress {
  readonly name: string;
  readonly wave: number;
  readonly sync: string;
  readonly health: string;
  /** Why it is not done yet, when it says. */
  readonly detail?: string;
}

export interface Progress {
  readonly state: ProgressState;
  /** Expected Applications, in sync-wave order; missing ones have sync/health "Missing". */
  readonly applications: readonly ApplicationProgress[];
  /** One sentence for the user. */
  readonly summary: string;
}

/** The sealed-secrets controller's message when no private key of the cluster opens a ciphertext. */
const UNDECRYPTABLE = /no key could decrypt/i;
/** Condition types Argo CD reports as errors (ApplicationConditionType values ending in "Error"). */
const ERROR_CONDITION = /Error$/;

function waveOf(app: ApplicationObject): number {
  const raw = app.metadata.annotations?.["argocd.argoproj.io/sync-wave"];
  const wave = raw === undefined ? 0 : Number(raw);
  return Number.isFinite(wave) ? wave : 0;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** Why one Application is not Synced and Healthy, from its conditions, operation and resources. */
function detailOf(app: ApplicationObject): { detail?: string; failing: boolean; undecryptable: boolean } {
  const status = app.status ?? {};
  const sealed = (status.resources ?? []).find(
    (r) => r.kind === "SealedSecret" && UNDECRYPTABLE.test(r.health?.message ?? ""),
  );
  if (sealed !== undefined)
    return {
      detail: `SealedSecret ${sealed.namespace ?? ""}/${sealed.name ?? ""}: ${firstLine(sealed.health?.message ?? "")}`,
      failing: true,
      undecryptable: true,
    };
  const error = (status.conditions ?? []).find((c) => ERROR_CONDITION.test(c.type));
  if (error !== undefined)
    return { detail: `${error.type}: ${firstLine(error.message)}`, failing: true, undecryptable: false };
  const operation = status.operationState;
  if (operation?.phase === "Failed" || operation?.phase === "Error")
    return {
      detail: `sync ${operation.phase}${operation.retryCount ? ` (retry ${operation.retryCount})` : ""}: ${firstLine(operation.message ?? "")}`,
      failing: true,
      undecryptable: false,
    };
  const unhealthy = (status.resources ?? []).find(
    (r) => r.health?.status !== undefined && r.health.status !== "Healthy",
  );
  if (unhealthy !== undefined)
    return {
      detail: `${unhealthy.kind ?? "?"} ${unhealthy.namespace ? `${unhealthy.namespace}/` : ""}${unhealthy.name ?? ""} ${unhealthy.health?.status}${unhealthy.health?.message ? `: ${firstLine(unhealthy.health.message)}` : ""}`,
      failing: false,
      undecryptable: false,
    };
  if (operation?.phase === "Running" && operation.message)
    return { detail: firstLine(operation.message), failing: false, undecryptable: false };
  return { failing: false, undecryptable: false };
}

/**
 * Judge progress. `expected` are the Application names that must exist (the root and each child
 * of argocd/<env>/apps/); `listJson` is the `kubectl get applications -o json` output.
 */
export function evaluateProgress(listJson: string, expected: readonly string[]): Progress {
  const list = JSON.parse(listJson) as { items?: ApplicationObject[] };
  const byName = new Map((list.items ?? []).map((app) => [app.metadata.name, app]));
  let failing = false;
  let undecryptable = false;
  const applications: ApplicationProgress[] = expected.map((name) => {
    const app = byName.get(name);
    if (app === undefined)
      return { name, wave: Number.POSITIVE_INFINITY, sync: "Missing", health: "Missing" };
    const sync = app.status?.sync?.status ?? "Unknown";
    const health = app.status?.health?.status ?? "Unknown";
    if (sync === "Synced" && health === "Healthy") return { name, wave: waveOf(app), sync, health };
    const why = detailOf(app);
    failing ||= why.failing;
    undecryptable ||= why.undecryptable;
    return {
      name,
      wave: waveOf(app),
      sync,
      health,
      ...(why.detail === undefined ? {} : { detail: why.detail }),
    };
  });
  applications.sort((a, b) => a.wave - b.wave || a.name.localeCompare(b.name));
  const done = applications.filter((a) => a.sync === "Synced" && a.health === "Healthy").length;
  const counts = `${done}/${applications.length} Applications Synced and Healthy`;
  if (done === applications.length) return { state: "healthy", applications, summary: counts };
  if (undecryptable)
    return {
      state: "needs-sealing",
      applications,
      summary: `${counts}; the sealed Secrets were sealed for another cluster's key: seal them with this cluster's certificate and push`,
    };
  const first = applications.find((a) => !(a.sync === "Synced" && a.health === "Healthy"));
  return {
    state: failing ? "failing" : "progressing",
    applications,
    summary: `${counts}; waiting for ${first?.name ?? "?"} (${first?.sync}/${first?.health})`,
  };
}

/** The progress as lines a person reads: one per Application, the summary last. */
export function progressLines(progress: Progress): string[] {
  const width = Math.max(...progress.applications.map((a) => a.name.length));
  return [
    ...progress.applications.map(
      (a) =>
        `  ${a.name.padEnd(width)}  ${`${a.sync}/${a.health}`.padEnd(20)}${a.detail === undefined ? "" : `  ${a.detail}`}`,
    ),
    progress.summary,
  ];
}
