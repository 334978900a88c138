// @ts-check
/**
 * The repository's layering, checked by `npm run lint` (`npm run layers`). Every import, type-only
 * ones included, points down or sideways, never up, and never in a circle:
 *
 *   src/util < src/broker < src/runtime < src/apps            the shipped apps
 *   src, tooling < cdk8s < dashboards/src                      what the cluster is made of
 *   cdk8s/config.ts, cdk8s/lib < cdk8s/observability < cdk8s/charts < cdk8s/argocd < cdk8s/synth.ts < cdk8s/main.ts
 *   testkit < bench, local                                     what runs the apps on this machine
 *   everything above < scripts (npm command entry points) < test
 *
 * tooling/ (CLI parsing, the repository root, the build and docs helpers) sits low so that
 * cdk8s/main.ts, the bench and the local run share it. Nothing the cluster runs or is made of
 * (src/, cdk8s/) imports the local run or the test kit.
 *
 * @type {import("dependency-cruiser").IConfiguration}
 */

/** Top-level folders, lowest first in each chain. */
const ABOVE_SRC = "^(cdk8s|dashboards|tooling|testkit|local|bench|scripts|test)/";
const ABOVE_TOOLING = "^(cdk8s|dashboards|testkit|local|bench|scripts|test)/";
const ABOVE_CDK8S = "^(dashboards|testkit|local|bench|scripts|test)/";
const ABOVE_TESTKIT = "^(local|bench|scripts|test)/";

/**
 * Import circles and upward arrows that exist on this branch and are being removed in parallel
 * work: each entry names the exact import. Remove an entry once its arrow is gone (the check then
 * keeps it gone).
 */
const KNOWN_VIOLATIONS = {
  /** Type-only circle: the naming registry imports each adapter's naming, which imports its type. */
  namingCircle: "^src/broker/(naming|memphis/names|nats/names)[.]ts$",
  /** Type-only circle: the connection watch starts the guard, which imports the watch's status type. */
  connectionWatchCircle: "^src/broker/common/(connection-watch|stale-socket-guard)[.]ts$",
  /** Upward, from cdk8s/charts/pipeline-chart.ts: sealedSecretOf and the platform secrets chart. */
  chartsToArgocd: "^cdk8s/argocd/(sealed-platform-secrets|platform-secrets-chart)[.]ts$",
};

export default {
  forbidden: [
    {
      name: "no-circular",
      comment: "An import circle: the modules cannot be understood, tested or layered one at a time.",
      severity: "error",
      from: { pathNot: [KNOWN_VIOLATIONS.namingCircle, KNOWN_VIOLATIONS.connectionWatchCircle] },
      to: { circular: true },
    },
    {
      name: "src-stays-inside",
      comment: "The shipped apps import nothing from the repository's tooling, manifests, kit or tests.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: ABOVE_SRC },
    },
    {
      name: "src-util-is-the-bottom",
      comment: "src/util holds generic helpers: it imports no broker, runtime or app code.",
      severity: "error",
      from: { path: "^src/util/" },
      to: { path: "^src/(broker|runtime|apps)/" },
    },
    {
      name: "src-broker-below-runtime",
      comment: "The broker adapters know nothing of the app runtime or the apps.",
      severity: "error",
      from: { path: "^src/broker/" },
      to: { path: "^src/(runtime|apps)/" },
    },
    {
      name: "src-runtime-below-apps",
      comment: "The runtime serves both apps and imports neither.",
      severity: "error",
      from: { path: "^src/runtime/" },
      to: { path: "^src/apps/" },
    },
    {
      name: "src-apps-apart",
      comment: "The producer and the consumer share code through src/runtime, not through each other.",
      severity: "error",
      from: { path: "^src/apps/(producer|consumer)/" },
      to: { path: "^src/apps/", pathNot: "^src/apps/$1/" },
    },
    {
      name: "tooling-is-low",
      comment:
        "tooling/ is shared by cdk8s/main.ts, the bench, the local run and the commands: it imports none of them.",
      severity: "error",
      from: { path: "^tooling/" },
      to: { path: ABOVE_TOOLING },
    },
    {
      name: "cdk8s-below-kit-and-commands",
      comment:
        "The manifests are made from src/ and cdk8s/ alone: never from the local run, the test kit, the bench, the commands or the tests.",
      severity: "error",
      from: { path: "^cdk8s/" },
      to: { path: ABOVE_CDK8S },
    },
    {
      name: "cdk8s-config-is-data",
      comment: "cdk8s/config.ts is the settings the constructs and charts read; it builds nothing from them.",
      severity: "error",
      from: { path: "^cdk8s/config[.]ts$" },
      to: { path: "^cdk8s/(observability/|charts/|argocd/|synth[.]ts|main[.]ts)" },
    },
    {
      name: "cdk8s-lib-below-charts",
      comment:
        "cdk8s/lib holds the constructs: the rule sets, charts, Argo CD apps and the synth entry build on it, not it on them.",
      severity: "error",
      from: { path: "^cdk8s/lib/" },
      to: { path: "^cdk8s/(observability/|charts/|argocd/|synth[.]ts|main[.]ts)" },
    },
    {
      name: "cdk8s-observability-below-charts",
      comment: "The rule and dashboard constructs are used by the charts; they do not reach into them.",
      severity: "error",
      from: { path: "^cdk8s/observability/" },
      to: { path: "^cdk8s/(charts/|argocd/|synth[.]ts|main[.]ts)" },
    },
    {
      name: "cdk8s-charts-below-argocd",
      comment:
        "The Argo CD charts point Applications at the app charts; the app charts know nothing of Argo CD " +
        "(what both need, such as sealing a secret, lives below them).",
      severity: "error",
      from: { path: "^cdk8s/charts/" },
      to: {
        path: "^cdk8s/(argocd/|synth[.]ts|main[.]ts)",
        // Known, being removed in parallel: pipeline-chart.ts takes sealedSecretOf and the platform
        // secrets' names from argocd/. Delete this line once those two imports are gone.
        pathNot: KNOWN_VIOLATIONS.chartsToArgocd,
      },
    },
    {
      name: "cdk8s-synth-below-main",
      comment: "cdk8s/synth.ts is the library the commands and tests call; main.ts is only its CLI.",
      severity: "error",
      from: { path: "^cdk8s/(?!main[.]ts$)" },
      to: { path: "^cdk8s/main[.]ts$" },
    },
    {
      name: "dashboards-below-kit",
      comment: "The dashboards are made from the metrics' names and the manifests' settings only.",
      severity: "error",
      from: { path: "^dashboards/" },
      to: { path: "^(testkit|local|bench|scripts|test)/" },
    },
    {
      name: "testkit-below-its-users",
      comment: "The test kit serves the tests, the bench and the local run; it imports none of them.",
      severity: "error",
      from: { path: "^testkit/" },
      to: { path: ABOVE_TESTKIT },
    },
    {
      name: "bench-and-local-apart",
      comment: "The bench and the local run are separate applications on the same kit.",
      severity: "error",
      from: { path: "^(bench|local)/" },
      to: { path: "^(bench|local|scripts|test)/", pathNot: "^$1/" },
    },
    {
      name: "scripts-below-tests",
      comment: "The npm command entry points are not a library for anything but the tests.",
      severity: "error",
      from: { path: "^(?!test/|scripts/)" },
      to: { path: "^scripts/" },
    },
    {
      name: "nothing-imports-tests",
      comment: "Tests import the code, never the other way round.",
      severity: "error",
      from: { pathNot: "^test/" },
      to: { path: "^test/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|dist|cdk8s/imports)/" },
    // Type-only imports count: a type import upward ties the layers as much as a value import.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".mts", ".js", ".mjs", ".cjs", ".json"],
    },
  },
};
