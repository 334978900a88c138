/**
 * The shell commands of the documentation (fenced sh/bash/shell blocks of README.md and docs/*.md)
 * and the cluster objects they name, checked against what the manifests create.
 */
import type { KubeDoc } from "./manifests.js";

/** One command line of a code block (continuations joined, split at `&&`, `||`, `|`, `;`). */
export interface DocCommand {
  readonly file: string;
  readonly text: string;
  readonly argv: readonly string[];
}

const FENCE = /^```(sh|bash|shell)\s*\n([\s\S]*?)^```/gm;

/** Split a command line into words (single and double quotes kept together, `#` comments dropped). */
export function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'[^']*'|"[^"]*"|#.*$|[^\s'"#]+(?:'[^']*'|"[^"]*"|[^\s'"#]+)*/g)) {
    if (m[0].startsWith("#")) break;
    out.push(m[0].replace(/^'(.*)'$|^"(.*)"$/, "$1$2"));
  }
  return out;
}

export function docCommands(file: string, markdown: string): DocCommand[] {
  const commands: DocCommand[] = [];
  for (const block of markdown.matchAll(FENCE)) {
    const joined = block[2]!.replace(/\\\n\s*/g, " ");
    for (const line of joined.split("\n"))
      for (const part of line.split(/&&|\|\||\||;/)) {
        const argv = words(part.trim());
        if (argv.length > 0) commands.push({ file, text: part.trim(), argv });
      }
  }
  return commands;
}

/** Kubernetes kinds by the names kubectl accepts for them. */
const KIND_ALIASES: Readonly<Record<string, string>> = {
  namespace: "Namespace",
  namespaces: "Namespace",
  ns: "Namespace",
  deployment: "Deployment",
  deployments: "Deployment",
  deploy: "Deployment",
  service: "Service",
  services: "Service",
  svc: "Service",
  secret: "Secret",
  secrets: "Secret",
  scaledobject: "ScaledObject",
  scaledobjects: "ScaledObject",
  so: "ScaledObject",
  application: "Application",
  applications: "Application",
  app: "Application",
  apps: "Application",
  configmap: "ConfigMap",
  configmaps: "ConfigMap",
  cm: "ConfigMap",
  job: "Job",
  jobs: "Job",
  statefulset: "StatefulSet",
  sts: "StatefulSet",
};

/** What exists in the cluster once the manifests are synced. */
export interface ClusterObjects {
  readonly namespaces: ReadonlySet<string>;
  /** `Kind/namespace/name` */
  readonly objects: ReadonlySet<string>;
  /** The Sealed Secrets controller kubeseal must be pointed at. */
  readonly sealedSecretsController: { readonly name: string; readonly namespace: string };
}

/** Objects of the synthesized documents; a SealedSecret also yields the Secret its controller makes. */
export function objectsOf(docs: readonly KubeDoc[]): string[] {
  return docs.flatMap((d) => {
    const ns = d.kind === "Namespace" ? "" : (d.metadata.namespace ?? "");
    const own = `${d.kind}/${ns}/${d.metadata.name}`;
    return d.kind === "SealedSecret" ? [own, `Secret/${ns}/${d.metadata.name}`] : [own];
  });
}

function flag(argv: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    for (const n of names) {
      if (a === n) return argv[i + 1];
      if (a.startsWith(`${n}=`)) return a.slice(n.length + 1);
    }
  }
  return undefined;
}

/** Positional words after the command (flags and their values removed). */
function positionals(argv: readonly string[]): string[] {
  const withValue = new Set([
    "-n",
    "--namespace",
    "-f",
    "--filename",
    "-o",
    "--output",
    "-p",
    "--patch",
    "--type",
    "--for",
    "--timeout",
    "-l",
    "--selector",
    "--controller-name",
    "--controller-namespace",
  ]);
  const out: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (withValue.has(a)) i++;
    else if (!a.startsWith("-") && a !== ">") out.push(a);
    else if (a === ">") i++;
  }
  return out;
}

/** Problems with the cluster objects one command names (empty when all exist). */
export function commandProblems(
  command: DocCommand,
  cluster: ClusterObjects,
  createdByDocs: Set<string>,
): string[] {
  const [tool] = command.argv;
  const where = `${command.file}: ${command.text}`;
  const problems: string[] = [];
  if (tool === "kubeseal") {
    const name = flag(command.argv, ["--controller-name"]);
    const ns = flag(command.argv, ["--controller-namespace"]);
    const want = cluster.sealedSecretsController;
    if (name !== want.name)
      problems.push(`${where}: --controller-name ${name ?? "(default)"} is not the controller ${want.name}`);
    if (ns !== want.namespace)
      problems.push(`${where}: --controller-namespace ${ns ?? "(default)"} is not ${want.namespace}`);
    return problems;
  }
  if (tool !== "kubectl") return [];
  const namespace = flag(command.argv, ["-n", "--namespace"]);
  const knownNamespace = (ns: string): boolean => cluster.namespaces.has(ns) || createdByDocs.has(ns);
  if (namespace !== undefined && !knownNamespace(namespace))
    problems.push(`${where}: namespace ${namespace} is not created`);
  const [verb, ...rest] = positionals(command.argv);
  if (verb === "create" && (rest[0] === "namespace" || rest[0] === "ns") && rest[1] !== undefined) {
    createdByDocs.add(rest[1]);
    return problems;
  }
  const exists = (kind: string, name: string): boolean =>
    kind === "Namespace"
      ? knownNamespace(name)
      : cluster.objects.has(`${kind}/${namespace ?? "default"}/${name}`);
  const args = verb === "rollout" || verb === "port-forward" ? rest.slice(verb === "rollout" ? 1 : 0) : rest;
  if (!["get", "delete", "patch", "rollout", "port-forward", "describe", "logs"].includes(verb ?? ""))
    return problems;
  const refs: { kind: string; name: string }[] = [];
  const first = args[0];
  if (first === undefined) return problems;
  if (first.includes("/")) {
    for (const a of args.filter((x) => x.includes("/") && !/^\d/.test(x))) {
      const [k, n] = a.split("/");
      const kind = KIND_ALIASES[k!.toLowerCase()];
      if (kind !== undefined && n) refs.push({ kind, name: n });
    }
  } else {
    const kinds = first.split(",").map((k) => KIND_ALIASES[k.toLowerCase()]);
    const names = args.slice(1).filter((a) => !/^\d+(:\d+)?$/.test(a));
    if (kinds.length === 1 && kinds[0] !== undefined)
      for (const n of names) refs.push({ kind: kinds[0], name: n });
    if (names.length === 0 && namespace !== undefined)
      for (const kind of kinds.filter((k): k is string => k !== undefined))
        if (![...cluster.objects].some((o) => o.startsWith(`${kind}/${namespace}/`)))
          problems.push(`${where}: no ${kind} in ${namespace}`);
  }
  for (const r of refs)
    if (!exists(r.kind, r.name))
      problems.push(`${where}: ${r.kind} ${r.name} is not created${namespace ? ` in ${namespace}` : ""}`);
  return problems;
}
