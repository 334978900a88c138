/**
 * `npm run kind`: the dry-run output is the subject (every command `up`, `down`, `e2e-prepare`
 * and `e2e` would run, in order, and nothing run or written), and the real mode's loops run against
 * a scripted shell that answers with Application fixtures, the way kubectl would.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { BROKER_BY_ENVIRONMENT } from "../../cdk8s/config.js";
import { sealableSecrets } from "../../cdk8s/secrets/catalog.js";
import { runKind, type KindIo } from "../../kind/kind-command.js";
import { ARGO_CD_INSTALL_URL, KIND_NODE_IMAGE } from "../../kind/pins.js";
import type { Prerequisites } from "../../kind/prerequisites.js";
import { dryRunShell, formatCommand, type Command, type Shell } from "../../kind/shell.js";
import { CliExit } from "../../tooling/cli.js";
import { REPO_ROOT } from "../../tooling/repo-root.js";

const ALL_THERE: Prerequisites = { runtime: "docker", runtimeEnv: {}, missing: [] };

async function printed(
  argv: string[],
  prerequisites: Prerequisites = ALL_THERE,
): Promise<{ lines: string[]; commands: string[] }> {
  const lines: string[] = [];
  const log = (line: string): void => void lines.push(...line.split("\n"));
  await runKind(argv, { shell: dryRunShell(log), log, env: {}, prerequisites: () => prerequisites });
  return { lines, commands: lines.filter((l) => l.startsWith("$ ")).map((l) => l.slice(2)) };
}

describe("npm run kind -- up --dry-run", () => {
  it("prints, in order, every command up runs, each kubectl bound to the new cluster's context", async () => {
    const { commands, lines } = await printed(["up", "--dry-run"]);
    const at = (pattern: RegExp): number => commands.findIndex((c) => pattern.test(c));
    const order = [
      /^kind get clusters$/,
      new RegExp(
        `^kind create cluster --name keda-event-pipeline-dev --image ${KIND_NODE_IMAGE.replace(/[.]/g, "\\.")} --wait 180s$`,
      ),
      /apply -f - <<'EOF'$/,
      new RegExp(`apply -n argocd --server-side --force-conflicts -f ${ARGO_CD_INSTALL_URL}$`),
      /-n argocd wait --for=condition=Available deployment --all/,
      /apply -f argocd\/dev\/bootstrap\/$/,
      /get deployment sealed-secrets-controller/,
      /rollout status deployment\/sealed-secrets-controller/,
      /get --raw \/api\/v1\/namespaces\/kube-system\/services\/http:sealed-secrets-controller:\/proxy\/v1\/cert\.pem$/,
      /^npm run -s seal -- --cert \.kind\/keda-event-pipeline-dev\/cert\.pem --env dev --secret broker-credentials --generate --no-synth$/,
      /^npm run -s synth$/,
      /-n argocd get applications -o json$/,
    ].map(at);
    expect(
      order.every((index) => index >= 0),
      `missing a step in:\n${commands.join("\n")}`,
    ).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    for (const kubectl of commands.filter((c) => c.startsWith("kubectl ")))
      expect(kubectl).toMatch(/^kubectl --context kind-keda-event-pipeline-dev /);
    const sealed = commands
      .filter((c) => c.startsWith("npm run -s seal"))
      .map((c) => /--secret (\S+)/.exec(c)?.[1]);
    expect(sealed).toEqual(sealableSecrets("dev", BROKER_BY_ENVIRONMENT.dev).map((s) => s.name));
    expect(lines).toContain("dry run: nothing was run");
    expect(lines.join("\n")).toMatch(/git add cdk8s\/sealed dist-manifests && git commit/);
    expect(lines.join("\n")).toMatch(/argocd-initial-admin-secret/);
    expect(existsSync(join(REPO_ROOT, ".kind", "keda-event-pipeline-dev", "cert.pem"))).toBe(false);
  });

  it("--env prod, --name, --no-seal, --load-images and --push change exactly their steps", async () => {
    const { commands } = await printed([
      "up",
      "--env",
      "prod",
      "--name",
      "mine",
      "--no-seal",
      "--load-images",
      "--push",
      "e2e/1",
      "--dry-run",
    ]);
    expect(
      commands.some((c) => c.startsWith("npm run -s seal") || c.includes("sealed-secrets-controller")),
    ).toBe(false);
    expect(commands).toContain("kubectl --context kind-mine apply -f argocd/prod/bootstrap/");
    const builds = commands.filter((c) => c.startsWith("docker build"));
    expect(builds.length).toBeGreaterThan(0);
    for (const build of builds)
      expect(build).toMatch(/--target (producer|consumer) --build-arg BROKER=nats --tag \S+-nats \.$/);
    expect(commands.filter((c) => c.startsWith("kind load docker-image"))).toHaveLength(builds.length);
    expect(commands).toContain("git push --force origin HEAD:refs/heads/e2e/1");
    expect(commands.indexOf("git push --force origin HEAD:refs/heads/e2e/1")).toBeLessThan(
      commands.indexOf("kubectl --context kind-mine apply -f argocd/prod/bootstrap/"),
    );
  });

  it("names every missing prerequisite; podman runs kind with KIND_EXPERIMENTAL_PROVIDER", async () => {
    const missing = { runtime: undefined, runtimeEnv: {}, missing: ["docker or podman: …", "kind: …"] };
    const { lines } = await printed(["up", "--dry-run"], missing);
    expect(lines.slice(0, 3)).toEqual(["missing prerequisites:", "  - docker or podman: …", "  - kind: …"]);
    const podman = {
      runtime: "podman" as const,
      runtimeEnv: { KIND_EXPERIMENTAL_PROVIDER: "podman" },
      missing: [],
    };
    const { commands } = await printed(["down", "--dry-run"], podman);
    expect(commands).toEqual([
      "KIND_EXPERIMENTAL_PROVIDER=podman kind delete cluster --name keda-event-pipeline-dev",
    ]);
  });

  it("without --dry-run, a missing prerequisite stops the command before anything runs", async () => {
    const ran: Command[] = [];
    const shell: Shell = {
      dryRun: false,
      run: (c) => (ran.push(c), Promise.resolve({ code: 0, stdout: "" })),
    };
    await expect(
      runKind(["up"], {
        shell,
        log: () => {},
        env: {},
        prerequisites: () => ({ runtime: undefined, runtimeEnv: {}, missing: ["kind: x"] }),
      }),
    ).rejects.toThrow(/missing prerequisites:\n {2}- kind: x/);
    expect(ran).toEqual([]);
  });

  it("usage errors exit 2", async () => {
    const io: KindIo = {
      shell: dryRunShell(() => {}),
      log: () => {},
      env: {},
      prerequisites: () => ALL_THERE,
    };
    for (const argv of [
      [],
      ["sideways"],
      ["up", "extra"],
      ["up", "--env", "staging"],
      ["up", "--timeout", "-1"],
      ["e2e-prepare"],
    ])
      await expect(runKind(argv, io), argv.join(" ")).rejects.toMatchObject({ code: 2 });
    await expect(runKind(["--help"], io)).rejects.toBeInstanceOf(CliExit);
  });
});

describe("npm run kind -- e2e --dry-run", () => {
  it("waits for an idle consumer, starts the burst, samples replicas, then reads the summary and Prometheus", async () => {
    const { commands } = await printed(["e2e", "--dry-run"]);
    const steps = [
      /get deployment consumer -o 'jsonpath=\{\.spec\.replicas\}'$/,
      /get deployment producer -o json$/,
      /apply -f - <<'EOF'/,
      /wait --for=condition=Complete job\/e2e-burst/,
      /logs job\/e2e-burst$/,
      /get --raw '\/api\/v1\/namespaces\/monitoring\/services\/kube-prometheus-stack-prometheus:http-web\/proxy\/api\/v1\/query\?query=sum/,
    ].map((p) => commands.findIndex((c) => p.test(c)));
    expect(
      steps.every((i) => i >= 0),
      commands.join("\n"),
    ).toBe(true);
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
  });
});

describe("npm run kind -- e2e-prepare", () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it("points GITOPS_REPOSITORY at the branch and pauses the producer; --dry-run writes nothing", async () => {
    dir = mkdtempSync(join(tmpdir(), "kind-prepare-"));
    const lines: string[] = [];
    const log = (line: string): void => void lines.push(line);
    // the command edits <root>/cdk8s/config.ts: a root whose cdk8s/ holds a copy
    const root = dir;
    mkdirSync(join(root, "cdk8s"));
    cpSync(join(REPO_ROOT, "cdk8s", "config.ts"), join(root, "cdk8s", "config.ts"));
    const before = readFileSync(join(root, "cdk8s", "config.ts"), "utf8");
    const argv = ["e2e-prepare", "--repository", "https://github.com/o/r.git", "--revision", "e2e/7"];
    await runKind([...argv, "--dry-run"], {
      shell: dryRunShell(log),
      log,
      env: {},
      prerequisites: () => ALL_THERE,
      root,
    });
    expect(readFileSync(join(root, "cdk8s", "config.ts"), "utf8")).toBe(before);
    expect(lines.filter((l) => l.startsWith("$ "))).toEqual([
      "$ npm run -s set-rate -- --env dev --rate 0 --no-synth",
      "$ npm run -s bump-images -- --tag e2e --registry localhost/keda-event-pipeline --no-synth",
      "$ npm run -s synth",
    ]);
    const ran: string[] = [];
    const shell: Shell = {
      dryRun: false,
      run: (c) => (ran.push(formatCommand(c)), Promise.resolve({ code: 0, stdout: "" })),
    };
    await runKind(argv, { shell, log, env: {}, prerequisites: () => ALL_THERE, root });
    const after = readFileSync(join(root, "cdk8s", "config.ts"), "utf8");
    expect(after).toContain('url: "https://github.com/o/r.git"');
    expect(after).toContain('targetRevision: "e2e/7"');
    expect(ran).toHaveLength(3);
  });
});

describe("up without --dry-run, against a scripted shell", () => {
  const fixture = (name: string): string =>
    readFileSync(join(import.meta.dirname, "fixtures", `applications-${name}.json`), "utf8");

  it("reports progress until every Application is Healthy, and hints at sealing once when it is needed", async () => {
    const answers = ["progressing", "needs-sealing", "needs-sealing", "healthy"].map(fixture);
    const lines: string[] = [];
    const log = (line: string): void => void lines.push(line);
    const shell: Shell = {
      dryRun: false,
      run: (c) => {
        if (c.argv.includes("applications") && c.argv.includes("json"))
          return Promise.resolve({ code: 0, stdout: answers.shift() ?? "" });
        if (c.argv.includes("clusters"))
          return Promise.resolve({ code: 0, stdout: "keda-event-pipeline-dev\n" });
        return Promise.resolve({ code: 0, stdout: "" });
      },
    };
    await runKind(["up", "--no-seal"], {
      shell,
      log,
      env: {},
      prerequisites: () => ALL_THERE,
      sleep: () => Promise.resolve(),
    });
    expect(lines).toContain("cluster keda-event-pipeline-dev exists: reusing it");
    expect(answers).toEqual([]);
    const summaries = lines
      .filter((l) => /Applications Synced and Healthy/.test(l))
      .map((l) => l.split("\n").at(-1));
    expect(summaries).toHaveLength(3); // the second needs-sealing answer is unchanged: not printed again
    expect(lines.filter((l) => l.includes("commit and push them"))).toHaveLength(1);
    expect(lines).toContain("keda-event-pipeline-dev: every Application is Synced and Healthy");
  });

  it("times out with the last state when it never gets Healthy", async () => {
    let clock = 0;
    const shell: Shell = {
      dryRun: false,
      run: (c) =>
        Promise.resolve({ code: 0, stdout: c.argv.includes("applications") ? fixture("progressing") : "" }),
    };
    await expect(
      runKind(["up", "--no-seal", "--timeout", "1"], {
        shell,
        log: () => {},
        env: {},
        prerequisites: () => ALL_THERE,
        sleep: (ms) => ((clock += ms), Promise.resolve()),
        now: () => clock,
      }),
    ).rejects.toThrow(/timed out after 1 min; last state:[\s\S]*waiting for sealed-secrets/);
  });

  it("a failing step stops the command and names it", async () => {
    const shell: Shell = {
      dryRun: false,
      run: (c) => Promise.resolve({ code: c.argv[1] === "create" ? 1 : 0, stdout: "" }),
    };
    await expect(
      runKind(["up"], { shell, log: () => {}, env: {}, prerequisites: () => ALL_THERE }),
    ).rejects.toThrow(
      /create the cluster .*: `kind create cluster --name keda-event-pipeline-dev .*` exited 1/,
    );
  });
});
